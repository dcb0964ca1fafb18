"""The theme on a real tiny-site build: head metadata, article links, the signup form,
sitemap + robots.txt, the search index and page weight."""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import urlsplit

import pytest
from lxml import etree

from tests.support.site import broken_internal_links, build, html_files, soup, vnu_errors

SITE_URL = "https://networker.example.com"
ACTION = "https://example.us1.list-manage.com/subscribe/post?u=abc123&id=def456"
LONG_SUMMARY = (
    "Say <em>yes</em> to the introduction &amp; follow it up: "
    + "a short note a week later keeps a new contact warm and shows you were listening. " * 3
)

SITE = {
    "articles/first.md": """
        Title: Give first
        Date: 2026-08-03 08:00
        Category: Giving First
        Tags: generosity, habits
        Author: Ada Tester
        Summary: Offer help before you need any.
        Slug: give-first

        Help comes back to people who give first, usually from somewhere unexpected.
        """,
    "articles/second.md": f"""
        Title: "Yes, and" — the rule & why it works
        Date: 2026-09-12 09:30
        Modified: 2026-09-20 10:00
        Category: Introductions
        Tags: introductions, habits, email
        Author: Ada Tester
        Summary: {LONG_SUMMARY}
        Slug: yes-and

        Write the introduction so that both people can say yes in one reply. Zanzibarian
        is a made-up word that only this article contains.
        """,
    "articles/third.md": """
        Title: Follow up within a week
        Date: 2026-10-20 07:15
        Category: Relationships
        Tags: email
        Author: Ben Example
        Summary: A short note a week later keeps a new contact warm.
        Slug: follow-up

        A week is long enough to be useful and short enough to be remembered.
        """,
    "articles/draft.md": """
        Title: Not yet
        Date: 2026-10-25 07:15
        Category: Relationships
        Tags: email, habits, generosity, introductions
        Status: draft
        Summary: Unfinished.
        Slug: not-yet

        A draft that nothing may link to.
        """,
    **{
        f"quoteactions/2026-{month}.md": f"""
            Month: 2026-{month}
            Quote: Small kindnesses travel far.
            Quote_author: Sam Example

            Your action is to thank one person who helped you this month.
            """
        for month in ("08", "09", "10")
    },
    "pages/subscribe.md": """
        Title: Subscribe
        Slug: subscribe
        Template: subscribe
        Summary: The monthly newsletter.

        One email a month.
        """,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build(
        tmp_path_factory.mktemp("theme"),
        SITE,
        production=True,
        SITEURL=SITE_URL,
        FEED_DOMAIN=SITE_URL,
        READER_SUBSCRIBE_FORM_ACTION=ACTION,
    )


@pytest.fixture(scope="module")
def site_without_form(tmp_path_factory):
    return build(tmp_path_factory.mktemp("theme-dev"), SITE)


def _meta(page, key: str) -> str:
    tag = page.find("meta", attrs={"property": key}) or page.find("meta", attrs={"name": key})
    assert tag is not None, key
    return tag["content"]


def test_article_head_describes_the_page_for_search_and_sharing(site):
    page = soup(site / "yes-and/index.html")
    url = f"{SITE_URL}/yes-and/"
    assert page.find("link", rel="canonical")["href"] == url
    description = _meta(page, "description")
    assert description.startswith("Say yes to the introduction & follow it up: a short note")
    assert "<" not in description and len(description) <= 160 and description.endswith("…")
    assert _meta(page, "og:type") == "article"
    assert _meta(page, "og:url") == url
    assert _meta(page, "og:title") == _meta(page, "twitter:title") == '"Yes, and" — the rule & why it works'
    assert _meta(page, "og:description") == _meta(page, "twitter:description") == description
    assert _meta(page, "og:site_name") == "Networker"
    assert _meta(page, "twitter:card") == "summary"
    icon = page.find("link", rel="icon")
    assert icon["type"] == "image/svg+xml" and (site / urlsplit(icon["href"]).path.lstrip("/")).is_file()


def test_other_pages_are_websites_with_their_own_canonical_url(site):
    for path, url in [
        ("index.html", "/"),
        ("category/introductions/index.html", "/category/introductions/"),
        ("subscribe/index.html", "/subscribe/"),
    ]:
        page = soup(site / path)
        assert _meta(page, "og:type") == "website", path
        assert page.find("link", rel="canonical")["href"] == _meta(page, "og:url") == SITE_URL + url


def test_json_ld_is_a_blog_posting_that_matches_the_page(site):
    page = soup(site / "yes-and/index.html")
    (script,) = page.find_all("script", type="application/ld+json")
    data = json.loads(script.string)
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == '"Yes, and" — the rule & why it works'
    assert data["url"] == f"{SITE_URL}/yes-and/"
    assert datetime.fromisoformat(data["datePublished"]) < datetime.fromisoformat(data["dateModified"])
    assert data["dateModified"].startswith("2026-09-20T10:00")
    assert data["author"] == [{"@type": "Person", "name": "Ada Tester"}]
    assert data["description"] == _meta(page, "description")
    assert data["publisher"] == {"@type": "Organization", "name": "Networker", "url": f"{SITE_URL}/"}


def test_article_links_to_older_newer_and_related_articles_never_drafts(site):
    page = soup(site / "yes-and/index.html")
    nav = page.find("nav", class_="article-nav")
    assert nav.find("a", rel="prev")["href"] == f"{SITE_URL}/give-first/"
    assert nav.find("a", rel="next")["href"] == f"{SITE_URL}/follow-up/"
    related = [a["href"] for a in page.find("section", class_="related").find_all("a")]
    # One shared tag each: the newest first.
    assert related == [f"{SITE_URL}/follow-up/", f"{SITE_URL}/give-first/"]
    first = soup(site / "give-first/index.html").find("nav", class_="article-nav")
    assert first.find("a", rel="prev") is None
    last = soup(site / "follow-up/index.html").find("nav", class_="article-nav")
    assert last.find("a", rel="next") is None  # the draft is newer, but not published


def test_article_shows_reading_time_and_plain_share_links(site):
    page = soup(site / "yes-and/index.html")
    assert "1 min read" in page.find("p", class_="meta").get_text()
    share = page.find("section", class_="share")
    links = {a.get_text(): a["href"] for a in share.find_all("a")}
    assert set(links) == {"LinkedIn", "X", "Email", "Forward to a colleague"}
    assert links["LinkedIn"].startswith("https://www.linkedin.com/sharing/share-offsite/?url=https%3A%2F%2F")
    assert links["X"].startswith("https://x.com/intent/tweet?")
    assert links["Email"].startswith("mailto:?subject=")
    assert links["Forward to a colleague"].startswith("mailto:")
    assert page.find("script", src=True) is None


@pytest.mark.parametrize("path", ["yes-and/index.html", "subscribe/index.html"])
def test_signup_form_posts_mailchimps_fields_with_real_labels(site, path):
    page = soup(site / path)
    (form,) = page.find_all("form")
    assert form["action"] == ACTION and form["method"] == "post"
    for name in ("EMAIL", "FNAME"):
        field = form.find("input", attrs={"name": name})
        label = form.find("label", attrs={"for": field["id"]})
        assert label is not None and label.get_text(strip=True), name
    assert form.find("input", attrs={"name": "EMAIL"})["type"] == "email"
    trap = form.find("input", attrs={"name": "b_abc123_def456"})
    assert trap["tabindex"] == "-1" and trap.parent["aria-hidden"] == "true"


def test_without_a_form_action_there_is_no_form_and_the_subscribe_page_points_to_the_feeds(site_without_form):
    article = soup(site_without_form / "yes-and/index.html")
    subscribe = soup(site_without_form / "subscribe/index.html")
    assert article.find("form") is None and subscribe.find("form") is None
    fallback = subscribe.find("p", class_="subscribe-fallback")
    assert "feeds/all.atom.xml" in " ".join(a["href"] for a in fallback.find_all("a"))


def _sitemap_urls(site) -> dict[str, str]:
    tree = etree.parse(str(site / "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    return {
        url.findtext("s:loc", namespaces=ns): url.findtext("s:lastmod", namespaces=ns)
        for url in tree.findall("s:url", ns)
    }


def test_sitemap_lists_every_public_page_by_absolute_url(site):
    urls = _sitemap_urls(site)
    for url in urls:
        assert url.startswith(f"{SITE_URL}/"), url
        path = url.removeprefix(SITE_URL).lstrip("/")
        target = site / path / "index.html" if path.endswith("/") or not path else site / path
        assert target.is_file(), url
    paths = {url.removeprefix(SITE_URL) for url in urls}
    assert {
        "/",
        "/give-first/",
        "/yes-and/",
        "/follow-up/",
        "/subscribe/",
        "/category/introductions/",
        "/tag/habits/",
        "/archives/",
        "/2026/09/",
    } <= paths
    assert not paths & {"/not-yet/", "/404.html", "/search/", "/robots.txt"}


def test_sitemap_dates_come_from_the_content_not_the_clock(site):
    urls = _sitemap_urls(site)
    assert urls[f"{SITE_URL}/yes-and/"].startswith("2026-09-20T10:00:00")  # Modified
    assert urls[f"{SITE_URL}/"].startswith("2026-10-20T07:15:00")  # the newest article


def test_robots_txt_names_the_sitemap_at_siteurl(site, site_without_form):
    assert f"Sitemap: {SITE_URL}/sitemap.xml" in (site / "robots.txt").read_text().splitlines()
    # Relative URLs (development settings): no absolute address to give.
    assert "Sitemap" not in (site_without_form / "robots.txt").read_text()


def test_search_indexes_the_published_articles_only(site):
    entry = json.loads((site / "pagefind/pagefind-entry.json").read_text())
    assert sum(language["page_count"] for language in entry["languages"].values()) == 3
    search = soup(site / "search/index.html")
    assert search.find("script", src=f"{SITE_URL}/pagefind/pagefind-ui.js") is not None
    fallback = search.find("noscript").find("form")
    assert fallback.find("label", attrs={"for": fallback.find("input", type="search")["id"]})


def test_rebuilding_into_the_same_output_indexes_only_what_is_there_now(tmp_path):
    # As `make serve` does: the output folder is kept between builds.
    output = build(tmp_path, SITE, DELETE_OUTPUT_DIRECTORY=False)
    before = set((output / "pagefind/fragment").iterdir())
    published = [name for name in SITE if name.startswith("articles/") and "draft" not in SITE[name].lower()]
    article = tmp_path / "content" / published[0]
    article.write_text(
        article.read_text(encoding="utf-8") + "\nA sentence added while editing.\n", encoding="utf-8"
    )
    build(tmp_path, DELETE_OUTPUT_DIRECTORY=False)
    after = set((output / "pagefind/fragment").iterdir())
    assert after != before
    assert len(after) == len(before) == 3


def test_an_article_page_is_light_and_needs_one_stylesheet_and_no_script(site):
    html = site / "yes-and/index.html"
    page = soup(html)
    stylesheets = page.find_all("link", rel="stylesheet")
    assert len(stylesheets) == 1
    css = site / urlsplit(stylesheets[0]["href"]).path.lstrip("/")
    assert html.stat().st_size + css.stat().st_size < 40 * 1024
    for path in html_files(site):
        if path.parent.name == "search" or "pagefind" in path.parts:
            continue
        scripts = soup(path).find_all("script")
        assert all(script.get("type") == "application/ld+json" for script in scripts), path


def test_every_page_is_valid_html_and_links_resolve(site):
    assert broken_internal_links(site, SITE_URL) == []
    assert vnu_errors(html_files(site)) == []
