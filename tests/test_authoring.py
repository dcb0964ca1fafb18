"""Authoring: `invoke check` on broken content folders, the scaffolding commands, drafts and
future-dated articles, and the email preview of development builds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import feedparser
import pytest

from tests.support.site import ROOT, broken_internal_links, build, soup

ARTICLE = """\
Title: {title}
Date: {date}
Category: Connecting
Tags: introductions, habits
Author: Sam Lee
Summary: {title} in one sentence.
{extra}
A paragraph of advice about {title_lower}, with a [link to the other one]({{filename}}{other}.md).
"""


def article(title: str, date: str, other: str, extra: str = "") -> str:
    return ARTICLE.format(title=title, date=date, extra=extra, title_lower=title.lower(), other=other)


# A small, clean content folder; every broken case changes one thing in it.
CLEAN = {
    "articles/first.md": article("First Steps", "2025-03-04 09:00", "second"),
    "articles/second.md": article("Second Thoughts", "2025-03-18 09:00", "first"),
    "pages/about.md": "Title: About\n\nWho writes this site.\n",
    "quoteactions/2025-03.md": (
        "Month: 2025-03\nQuote: Well begun is half done.\n"
        "Quote_author: Aristotle\nQuote_author_role: philosopher\n\n"
        "Your action is to start one conversation you have been putting off.\n"
    ),
    "connector-prompts.yaml": (
        "- id: introduce-two-peers\n  text: Introduce two people who should know each other.\n"
        "- id: pass-on-a-link\n  text: Send this article to one person it would help.\n  tags: [habits]\n"
    ),
    "newsletters/2025-03.md": (
        "Subject: Starting well\nPreview_text: Two articles on beginnings.\n\nA short note.\n"
    ),
    "images/handshake.png": "not really a png, but a file",
}


@dataclass(frozen=True)
class Case:
    name: str
    changes: dict[str, str | bytes | None]  # path -> new text (None deletes the file)
    expected: tuple[str, ...]  # substrings of the problem line, the file name first


def first_with(extra: str = "") -> str:
    """The clean first article, with ``extra`` metadata lines after its Summary."""
    return article("First Steps", "2025-03-04 09:00", "second", extra)


def without(line_start: str, text: str | None = None) -> str:
    text = text or CLEAN["articles/first.md"]
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith(line_start))


CASES = [
    Case(
        "missing title",
        {"articles/first.md": without("Title:")},
        ("articles/first.md:1 [Title]: is missing", "add a line 'Title:"),
    ),
    Case(
        "missing date", {"articles/first.md": without("Date:")}, ("articles/first.md:1 [Date]: is missing",)
    ),
    Case(
        "missing category",
        {"articles/first.md": without("Category:")},
        ("articles/first.md:1 [Category]: is missing",),
    ),
    Case(
        "missing summary",
        {"articles/first.md": without("Summary:")},
        ("articles/first.md:1 [Summary]: is missing",),
    ),
    Case(
        "empty summary",
        {"articles/first.md": first_with().replace("Summary: First Steps in one sentence.", "Summary:")},
        ("articles/first.md:6 [Summary]: is empty",),
    ),
    Case(
        "date that does not parse",
        {"articles/first.md": first_with().replace("2025-03-04 09:00", "2025-13-45")},
        ("articles/first.md:2 [Date]: '2025-13-45' is not a date", "YYYY-MM-DD"),
    ),
    Case(
        "date far in the future",
        {"articles/first.md": first_with().replace("2025-03-04", "2205-03-04")},
        ("articles/first.md:2 [Date]: 2205-03-04 09:00 is more than a year ahead", "is the year a typo"),
    ),
    Case(
        "modified before date",
        {"articles/first.md": first_with("Modified: 2025-01-01\n")},
        ("articles/first.md:7 [Modified]: is earlier than Date",),
    ),
    Case(
        "typo in a field name",
        {"articles/first.md": first_with().replace("Category:", "Catgory:")},
        ("articles/first.md:3 [Catgory]: unknown field", "did you mean 'Category:'?"),
    ),
    Case(
        "unknown status",
        {"articles/first.md": first_with("Status: publish\n")},
        ("articles/first.md:7 [Status]: 'publish' is not a status", "published, draft, hidden"),
    ),
    Case(
        "summary too long",
        {"articles/first.md": first_with().replace("First Steps in one sentence.", "word " * 70)},
        ("articles/first.md:6 [Summary]: is 349 characters",),
    ),
    Case(
        "duplicate slug",
        {
            "articles/second.md": article(
                "Second Thoughts", "2025-03-18 09:00", "first", "Slug: first-steps\n"
            )
        },
        (
            "articles/second.md:7 [Slug]: gives the slug 'first-steps', which",
            "articles/first.md already uses",
        ),
    ),
    Case(
        "page with an article's slug",
        {"pages/first-steps.md": "Title: First Steps\n\nA page.\n"},
        ("pages/first-steps.md:1 [Title]: gives the slug 'first-steps'",),
    ),
    Case(
        "missing image",
        {"articles/first.md": first_with() + "\n![A handshake]({static}/images/handshak.png)\n"},
        (
            "articles/first.md:10 [image]: {static}/images/handshak.png: there is no such file",
            "did you mean {static}/images/handshake.png?",
        ),
    ),
    Case(
        "image without alt text",
        {"articles/first.md": first_with() + "\n![]({static}/images/handshake.png)\n"},
        (
            "articles/first.md:10 [image]: {static}/images/handshake.png has no alt text",
            "describe the picture",
        ),
    ),
    Case(
        "relative image path",
        {"articles/first.md": first_with() + "\n![A handshake](images/handshake.png)\n"},
        ("articles/first.md:10 [image]: images/handshake.png is relative to the article's address",),
    ),
    Case(
        "link to a missing article",
        {"articles/second.md": article("Second Thoughts", "2025-03-18 09:00", "frist")},
        (
            "articles/second.md:8 [link]: {filename}frist.md: there is no such file",
            "did you mean {filename}/articles/first.md?",
        ),
    ),
    Case(
        "link to a Markdown file",
        {"articles/first.md": first_with() + "\nSee [the other one](second.md).\n"},
        ("articles/first.md:10 [link]: second.md links to a Markdown file", "{filename}second.md"),
    ),
    Case(
        "article without text",
        {"articles/first.md": first_with().split("A paragraph")[0]},
        ("[text]: the article has no text below its fields",),
    ),
    Case(
        "article with only a link definition",
        {"articles/first.md": first_with().split("A paragraph")[0] + "[site]: https://example.com/\n"},
        ("[text]: the article has no text below its fields",),
    ),
    Case(
        "unknown connector prompt",
        {"articles/first.md": first_with("Connector_prompt: pass-on-a-lnk\n")},
        (
            "articles/first.md:7 [Connector_prompt]: 'pass-on-a-lnk' is not the id of a prompt",
            "did you mean 'pass-on-a-link'?",
        ),
    ),
    Case(
        "page without title",
        {"pages/about.md": "Slug: about\n\nWho writes this site.\n"},
        ("pages/about.md:1 [Title]: is missing",),
    ),
    Case("empty file", {"articles/third.md": "\n"}, ("articles/third.md: is empty",)),
    Case(
        "file that is not UTF-8",
        {"articles/third.md": "Title: Caf\xe9\n".encode("latin-1")},
        ("articles/third.md:1: is not UTF-8 text",),
    ),
    Case(
        "QuoteAction without quote",
        {
            "quoteactions/2025-03.md": CLEAN["quoteactions/2025-03.md"].replace(
                "Quote: Well begun is half done.\n", ""
            )
        },
        ("quoteactions/2025-03.md [Quote]: missing or empty",),
    ),
    Case(
        "QuoteAction without action",
        {"quoteactions/2025-03.md": CLEAN["quoteactions/2025-03.md"].split("\n\n")[0] + "\n"},
        ("quoteactions/2025-03.md [action]: the file has no action",),
    ),
    Case(
        "QuoteAction for another month",
        {
            "quoteactions/2025-03.md": CLEAN["quoteactions/2025-03.md"].replace(
                "Month: 2025-03", "Month: 2025-04"
            )
        },
        ("quoteactions/2025-03.md [Month]: says 2025-04 but the file is named 2025-03.md",),
    ),
    Case(
        "second QuoteAction for a month",
        {"quoteactions/march.md": CLEAN["quoteactions/2025-03.md"]},
        ("quoteactions/march.md [Month]: 2025-03 already has a QuoteAction in", "quoteactions/2025-03.md"),
    ),
    Case(
        "missing QuoteAction for a month with articles",
        {"quoteactions/2025-03.md": None},
        (
            "quoteactions/2025-03.md: 2025-03 has 2 published articles but no QuoteAction",
            "invoke new-quoteaction 2025-03",
        ),
    ),
    Case(
        "prompts file that is not YAML",
        {"connector-prompts.yaml": "- id: a\n  text: broken: [\n"},
        ("connector-prompts.yaml: is not valid YAML at line",),
    ),
    Case(
        "two prompts with one id",
        {
            "connector-prompts.yaml": CLEAN["connector-prompts.yaml"].replace(
                "pass-on-a-link", "introduce-two-peers"
            )
        },
        (
            "connector-prompts.yaml [prompt 2 (introduce-two-peers) id]: "
            "'introduce-two-peers' is also the id of prompt 1",
        ),
    ),
    Case(
        "newsletter choosing an unknown article",
        {"newsletters/2025-03.md": "Articles: first-steps, second-thought\n\nNote.\n"},
        (
            "newsletters/2025-03.md [Articles]: no published article has the slug 'second-thought'",
            "did you mean 'second-thoughts'?",
        ),
    ),
    Case(
        "newsletter subject too long",
        {"newsletters/2025-03.md": "Subject: " + "A very long subject line " * 4 + "\n\nNote.\n"},
        ("newsletters/2025-03.md [Subject]: is 99 characters; mail clients cut it after about 78",),
    ),
    Case(
        "newsletter preview text too long",
        {"newsletters/2025-03.md": "Preview_text: " + "word " * 40 + "\n\nNote.\n"},
        ("newsletters/2025-03.md [Preview_text]: is 199 characters",),
    ),
    Case(
        "newsletter field typo",
        {"newsletters/2025-03.md": "Subjet: Starting well\n\nNote.\n"},
        ("newsletters/2025-03.md [Subjet]: unknown field", "did you mean Subject:?"),
    ),
]


def make_content(folder: Path, changes: dict[str, str | bytes | None]) -> Path:
    content = folder / "content"
    files = {**CLEAN, **changes}
    for relative, text in files.items():
        if text is None:
            continue
        path = content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return content


def invoke(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "invoke", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


@pytest.fixture(scope="module")
def check_results(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    """`invoke check` on the clean folder and every broken one, two at a time."""
    base = tmp_path_factory.mktemp("check")
    folders = {"clean": make_content(base / "clean", {})}
    for number, case in enumerate(CASES):
        folders[case.name] = make_content(base / f"case{number:02d}", case.changes)
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        results = pool.map(
            lambda item: (item[0], invoke("check", "--content", str(item[1]))), folders.items()
        )
        return dict(results)


def test_enough_distinct_problems_are_covered():
    assert len(CASES) >= 20
    assert len({case.expected[0].split("]: ", 1)[-1][:25] for case in CASES}) >= 20


def test_a_clean_folder_passes(check_results):
    result = check_results["clean"]
    assert (result.returncode, result.stderr) == (0, "")
    assert "no problems found" in result.stdout


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_broken_folder_gives_its_own_message(case, check_results):
    result = check_results[case.name]
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    problem_lines = [line.strip() for line in result.stdout.splitlines()[1:]]
    matching = [line for line in problem_lines if all(part in line for part in case.expected)]
    assert matching, f"expected {case.expected} in:\n{result.stdout}"
    assert "Fix: " in matching[0]
    assert len(problem_lines) == 1, f"one problem expected, the check found:\n{result.stdout}"


def test_json_output_lists_file_line_field_problem_and_fix(tmp_path):
    content = make_content(tmp_path, {"articles/first.md": first_with().replace("Category:", "Catgory:")})
    result = invoke("check", "--content", str(content), "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["count"] == 1
    (problem,) = report["problems"]
    assert problem["file"].endswith("articles/first.md") and problem["line"] == 3
    assert (problem["field"], problem["problem"]) == ("Catgory", "unknown field")
    assert problem["fix"] == "did you mean 'Category:'?"


def test_the_sample_content_passes_the_check():
    result = invoke("check")
    assert (result.returncode, result.stdout.strip()) == (0, "Content check: no problems found.")


# ---- scaffolding ------------------------------------------------------------


def fill(path: Path, values: dict[str, str], body: str) -> None:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        key = line.split(":", 1)[0]
        lines.append(f"{key}: {values[key]}" if key in values and line.strip() == f"{key}:" else line)
    path.write_text("\n".join(lines) + "\n" + body + "\n", encoding="utf-8")


def test_new_article_makes_a_draft_that_passes_the_check_once_filled_in(tmp_path):
    content = make_content(tmp_path, {})
    result = invoke("new-article", "Thank-You Notes That Open Doors", "--content", str(content))
    assert result.returncode == 0, result.stderr
    created = content / "articles/thank-you-notes-that-open-doors.md"
    assert result.stdout.strip() == f"Created {created}"
    text = created.read_text(encoding="utf-8")
    for field in (
        "Title: Thank-You Notes That Open Doors",
        "Date: ",
        "Category:",
        "Tags:",
        "Author:",
        "Summary:",
        "Slug: thank-you-notes-that-open-doors",
        "Status: draft",
    ):
        assert field in text
    assert "Connecting" in text and "pass-on-a-link" in text  # the site's categories and prompt ids, as hints

    unfilled = invoke("check", "--content", str(content))
    assert unfilled.returncode == 1
    assert "thank-you-notes-that-open-doors.md:3 [Category]: is empty" in unfilled.stdout

    fill(
        created,
        {"Category": "Connecting", "Summary": "Why a short thank-you note keeps doors open."},
        "A thank-you note takes two minutes and is remembered for years.",
    )
    filled = invoke("check", "--content", str(content))
    assert (filled.returncode, filled.stdout.strip()) == (0, "Content check: no problems found.")


def test_scaffolding_never_overwrites(tmp_path):
    content = make_content(tmp_path, {})
    existing = content / "quoteactions/2025-03.md"
    for arguments in (("new-quoteaction", "2025-03"), ("new-newsletter", "2025-03")):
        result = invoke(*arguments, "--content", str(content))
        assert result.returncode == 1, arguments
        assert "2025-03.md: already exists and was left untouched" in result.stderr
        assert "Traceback" not in result.stderr
    assert existing.read_text(encoding="utf-8") == CLEAN["quoteactions/2025-03.md"]
    assert (content / "newsletters/2025-03.md").read_text(encoding="utf-8") == CLEAN["newsletters/2025-03.md"]


def test_new_article_refuses_a_title_whose_slug_is_taken(tmp_path):
    content = make_content(tmp_path, {})
    taken = invoke("new-article", "First Steps", "--content", str(content))  # first.md has this title's slug
    assert taken.returncode == 1
    assert (
        "articles/first.md: already has the slug 'first-steps'" in taken.stderr
        and "Traceback" not in taken.stderr
    )
    assert not (content / "articles/first-steps.md").exists()
    assert (content / "articles/first.md").read_text(encoding="utf-8") == CLEAN["articles/first.md"]

    assert invoke("new-article", "Same Title", "--content", str(content)).returncode == 0
    created = content / "articles/same-title.md"
    before = created.read_bytes()
    again = invoke("new-article", "Same  Title!", "--content", str(content))
    assert again.returncode == 1 and "same-title.md: already has the slug 'same-title'" in again.stderr
    assert created.read_bytes() == before


def test_new_quoteaction_and_newsletter_pass_the_check_once_filled_in(tmp_path):
    content = make_content(tmp_path, {})
    april = article("April Showers", "2025-04-02 09:00", "first")
    (content / "articles/april.md").write_text(april, encoding="utf-8")
    missing = invoke("check", "--content", str(content))
    assert "2025-04 has 1 published article but no QuoteAction" in missing.stdout

    assert invoke("new-quoteaction", "2025-04", "--content", str(content)).returncode == 0
    assert invoke("new-newsletter", "2025-04", "--content", str(content)).returncode == 0
    quoteaction = content / "quoteactions/2025-04.md"
    newsletter = content / "newsletters/2025-04.md"
    assert quoteaction.read_text(encoding="utf-8").startswith("Month: 2025-04\nQuote:\nQuote_author:\n")
    assert newsletter.read_text(encoding="utf-8").startswith("Subject:\nPreview_text:\n")

    unfilled = invoke("check", "--content", str(content))
    assert "quoteactions/2025-04.md [Quote]: missing or empty" in unfilled.stdout
    assert "newsletters" not in unfilled.stdout  # an override with empty fields keeps the defaults

    fill(
        quoteaction,
        {"Quote": "Rain is grace.", "Quote_author": "John Updike", "Quote_author_role": "novelist"},
        "Your action is to thank someone who helped you this spring.",
    )
    fill(newsletter, {"Subject": "April: small thanks"}, "")
    filled = invoke("check", "--content", str(content))
    assert (filled.returncode, filled.stdout.strip()) == (0, "Content check: no problems found.")


def test_scaffolding_rejects_a_month_that_is_not_one(tmp_path):
    content = make_content(tmp_path, {})
    result = invoke("new-quoteaction", "2025-4", "--content", str(content))
    assert result.returncode == 1
    assert "'2025-4' is not in the form YYYY-MM" in result.stderr and "Traceback" not in result.stderr
    assert not (content / "quoteactions/2025-4.md").exists()


# ---- drafts, future-dated articles and the email preview --------------------

SITE = "https://networker.example.com"


def site_files() -> dict[str, str]:
    files = {f"content/{path}": text for path, text in CLEAN.items() if not path.startswith("images/")}
    files["content/articles/draft.md"] = article(
        "Work in Progress", "2025-03-20 09:00", "first", "Status: draft\n"
    )
    # Within a year: a date further ahead is a typo the build refuses (see test_one_reading.py).
    files["content/articles/future.md"] = article(
        "Not Yet", f"{date.today() + timedelta(days=200):%Y-%m-%d} 09:00", "first"
    )
    return {path.removeprefix("content/"): text for path, text in files.items()}


def test_drafts_and_future_articles_are_previewed_but_never_published_fed_or_mailed(tmp_path):
    development = build(tmp_path / "dev", site_files())
    assert (development / "drafts/work-in-progress/index.html").is_file()
    assert (development / "drafts/not-yet/index.html").is_file()

    production = build(tmp_path / "prod", site_files(), production=True, SITEURL=SITE, FEED_DOMAIN=SITE)
    assert not (production / "drafts").exists()
    everything = "\n".join(
        path.read_text(encoding="utf-8") for path in production.rglob("*") if path.suffix in (".html", ".xml")
    )
    campaigns = "\n".join(
        path.read_text(encoding="utf-8") for path in (tmp_path / "prod/campaigns").rglob("*.*")
    )
    for title, slug in (("Work in Progress", "work-in-progress"), ("Not Yet", "not-yet")):
        assert title not in everything and slug not in everything
        assert title not in campaigns and slug not in campaigns
    feed = feedparser.parse((production / "feeds/all.atom.xml").read_bytes())
    assert sorted(entry.title for entry in feed.entries) == ["First Steps", "Second Thoughts"]
    assert broken_internal_links(production, SITE) == []


def test_development_builds_preview_the_email_and_write_no_campaign_files(tmp_path):
    output = build(tmp_path, site_files(), NEWSLETTER_CAMPAIGNS_PATH="")
    assert not (tmp_path / "campaigns").exists()
    preview = output / "newsletter-preview"
    page = soup(preview / "index.html")
    frames = {frame["class"][0]: frame for frame in page.find_all("iframe")}
    assert set(frames) == {"phone", "desktop"}
    assert frames["phone"]["src"] == "2025-03/email.html"
    assert "375px" in page.find("style").text.replace(" ", "")
    assert "Starting well" in page.find("dl").text
    email = (preview / "2025-03/email.html").read_text(encoding="utf-8")
    assert "First Steps" in email and "Well begun is half done." in email
    assert "*|" not in email and "unsubscribe" in email.lower()  # merge tags filled in as Mailchimp would
    assert "*|" not in (preview / "2025-03/email.txt").read_text(encoding="utf-8")


def test_production_builds_have_no_email_preview(tmp_path):
    output = build(tmp_path, site_files(), production=True, SITEURL=SITE, FEED_DOMAIN=SITE)
    assert not (output / "newsletter-preview").exists()
    assert (tmp_path / "campaigns/2025-03/campaign.json").is_file()
