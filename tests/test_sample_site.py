"""The sample site in content/ builds into a complete, valid site, newsletter and feeds."""

from __future__ import annotations

import json

import feedparser
import pytest
from lxml import etree

from tests.support.feed_rules import feed_errors
from tests.support.site import broken_internal_links, html_files, soup, vnu_errors

SAMPLE_MONTHS = ["2026-08", "2026-09", "2026-10", "2026-11"]


def test_sample_has_enough_articles_months_and_categories(sample_site):
    feed = feedparser.parse((sample_site.output / "feeds/all.atom.xml").read_bytes())
    assert len(feed.entries) >= 12
    assert {entry.published[:7] for entry in feed.entries} >= set(SAMPLE_MONTHS)
    assert len({entry.tags[0].term for entry in feed.entries}) >= 3


def test_every_article_page_shows_a_quoteaction_and_a_prompt(sample_site):
    articles = [p for p in html_files(sample_site.output) if soup(p).find("article", class_="article")]
    assert len(articles) >= 12
    for page in articles:
        html = soup(page)
        assert html.find("aside", class_="quoteaction"), page
        assert html.find("aside", class_="connector-prompt"), page


def test_quoteaction_archive_lists_every_sample_month(sample_site):
    page = soup(sample_site.output / "quoteactions/index.html")
    assert [s["id"] for s in page.find_all("section", class_="quoteaction")] == [
        f"qa-{m}" for m in reversed(SAMPLE_MONTHS)
    ]


def test_an_issue_for_every_sample_month_in_email_web_and_feed(sample_site):
    feed = feedparser.parse((sample_site.output / "feeds/newsletter.atom.xml").read_bytes())
    assert [entry.link for entry in feed.entries] == [
        f"{sample_site.site_url}/newsletter/{m}/" for m in reversed(SAMPLE_MONTHS)
    ]
    for month, entry in zip(reversed(SAMPLE_MONTHS), feed.entries, strict=True):
        record = json.loads((sample_site.campaigns / month / "campaign.json").read_text())
        email = soup(sample_site.campaigns / month / "email.html")
        web = soup(sample_site.output / "newsletter" / month / "index.html")
        email_titles = [
            h.get_text() for h in email.find_all("h3") if h.a and "featured-title" not in h.get("class", [])
        ]
        assert email_titles == [h.get_text() for h in web.select(".issue-articles h3")]
        assert all(title in entry.content[0].value for title in email_titles)
        featured = [h.get_text() for h in email.select("h3.featured-title")]
        assert featured == [h.get_text() for h in web.select(".issue-featured h2")]
        assert featured == (["A Network Map in One Hour"] if month == "2026-11" else [])
        assert all(title in entry.content[0].value for title in featured)
        assert (
            email.find("p", class_="quote").get_text() == f"“{web.find('blockquote').get_text(strip=True)}”"
        )
        assert record["web_url"] == entry.link


def test_every_page_is_valid_html(sample_site):
    assert vnu_errors(html_files(sample_site.output)) == []


def test_no_broken_internal_links(sample_site):
    assert broken_internal_links(sample_site.output, sample_site.site_url) == []


@pytest.mark.parametrize(
    "feed",
    [
        "feeds/all.atom.xml",
        "feeds/all.rss.xml",
        "feeds/category/giving-first.atom.xml",
        "feeds/category/giving-first.rss.xml",
        "feeds/newsletter.atom.xml",
        "feeds/newsletter.rss.xml",
    ],
)
def test_feeds_pass_the_w3c_feed_validator_rules(sample_site, feed):
    assert feed_errors((sample_site.output / feed).read_bytes(), f"{sample_site.site_url}/{feed}") == []


def test_sitemap_lists_every_article_and_page_by_an_absolute_url_that_exists(sample_site):
    tree = etree.parse(str(sample_site.output / "sitemap.xml"))
    locs = [loc.text for loc in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    for loc in locs:
        assert loc.startswith(f"{sample_site.site_url}/"), loc
        path = loc.removeprefix(sample_site.site_url).strip("/")
        assert (sample_site.output / path / "index.html").is_file(), loc
    articles = [p for p in html_files(sample_site.output) if soup(p).find("article", class_="article")]
    pages = ["about", "subscribe", "quoteactions", "newsletter", "archives", "categories", "tags"]
    expected = {f"{sample_site.site_url}/{p.parent.name}/" for p in articles} | {
        f"{sample_site.site_url}/{name}/" for name in pages
    }
    assert expected <= set(locs)


def test_every_page_leads_to_every_part_of_the_site(sample_site):
    site = sample_site.site_url
    destinations = {
        "Articles": f"{site}/",
        "QuoteActions": f"{site}/quoteactions/",
        "Newsletter": f"{site}/newsletter/",
        "About": f"{site}/about/",
        "Search": f"{site}/search/",
        "Subscribe": f"{site}/subscribe/",
        "Archives": f"{site}/archives/",
        "Categories": f"{site}/categories/",
        "Tags": f"{site}/tags/",
        "Authors": f"{site}/authors/",
    }
    pages = [path for path in html_files(sample_site.output) if "pagefind" not in path.parts]
    assert sample_site.output / "404.html" in pages
    for path in pages:
        nav = soup(path).find("nav", attrs={"aria-label": "Site"})
        assert {a.get_text(strip=True): a["href"] for a in nav.find_all("a")} == destinations, path


def test_every_article_page_is_under_40_kb_with_its_one_stylesheet(sample_site):
    css = sample_site.output / "theme/css/site.css"
    articles = [p for p in html_files(sample_site.output) if soup(p).find("article", class_="article")]
    for page in articles:
        html = soup(page)
        assert [link["href"] for link in html.find_all("link", rel="stylesheet")] == [
            f"{sample_site.site_url}/theme/css/site.css"
        ]
        assert html.find("script", src=True) is None, page
        assert page.stat().st_size + css.stat().st_size < 40 * 1024, page
