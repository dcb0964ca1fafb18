"""A real Pelican build of a tiny site with the project's settings, theme and plugins."""

from __future__ import annotations

import feedparser
import pytest
from lxml import etree

from tests.support.feed_rules import feed_errors
from tests.support.site import broken_internal_links, build, html_files, soup, vnu_errors

SITE_URL = "https://networker.example.com"

TINY_SITE = {
    "articles/first-favour.md": """
        Title: The first favour
        Date: 2026-09-03 08:00
        Category: Giving First
        Tags: generosity, habits
        Author: Ada Tester
        Summary: Offer help before you need any.
        Slug: the-first-favour

        Help comes back to people who **give first**. See also
        [the warm introduction]({filename}warm-introduction.md).
        """,
    "articles/warm-introduction.md": """
        Title: A warm introduction & why it works
        Date: 2026-10-12 09:30
        Category: Introductions
        Tags: introductions, email
        Author: Ada Tester
        Summary: Two sentences that make an introduction easy to accept.
        Slug: warm-introduction

        Write the introduction so that both people can say yes in one reply.
        """,
    "articles/follow-up.md": """
        Title: Follow up within a week
        Date: 2026-10-20 07:15
        Category: Relationships
        Tags: follow-up, habits
        Author: Ben Example
        Summary: A short note a week later keeps a new contact warm.
        Slug: follow-up-within-a-week

        A week is long enough to be useful and short enough to be remembered.
        """,
    "quoteactions/2026-09.md": """
        Month: 2026-09
        Quote: Give what you can, when you can.
        Quote_author: Sam Example

        Your action is to offer one small favour this week.
        """,
    "quoteactions/2026-10.md": """
        Month: 2026-10
        Quote: Introductions are gifts with two receivers.
        Quote_author: Sam Example

        Your action is to introduce two people who should meet.
        """,
    "pages/about.md": """
        Title: About
        Slug: about
        Summary: What Networker is.

        Networker publishes practical advice on building a network.
        """,
}


@pytest.fixture(scope="module")
def dev_site(tmp_path_factory):
    return build(tmp_path_factory.mktemp("dev"), TINY_SITE)


@pytest.fixture(scope="module")
def production_site(tmp_path_factory):
    return build(
        tmp_path_factory.mktemp("prod"), TINY_SITE, production=True, SITEURL=SITE_URL, FEED_DOMAIN=SITE_URL
    )


def test_every_kind_of_page_is_written(dev_site):
    expected = [
        "index.html",
        "404.html",
        "the-first-favour/index.html",
        "warm-introduction/index.html",
        "about/index.html",
        "category/introductions/index.html",
        "tag/habits/index.html",
        "author/ada-tester/index.html",
        "archives/index.html",
        "categories/index.html",
        "tags/index.html",
        "2026/10/index.html",
        "theme/css/site.css",
    ]
    missing = [path for path in expected if not (dev_site / path).is_file()]
    assert missing == []


def test_pages_have_landmarks_language_and_current_link(dev_site):
    page = soup(dev_site / "archives/index.html")
    assert page.html["lang"] == "en"
    for landmark in ("header", "nav", "main", "footer"):
        assert page.find(landmark) is not None, landmark
    assert page.find("a", class_="skip-link")["href"] == "#main"
    current = page.find("a", attrs={"aria-current": "page"})
    assert current.get_text(strip=True) == "Archives"


def test_article_page_shows_title_and_machine_readable_date(dev_site):
    page = soup(dev_site / "warm-introduction/index.html")
    assert page.h1.get_text() == "A warm introduction & why it works"
    assert page.find("time")["datetime"].startswith("2026-10-12T09:30")


def test_internal_links_resolve_in_dev_and_production(dev_site, production_site):
    assert broken_internal_links(dev_site, "") == []
    assert broken_internal_links(production_site, SITE_URL) == []


def test_production_links_are_absolute(production_site):
    page = soup(production_site / "the-first-favour/index.html")
    link = page.find("a", string="the warm introduction")
    assert link["href"] == f"{SITE_URL}/warm-introduction/"
    assert page.find("link", rel="canonical")["href"] == f"{SITE_URL}/the-first-favour/"


@pytest.mark.parametrize(
    "feed", ["feeds/all.atom.xml", "feeds/all.rss.xml", "feeds/category/introductions.atom.xml"]
)
def test_feeds_parse_and_carry_full_articles_with_absolute_urls(production_site, feed):
    parsed = feedparser.parse((production_site / feed).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    titles = {entry.title for entry in parsed.entries}
    assert "A warm introduction & why it works" in titles
    for entry in parsed.entries:
        assert entry.link.startswith(f"{SITE_URL}/")
        body = entry.content[0].value if "content" in entry else entry.description
        assert "<p>" in body  # the full article, not a summary
    if "category" not in feed:
        assert len(parsed.entries) == 3


def test_rss_guids_are_tag_uris_marked_not_permalinks(production_site):
    """Pelican omits isPermaLink="false"; the feeds plugin adds it (W3C feed validator error otherwise)."""
    tree = etree.parse(str(production_site / "feeds/all.rss.xml"))
    guids = tree.findall(".//item/guid")
    assert len(guids) == 3
    for guid in guids:
        assert guid.text.startswith("tag:networker.example.com,")
        assert guid.get("isPermaLink") == "false"
    self_link = tree.find(".//channel/{http://www.w3.org/2005/Atom}link[@rel='self']")
    assert self_link.get("href") == f"{SITE_URL}/feeds/all.rss.xml"


def test_every_page_is_valid_html(production_site):
    assert vnu_errors(html_files(production_site)) == []


@pytest.mark.parametrize(
    "feed",
    [
        "feeds/all.atom.xml",
        "feeds/all.rss.xml",
        "feeds/category/introductions.atom.xml",
        "feeds/category/introductions.rss.xml",
    ],
)
def test_production_feeds_pass_the_w3c_feed_validator_rules(production_site, feed):
    assert feed_errors((production_site / feed).read_bytes(), f"{SITE_URL}/{feed}") == []
