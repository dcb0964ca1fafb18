"""Another Pelican site uses the plugins: wheels of the distributions installed with plain Pelican
into a fresh virtual environment, a site of its own on Pelican's own themes, no PLUGINS setting.

And, in this process (quicker), what the insertion into article content does and does not do.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import feedparser
import pytest

from pelican.plugins.quoteaction.settings import plugin_settings
from pelican_contentkit.errors import ContentError
from tests.support.site import ROOT, build, soup, vnu_errors, write_files

DISTRIBUTIONS = sorted(path.parent for path in (ROOT / "plugins").glob("*/pyproject.toml"))

CONTENT = {
    "articles/seeds.md": """\
        Title: Seeds
        Date: 2026-10-02 08:00
        Category: Growing
        Tags: seeds

        Sow them in spring.
        """,
    "articles/compost.md": """\
        Title: Compost
        Date: 2026-10-09 08:00
        Category: Growing
        Summary: Turn waste into soil.

        Compost is *alive*: it needs air, water and time.
        """,
    "quoteactions/2026-10.md": """\
        Month: 2026-10
        Quote: To plant a garden is to <believe> in tomorrow.
        Quote_author: Audrey Hepburn

        Your action is to give a neighbour some seeds.
        """,
    "connector-prompts.yaml": """\
        - id: share-seeds
          text: Share seeds with **someone** new.
        """,
}

# The other site's own settings: no PLUGINS (Pelican loads every installed namespace plugin),
# Pelican's default theme unless THEME is added.
PELICANCONF = """\
    SITENAME = "Garden & Friends"
    SITEURL = "https://garden.example.org"
    PATH = "content"
    TIMEZONE = "UTC"
    DEFAULT_LANG = "en"
    NEWSLETTER_REPLY_TO = "hello@garden.example.org"
    NEWSLETTER_KEY_PREFIX = "garden"
    """


def run(command: list, cwd: Path | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, (
        f"{command[:4]}: exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    )
    return result


@pytest.fixture(scope="module")
def other_venv(tmp_path_factory) -> Path:
    """A fresh venv with plain pelican[markdown]==4.12.0 and the wheels of every distribution."""
    base = tmp_path_factory.mktemp("other-venv")
    wheels = base / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    run(
        [*pip, "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir", wheels, *DISTRIBUTIONS]
    )
    assert len(list(wheels.glob("*.whl"))) == len(DISTRIBUTIONS)
    venv = base / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv])
    run(
        [
            *pip,
            "--python",
            venv / "bin" / "python",
            "install",
            "--quiet",
            "--no-compile",
            "-c",
            ROOT / "constraints.txt",
            "pelican[markdown]==4.12.0",
            *sorted(wheels.glob("*.whl")),
        ]
    )
    return venv / "bin"


@pytest.mark.parametrize("theme", [None, "simple"], ids=["notmyidea", "simple"])
def test_another_site_on_pelicans_own_themes(other_venv, tmp_path, theme):
    site = tmp_path / "garden"
    settings = textwrap.dedent(PELICANCONF) + (f'THEME = "{theme}"\n' if theme else "")
    write_files(
        site, {"pelicanconf.py": settings, **{f"content/{name}": text for name, text in CONTENT.items()}}
    )
    result = run([other_venv / "pelican", "content", "-s", "pelicanconf.py", "-o", "output"], cwd=site)
    log = result.stdout + result.stderr
    assert "ERROR" not in log and "CRITICAL" not in log and "Traceback" not in log, log

    output = site / "output"
    for page in ("seeds.html", "compost.html"):
        html = (output / page).read_text(encoding="utf-8")
        article = soup(output / page)
        assert len(article.select(".quoteaction")) == 1, page
        assert len(article.select(".connector-prompt")) == 1, page
        assert "To plant a garden is to &lt;believe&gt; in tomorrow." in html and "<believe>" not in html
        assert article.select_one(".connector-prompt strong").get_text() == "someone"
        more = article.select_one(".quoteaction a[href$='#qa-2026-10']")
        assert more["href"] == "https://garden.example.org/quoteactions/#qa-2026-10"

    archive = soup(output / "quoteactions" / "index.html")
    assert archive.select_one("#qa-2026-10 blockquote").get_text(strip=True) == (
        "To plant a garden is to <believe> in tomorrow."
    )
    assert archive.title.get_text() == "QuoteActions · Garden & Friends"

    issue = soup(output / "newsletter" / "2026-10" / "index.html")
    assert [a.get_text() for a in issue.select(".issue-articles h3 a")] == ["Compost", "Seeds"]
    assert "Audrey Hepburn" in issue.select_one(".quoteaction figcaption").get_text()
    assert "QuoteAction" not in issue.select(".issue-articles")[0].get_text()  # summaries stay summaries
    assert soup(output / "newsletter" / "index.html").select_one("a[href$='newsletter/2026-10/']")

    campaign = site / "campaigns" / "2026-10"
    record = json.loads((campaign / "campaign.json").read_text(encoding="utf-8"))
    assert record["issue_key"] == "garden-2026-10"
    assert (
        record["month"] == "2026-10" and record["web_url"] == "https://garden.example.org/newsletter/2026-10/"
    )
    assert "*|UNSUB|*" in (campaign / "email.html").read_text(encoding="utf-8")
    assert "Seeds" in (campaign / "email.txt").read_text(encoding="utf-8")

    feed = (output / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert "quoteaction" not in feed and "Audrey Hepburn" not in feed  # QUOTEACTION_IN_FEEDS is off

    dry_run = run([other_venv / "pelican-newsletter", "publish", "--month", "2026-10"], cwd=site)
    assert "Dry run: nothing was sent." in dry_run.stdout and "[FAIL]" not in dry_run.stdout

    if theme == "simple":  # the plugins' default templates are valid HTML (simple's own pages are too)
        pages = [
            "seeds.html",
            "quoteactions/index.html",
            "newsletter/index.html",
            "newsletter/2026-10/index.html",
        ]
        assert vnu_errors([output / page for page in pages]) == []


# In this process: Pelican's own themes with only the QuoteAction plugin.


def build_simple_site(tmp_path: Path, theme: str = "simple", files: dict | None = None, **overrides) -> Path:
    from pelican import Pelican
    from pelican.settings import read_settings

    write_files(tmp_path / "content", {**CONTENT, **(files or {})})
    settings = read_settings(
        None,
        override={
            "PATH": str(tmp_path / "content"),
            "OUTPUT_PATH": str(tmp_path / "output"),
            "THEME": theme,
            "SITEURL": "https://garden.example.org",
            "TIMEZONE": "UTC",
            "PLUGINS": ["quoteaction"],
            "CACHE_CONTENT": False,
            "LOAD_CONTENT_CACHE": False,
            "FEED_ALL_RSS": "feeds/all.rss.xml",
            **overrides,
        },
    )
    Pelican(settings).run()
    return tmp_path / "output"


def test_never_leaves_the_content_alone_and_always_inserts(tmp_path):
    output = build_simple_site(tmp_path / "never", QUOTEACTION_INSERT_IN_CONTENT="never")
    assert not soup(output / "seeds.html").select(".quoteaction, .connector-prompt")
    output = build_simple_site(tmp_path / "always", QUOTEACTION_INSERT_IN_CONTENT="always")
    assert len(soup(output / "seeds.html").select(".quoteaction-inserted > .quoteaction")) == 1


def test_a_theme_that_includes_the_partials_gets_them_once(tmp_path):
    theme = tmp_path / "theme"
    write_files(
        theme / "templates",
        {
            "article.html": """\
            {% extends "!simple/article.html" %}
            {% block content %}{{ super() }}{% include "partials/quoteaction.html" %}{% endblock %}
            """,
        },
    )
    page = soup(build_simple_site(tmp_path, theme=str(theme)) / "seeds.html")
    assert len(page.select(".quoteaction")) == 1
    assert not page.select(".quoteaction-inserted .quoteaction")  # shown by the theme, not inserted
    assert (
        len(page.select(".quoteaction-inserted > .connector-prompt")) == 1
    )  # the theme does not show this one


def test_summaries_and_feeds_leave_the_inserted_blocks_out(tmp_path):
    output = build_simple_site(tmp_path)
    index = soup(output / "index.html")  # simple's index shows each article's summary
    assert not index.select(".quoteaction, .connector-prompt")
    assert "Sow them in spring." in index.get_text()
    for name in ("all.atom.xml", "all.rss.xml"):
        for entry in feedparser.parse(output / "feeds" / name).entries:
            text = entry.get("content", [{}])[0].get("value", "") + entry.get("summary", "")
            assert "quoteaction" not in text and "Be a connector" not in text, (name, text)


def test_feeds_carry_them_once_when_asked(tmp_path):
    output = build_simple_site(tmp_path, QUOTEACTION_IN_FEEDS=True, CONNECTOR_PROMPTS_IN_FEEDS=True)
    feed = feedparser.parse(output / "feeds" / "all.atom.xml")
    [seeds] = [entry for entry in feed.entries if entry.title == "Seeds"]
    content = seeds.content[0].value
    assert content.count("Audrey Hepburn") == 1 and content.count("Be a connector") == 1
    assert "quoteaction-inserted" not in content


def test_networkers_theme_shows_them_once_and_nothing_is_inserted(tmp_path):
    # The sample site requires a Summary; this content is the other site's, which does not.
    page = soup(build(tmp_path, CONTENT, CONTENT_REQUIRED_FIELDS=["title", "date"]) / "seeds" / "index.html")
    assert len(page.select("aside.quoteaction")) == 1 and len(page.select("aside.connector-prompt")) == 1
    assert not page.select(".quoteaction-inserted")
    assert not page.select(".article-body .quoteaction, .article-body .connector-prompt")


def test_insertion_setting_takes_one_of_three_values():
    assert plugin_settings({}).insert_in_content == "auto"
    with pytest.raises(ContentError) as error:
        plugin_settings({"QUOTEACTION_INSERT_IN_CONTENT": "sometimes"})
    assert error.value.field == "QUOTEACTION_INSERT_IN_CONTENT"
    assert "'auto', 'always', 'never'" in str(error.value)


def test_inserted_actions_have_their_links_resolved_and_absolute(tmp_path):
    files = {
        "quoteactions/2026-10.md": CONTENT["quoteactions/2026-10.md"]
        + "        Read [about compost](../articles/compost.md) first.\n"
    }
    output = build_simple_site(tmp_path, files=files)
    links = [a["href"] for a in soup(output / "seeds.html").select(".quoteaction-inserted .quoteaction a")]
    assert "https://garden.example.org/compost.html" in links
    assert "{filename}" not in (output / "seeds.html").read_text(encoding="utf-8")
