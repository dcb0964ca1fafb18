"""The newsletter in a real build: web pages, campaign files, the email, the text part and the feed."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import feedparser
import pytest
from bs4 import BeautifulSoup

from tests.support.feed_rules import feed_errors
from tests.support.site import broken_internal_links, build, soup, vnu_errors

SITE_URL = "https://networker.example.com"
MERGE_TAG = re.compile(r"\*\|[A-Z_:]+\|\*")
SUMMARY = "A practical look at one habit that makes introductions easier to accept and follow up."


def article(slug, date, extra=""):
    return f"""\
        Title: {slug.replace("-", " ").title()} & more
        Date: {date}
        Category: Relationships
        Tags: habits
        Author: Ada Tester
        Summary: {SUMMARY}
        Slug: {slug}
        {extra}

        {"A paragraph of advice about meeting people and helping them. " * 40}
        """


def quoteaction(month):
    return f"""\
        Month: {month}
        Quote: Small <b>favours</b> & big results.
        Quote_author: Sam Example
        Quote_author_role: essayist

        Your action is to thank one person for help they gave you in {month}.
        """


SITE = {
    **{
        f"articles/nov-{n:02d}.md": article(f"november-{n:02d}", f"2026-11-{n:02d} 08:00")
        for n in range(1, 11)
    },
    "articles/oct-last.md": article("last-of-october", "2026-10-31 23:59"),
    "articles/oct-draft.md": article("october-draft", "2026-10-20 08:00", "Status: draft"),
    # Future-dated, but within a year: further ahead is a typo the build refuses.
    "articles/future.md": article("far-future", f"{date.today() + timedelta(days=200):%Y-%m-%d} 08:00"),
    "articles/sep.md": article("september-one", "2026-09-10 08:00"),
    "quoteactions/2026-09.md": quoteaction("2026-09"),
    "quoteactions/2026-10.md": quoteaction("2026-10"),
    "quoteactions/2026-11.md": quoteaction("2026-11"),
    "newsletters/2026-10.md": """\
        Subject: October: the last-minute article
        Preview_text: One article, one QuoteAction, one favour to do.
        Send_date: 2026-11-02 09:00

        A short *note* from the editor.
        """,
    "pages/subscribe.md": "Title: Subscribe\nSlug: subscribe\n\nSign up.\n",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("newsletter")
    output = build(tmp, SITE, production=True, SITEURL=SITE_URL, FEED_DOMAIN=SITE_URL)
    return tmp, output


@pytest.fixture(scope="module")
def october(built):
    tmp, _ = built
    folder = tmp / "campaigns/2026-10"
    return {
        "html": (folder / "email.html").read_text(),
        "text": (folder / "email.txt").read_text(),
        "record": json.loads((folder / "campaign.json").read_text()),
    }


def test_one_issue_per_month_with_articles_drafts_and_future_excluded(built):
    tmp, output = built
    assert sorted(p.name for p in (tmp / "campaigns").iterdir()) == ["2026-09", "2026-10", "2026-11"]
    october_page = soup(output / "newsletter/2026-10/index.html")
    titles = [h3.get_text() for h3 in october_page.find_all("h3")]
    assert titles == ["Last Of October & more"]
    for campaign in (tmp / "campaigns").glob("*/email.html"):
        assert "October Draft" not in campaign.read_text() and "Far Future" not in campaign.read_text()
    index = soup(output / "newsletter/index.html")
    assert [a.get_text() for a in index.select("ul.archive a")] == [
        "#3: Networker #3: November 2026",
        "#2: October: the last-minute article",
        "#1: Networker #1: September 2026",
    ]


def test_campaign_json_follows_the_contract(october):
    record = october["record"]
    assert record["schema"] == 2
    assert (record["month"], record["issue_number"], record["issue_key"]) == (
        "2026-10",
        2,
        "networker-2026-10",
    )
    assert record["title"] == "Networker #2 · October 2026 [networker-2026-10]"
    assert record["subject"] == "October: the last-minute article"
    assert record["preview_text"] == "One article, one QuoteAction, one favour to do."
    assert (record["from_name"], record["reply_to"]) == ("Networker", "hello@networker.example.com")
    assert record["web_url"] == f"{SITE_URL}/newsletter/2026-10/"
    assert record["send_at"] == "2026-11-02T09:00:00+00:00"
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", record["content_hash"])
    content = [path for path in record["sources"] if "/content/" in f"/{path}"]
    assert sorted(path.rsplit("/", 2)[-2] + "/" + path.rsplit("/", 1)[-1] for path in content) == [
        "articles/oct-last.md",
        "newsletters/2026-10.md",
        "quoteactions/2026-10.md",
    ]
    # What every issue is built from besides its own files: the email templates (the plugin's,
    # named by the plugin, not by where it is installed) and the settings file.
    others = sorted(set(record["sources"]) - set(content))
    assert "pelican-monthly-newsletter:templates/newsletter/email.html" in others, others
    assert "pelican-monthly-newsletter:templates/newsletter/subject.txt" in others
    assert any(path.endswith(".py") for path in others), others
    assert record["content_folder"]["files"] == sorted(record["content_folder"]["files"])
    assert "articles/oct-last.md" in record["content_folder"]["files"]


def test_email_css_is_inlined_and_only_media_queries_stay_in_style(october):
    page = BeautifulSoup(october["html"], "lxml")
    styles = " ".join(tag.get_text() for tag in page.find_all("style"))
    without_media = re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", styles).strip()
    assert without_media == ""
    assert "@media (prefers-color-scheme: dark)" in styles and "max-width: 620px" in styles
    for element in page.select(".container, .text, h3 a, .quote, .button a, .small"):
        assert element.get("style"), element.name
    assert page.find("link", rel="stylesheet") is None
    assert page.find("script") is None
    assert "@import" not in styles and "@font-face" not in styles


def test_email_has_language_preheader_and_absolute_links(october):
    page = BeautifulSoup(october["html"], "lxml")
    assert (page.html["lang"], page.html["dir"]) == ("en", "ltr")
    preheader = page.body.find("div")
    assert preheader.get_text().startswith("One article, one QuoteAction, one favour to do.")
    assert "display: none" in preheader["style"]
    for link in page.find_all("a", href=True):
        assert link["href"].startswith(("https://", "*|")), link["href"]
    for image in page.find_all("img"):
        assert image.get("alt") is not None
    table = page.find("table", class_="container")
    assert "max-width: 600px" in table["style"]
    assert (
        "<b>favours</b>" not in october["html"]
        and "Small &lt;b&gt;favours&lt;/b&gt; &amp; big results." in october["html"]
    )


def test_email_links_to_the_site_carry_utm_parameters(october):
    page = BeautifulSoup(october["html"], "lxml")
    article_link = page.find("h3").a["href"]
    assert article_link == (
        f"{SITE_URL}/last-of-october/?utm_campaign=networker-2026-10&utm_medium=email&utm_source=newsletter"
    )


def test_merge_tags_in_email_and_text_but_never_on_the_web_or_in_feeds(built, october):
    _, output = built
    required = {"*|UNSUB|*", "*|LIST:ADDRESSLINE|*", "*|UPDATE_PROFILE|*", "*|FORWARD|*"}
    assert required <= set(MERGE_TAG.findall(october["html"]))
    assert required <= set(MERGE_TAG.findall(october["text"]))
    prompt = (
        BeautifulSoup(october["html"], "lxml")
        .find("td", class_="button")
        .find_parent("table", class_="prompt-card")
    )
    assert prompt.find("a", href="*|FORWARD|*") is not None
    view_in_browser = BeautifulSoup(october["html"], "lxml").find("a", string="View in your browser")
    assert view_in_browser["href"].startswith(f"{SITE_URL}/newsletter/2026-10/")
    for path in [*output.rglob("*.html"), *output.rglob("*.xml")]:
        assert not MERGE_TAG.search(path.read_text()), path


def test_email_stays_under_gmails_clipping_limit_with_ten_articles(built):
    tmp, _ = built
    html = (tmp / "campaigns/2026-11/email.html").read_bytes()
    assert BeautifulSoup(html, "lxml").find_all("h3").__len__() == 10
    assert len(html) < 102 * 1024


def test_text_part_is_written_for_reading(october):
    text = october["text"]
    assert text.startswith("Networker #2 · October 2026\n===========================\n")
    assert "“Small <b>favours</b> & big results.”\n— Sam Example, essayist" in text
    assert "FROM THE EDITOR\n---------------\n\nA short note from the editor." in text
    assert "1. Last Of October & more\n   Ada Tester · 2 min read\n" in text
    assert f"   Read it: {SITE_URL}/last-of-october/?utm_campaign=networker-2026-10" in text
    assert "<" not in text.replace("<b>", "").replace("</b>", "")
    long_lines = [
        line for line in text.splitlines() if len(line) > 78 and "http" not in line and "*|" not in line
    ]
    assert long_lines == []


def test_web_issue_page_matches_the_email_and_is_valid(built, october):
    _, output = built
    page = soup(output / "newsletter/2026-10/index.html")
    email = BeautifulSoup(october["html"], "lxml")
    assert [h.get_text() for h in page.find_all("h3")] == [h.get_text() for h in email.find_all("h3")]
    assert page.find("blockquote").get_text(strip=True) == "Small <b>favours</b> & big results."
    assert page.find("a", attrs={"aria-current": "page"}).get_text() == "Newsletter"
    assert vnu_errors([output / "newsletter/2026-10/index.html", output / "newsletter/index.html"]) == []
    assert broken_internal_links(output, SITE_URL) == []


def test_issue_feeds_parse_validate_and_agree_with_the_web(built):
    _, output = built
    home = soup(output / "index.html")
    advertised = {link["href"] for link in home.find_all("link", rel="alternate")}
    for name in ("newsletter.atom.xml", "newsletter.rss.xml"):
        url = f"{SITE_URL}/feeds/{name}"
        assert url in advertised
        data = (output / "feeds" / name).read_bytes()
        assert feed_errors(data, url) == []
        feed = feedparser.parse(data)
        assert not feed.bozo
        assert [entry.link for entry in feed.entries] == [
            f"{SITE_URL}/newsletter/2026-11/",
            f"{SITE_URL}/newsletter/2026-10/",
            f"{SITE_URL}/newsletter/2026-09/",
        ]
        october = feed.entries[1]
        assert october.id == f"{SITE_URL}/newsletter/2026-10/"
        body = october.content[0].value
        assert "Last Of October &amp; more" in body or "Last Of October & more" in body
        assert "Your action is to thank one person" in body


def test_rebuilding_gives_identical_campaigns_and_feeds(built, tmp_path):
    tmp, output = built
    again = build(tmp_path, SITE, production=True, SITEURL=SITE_URL, FEED_DOMAIN=SITE_URL)
    for name in ("newsletter.atom.xml", "newsletter.rss.xml"):
        assert (again / "feeds" / name).read_bytes() == (output / "feeds" / name).read_bytes()
    first = json.loads((tmp / "campaigns/2026-10/campaign.json").read_text())
    second = json.loads((tmp_path / "campaigns/2026-10/campaign.json").read_text())
    assert first["content_hash"] == second["content_hash"]


def test_campaign_folder_is_replaced_whole_and_keeps_the_publishers_record(tmp_path):
    build(tmp_path, SITE, production=True, SITEURL=SITE_URL)
    record = tmp_path / "campaigns/2026-10/published.json"
    record.write_text("{}")
    build(tmp_path, SITE, production=True, SITEURL=SITE_URL)
    assert record.read_text() == "{}"
    assert sorted(p.name for p in (tmp_path / "campaigns").iterdir()) == ["2026-09", "2026-10", "2026-11"]


def test_missing_quoteaction_fails_the_build_for_that_newsletter(tmp_path):
    from pelican_contentkit.errors import ContentError

    files = {k: v for k, v in SITE.items() if k != "quoteactions/2026-09.md"}
    with pytest.raises(ContentError) as raised:
        build(tmp_path, files)
    # Reported once, by the QuoteAction plugin, with the message `invoke check` gives.
    assert "quoteactions/2026-09.md: 2026-09 has 1 published article but no QuoteAction" in str(raised.value)
    assert not (tmp_path / "campaigns").exists()
