"""Links in QuoteAction actions and newsletter notes: resolved as in articles, absolute everywhere
they are shown (article pages, /quoteactions/, /newsletter/YYYY-MM/, the feed, the email), and
those that point nowhere reported by the content check with file, line and fix."""

from __future__ import annotations

import base64
import json

import pytest
from bs4 import BeautifulSoup

from pelican_contentkit.errors import ContentError, ContentErrors
from pelican_contentkit.pelican_api import intrasite_links_supported
from tests.support.site import build

SITE_URL = "https://networker.example.com"
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="

LINKS = (
    "Start with [the map]({filename}/articles/map.md), then [about us]({filename}../pages/about.md), "
    "the [archives](/archives/), [a web page](https://example.org/x#top) "
    "and [the guide](../files/guide.txt).\n\n"
    "![A network map]({static}/images/map.png) ![The same map](../images/map.png)\n"
)
SITE = {
    "articles/map.md": """
        Title: A network map in one hour
        Date: 2026-11-03 08:00
        Category: Relationships
        Summary: Map it.
        Slug: network-map

        The body.
        """,
    "pages/about.md": "Title: About\nSlug: about\n\nAbout us.\n",
    "files/guide.txt": "A guide.\n",
    "quoteactions/2026-11.md": "Month: 2026-11\nQuote: Q.\nQuote_author: Sam\n\nYour action: map.\n" + LINKS,
    "newsletters/2026-11.md": "Subject: Links\n\nA note.\n" + LINKS,
}
EXPECTED = {
    "the map": f"{SITE_URL}/network-map/",
    "about us": f"{SITE_URL}/about/",
    "archives": f"{SITE_URL}/archives/",
    "a web page": "https://example.org/x#top",
    "the guide": f"{SITE_URL}/files/guide.txt",  # not under STATIC_PATHS: copied as it is linked
}
IMAGE = f"{SITE_URL}/images/map.png"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("links")
    (tmp / "content/images").mkdir(parents=True)
    (tmp / "content/images/map.png").write_bytes(base64.b64decode(PNG))
    output = build(tmp, SITE, production=True, SITEURL=SITE_URL, FEED_DOMAIN=SITE_URL)
    return tmp, output


def links_in(html: str, selector: str) -> tuple[dict[str, str], list[str]]:
    block = BeautifulSoup(html, "html.parser").select_one(selector)
    assert block is not None, selector
    return (
        {a.get_text(): a["href"] for a in block.find_all("a")},
        [img["src"] for img in block.find_all("img")],
    )


def test_pelican_internals_for_links_are_there():
    assert intrasite_links_supported()


@pytest.mark.parametrize(
    ("page", "selector"),
    [
        ("quoteactions/index.html", ".quoteaction-action"),
        ("network-map/index.html", ".quoteaction-action"),
        ("newsletter/2026-11/index.html", ".quoteaction-action"),
        ("newsletter/2026-11/index.html", ".issue-note"),
    ],
)
def test_links_are_resolved_and_absolute_on_the_site(built, page, selector):
    _, output = built
    links, images = links_in((output / page).read_text(encoding="utf-8"), selector)
    assert {text: links[text] for text in EXPECTED} == EXPECTED
    assert images == [IMAGE, IMAGE]
    for target in ("images/map.png", "network-map/index.html", "files/guide.txt"):
        assert (output / target).is_file()


def test_links_are_absolute_in_the_email_and_its_text(built):
    tmp, _ = built
    html = (tmp / "campaigns/2026-11/email.html").read_text(encoding="utf-8")
    document = BeautifulSoup(html, "html.parser")
    hrefs = {a.get_text(): a["href"] for a in document.find_all("a")}
    assert {text: hrefs[text] for text in EXPECTED} == EXPECTED
    assert [img["src"] for img in document.find_all("img")] == [IMAGE] * 4  # the action's, the note's
    assert "{filename}" not in html and "{static}" not in html
    text = (tmp / "campaigns/2026-11/email.txt").read_text(encoding="utf-8")
    assert f"[the map]({SITE_URL}/network-map/)" in text.replace("\n", " ")
    assert "{filename}" not in text


def test_links_are_absolute_in_the_issues_feed(built):
    _, output = built
    feed = (output / "feeds/newsletter.atom.xml").read_text(encoding="utf-8")
    assert f'href="{SITE_URL}/network-map/"' in feed and "{filename}" not in feed
    assert json.dumps(IMAGE)[1:-1] in feed


@pytest.mark.parametrize("check_only", [True, False], ids=["check", "build"])
def test_links_to_nothing_are_reported_with_file_line_and_fix(tmp_path, check_only):
    files = {
        **SITE,
        "quoteactions/2026-11.md": "Month: 2026-11\nQuote: Q.\nQuote_author: Sam\n\n"
        "Read [the map]({filename}articles/map.md).\n",
        "newsletters/2026-11.md": "Subject: Links\n\nA note.\n\n![A map](images/nowhere.png)\n",
    }
    overrides = {"CONTENT_CHECK_ONLY": True} if check_only else {}
    with pytest.raises(ContentError) as raised:
        build(tmp_path, files, production=True, SITEURL=SITE_URL, **overrides)
    errors = raised.value.errors if isinstance(raised.value, ContentErrors) else [raised.value]
    messages = [error.message.split("content/", 1)[-1] for error in errors]
    assert messages == [
        "newsletters/2026-11.md:5 [image]: images/nowhere.png points to no file "
        "(newsletters/images/nowhere.png is not in content/). Fix: link to a file under the content "
        "folder ({filename}/articles/name.md, {static}/images/name.png) or write a full address",
        "quoteactions/2026-11.md:5 [link]: {filename}articles/map.md points to no file "
        "(quoteactions/articles/map.md is not in content/). Fix: paths are taken from the file's "
        "folder, as in articles: write {filename}/articles/map.md",
    ]


def test_addresses_that_are_not_files_are_kept(tmp_path):
    from pelican.settings import DEFAULT_CONFIG

    from pelican_contentkit.links import absolute_links

    settings = {**DEFAULT_CONFIG, "PATH": str(tmp_path), "SITEURL": SITE_URL, "RELATIVE_URLS": False}
    context = {"generated_content": {}, "static_content": {}}
    piece = (
        '<p><a href="*|UNSUB|*">u</a> <a href="mailto:a@example.org">m</a> <a href="#top">t</a> '
        "<a href='https://example.org/?a=1&amp;b=2'>w</a> <a href=\"/about/\">s</a></p>"
    )
    resolved, dead = absolute_links(piece, tmp_path / "quoteactions/2026-11.md", settings, context)
    assert dead == []
    assert resolved == piece.replace('href="/about/"', f'href="{SITE_URL}/about/"')
