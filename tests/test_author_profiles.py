"""Author profiles (pelican-author-profiles): parsing, and a real Pelican build of a tiny site."""

from __future__ import annotations

import json
import logging
import struct
import zlib

import feedparser
import pytest

from pelican.plugins.author_profiles.model import link_label
from pelican.plugins.author_profiles.parsing import parse_profile, url_problem
from pelican_contentkit.errors import ContentErrors
from pelican_contentkit.scaffold import author_file
from tests.support.site import build, soup

SITE_URL = "https://networker.example.com"


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\0\0\0"))
        + chunk(b"IEND", b"")
    )


def article(slug, author="Ada Tester", date="2026-10-02 08:00"):
    return f"""\
        Title: Article {slug}
        Date: {date}
        Category: Relationships
        Tags: habits
        Author: {author}
        Summary: Summary of {slug}.
        Slug: {slug}

        Body of {slug}.
        """


ADA = """\
    Name: Ada Tester
    Role: Connector <in chief>
    Website: https://ada.example.org/
    Links: https://www.linkedin.com/in/ada-tester, https://mastodon.example.social/@ada
    Photo: {static}/images/ada.png
    Photo_alt: Ada at her desk

    Ada writes *about* introductions.

    A second paragraph, for the author page only.
    """

QUOTEACTION = """\
    Month: 2026-10
    Quote: Small favours, often.
    Quote_author: John Example

    Your action is to reply to one old message.
    """


def site(**changes):
    files = {
        "articles/a.md": article("one"),
        "articles/b.md": article("two", author="Bo Nobody"),
        "authors/ada-tester.md": ADA,
        "quoteactions/2026-10.md": QUOTEACTION,
    }
    files.update(changes)
    return {name: text for name, text in files.items() if text is not None}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("authors")
    (tmp / "content/images").mkdir(parents=True)
    (tmp / "content/images/ada.png").write_bytes(tiny_png())
    output = build(
        tmp,
        site(),
        production=True,
        SITEURL=SITE_URL,
        FEED_DOMAIN=SITE_URL,
        AUTHOR_FEED_ATOM="feeds/author/{slug}.atom.xml",
        AUTHOR_FEED_RSS="feeds/author/{slug}.rss.xml",
        READER_SEARCH_INDEX=False,
    )
    return output


def test_author_page_shows_bio_photo_and_links_before_the_articles(built):
    page = soup(built / "author/ada-tester/index.html")
    profile = page.select_one("main .author-profile")
    assert profile is not None
    assert profile.find_next("article", class_="card") is not None  # the articles come after it
    photo = profile.find("img")
    assert (photo["src"], photo["alt"]) == (f"{SITE_URL}/images/ada.png", "Ada at her desk")
    assert (built / "images/ada.png").is_file()
    assert profile.select_one(".author-role").get_text() == "Connector <in chief>"  # text, not markup
    assert "A second paragraph" in profile.get_text()
    assert profile.select_one(".author-bio em").get_text() == "about"
    links = [(a.get_text(), a["href"]) for a in profile.select(".author-links a")]
    assert links == [
        ("Website", "https://ada.example.org/"),
        ("LinkedIn", "https://www.linkedin.com/in/ada-tester"),
        ("Mastodon", "https://mastodon.example.social/@ada"),
    ]


def test_each_article_ends_with_about_the_author_and_without_a_profile_builds_as_before(built):
    about = soup(built / "one/index.html").select_one("main .about-author")
    assert about.find("h2").get_text() == "About the author"
    assert "Ada writes about introductions." in about.get_text()
    assert "second paragraph" not in about.get_text()  # the short profile: the first paragraph
    assert about.find("a", href=f"{SITE_URL}/author/ada-tester/") is not None
    assert soup(built / "two/index.html").select(".about-author") == []
    assert soup(built / "author/bo-nobody/index.html").select(".author-profile") == []


def json_ld(page):
    return json.loads(soup(page).find("script", type="application/ld+json").string)


def test_json_ld_names_the_author_as_a_person_with_url_and_same_as(built):
    assert json_ld(built / "one/index.html")["author"] == [
        {
            "@type": "Person",
            "name": "Ada Tester",
            "url": f"{SITE_URL}/author/ada-tester/",
            "sameAs": [
                "https://ada.example.org/",
                "https://www.linkedin.com/in/ada-tester",
                "https://mastodon.example.social/@ada",
            ],
        }
    ]
    assert json_ld(built / "two/index.html")["author"] == [{"@type": "Person", "name": "Bo Nobody"}]


@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_the_author_feed_says_who_the_author_is(built, kind):
    feed = feedparser.parse((built / f"feeds/author/ada-tester.{kind}.xml").read_bytes())
    assert feed.feed.get("subtitle", feed.feed.get("description")) == "Ada writes about introductions."
    (entry,) = feed.entries
    body = entry.content[0].value if "content" in entry else entry.description
    assert "About the author" in body and f"{SITE_URL}/author/ada-tester/" in body
    other = feedparser.parse((built / f"feeds/author/bo-nobody.{kind}.xml").read_bytes())
    other_body = (
        other.entries[0].content[0].value if "content" in other.entries[0] else other.entries[0].description
    )
    assert "About the author" not in other_body


def problems_of(text, tmp_path, static_paths=("images",)):
    _, problems = parse_profile(
        "content/authors/x.md", text, tmp_path, list(static_paths), lambda name: ("x", "author/x/")
    )
    return [problem.message for problem in problems]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "Name: A\nWebsit: https://a.example/",
            "content/authors/x.md:2 [Websit]: unknown field. Fix: did you mean Website:?",
        ),
        (
            "Name: A\nWebsite: a.example",
            "content/authors/x.md:2 [Website]: 'a.example' is not a web address.",
        ),
        (
            "Name: A\nWebsite: ftp://a.example/",
            "content/authors/x.md:2 [Website]: 'ftp://a.example/' is not a web address.",
        ),
        (
            "Name: A\nLinks: https://ok.example/, https://bad example/",
            "content/authors/x.md:2 [Links]: 'https://bad example/' has a space in it.",
        ),
        (
            "Name: A\nPhoto: {static}/images/none.png\nPhoto_alt: A",
            "content/authors/x.md:2 [Photo]: images/none.png does not exist in the content folder.",
        ),
        ("Name: A\nPhoto: {static}/images/a.png", "content/authors/x.md:2 [Photo]: has no alt text."),
        (
            "Name: A\nPhoto: {static}/elsewhere/a.png\nPhoto_alt: A",
            "content/authors/x.md:2 [Photo]: elsewhere/a.png is not in a static folder (images)",
        ),
        (
            "Name: A\nPhoto_alt: A face",
            "content/authors/x.md:2 [Photo_alt]: there is no Photo for it to describe.",
        ),
        ("Role: Writer", "content/authors/x.md [Name]: missing or empty."),
    ],
)
def test_each_mistake_in_a_profile_is_named_with_its_line(tmp_path, header, expected):
    (tmp_path / "images").mkdir()
    (tmp_path / "images/a.png").write_bytes(tiny_png())
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/a.png").write_bytes(tiny_png())
    found = problems_of(f"{header}\n\nThe bio.\n", tmp_path)
    assert len(found) == 1, found
    assert found[0].startswith(expected), found


def test_a_profile_without_a_bio_is_a_problem_and_a_good_one_is_not(tmp_path):
    assert problems_of("Name: A\n", tmp_path) == [
        "content/authors/x.md:2: the file has no bio below its fields."
        " Fix: add a paragraph or two on who the author is"
    ]
    assert problems_of("Name: A\nWebsite: https://a.example/\n\nThe bio.\n", tmp_path) == []


def test_link_labels_name_well_known_sites():
    assert [
        link_label(url)
        for url in (
            "https://www.linkedin.com/in/x",
            "https://hachyderm.io/@x",
            "https://github.com/x",
            "https://blog.example.com/",
        )
    ] == ["LinkedIn", "Mastodon", "GitHub", "blog.example.com"]
    assert url_problem("https://example.com/a?b=c") is None


def test_mistakes_stop_the_build_and_an_unused_profile_is_a_warning(tmp_path, caplog):
    bad = ADA.replace("Website: https://ada.example.org/", "Website: ada.example.org").replace(
        "    Photo_alt: Ada at her desk\n", ""
    )
    with pytest.raises(ContentErrors) as raised:
        build(tmp_path / "bad", site(**{"authors/ada-tester.md": bad}), READER_SEARCH_INDEX=False)
    messages = [error.message for error in raised.value.errors]
    assert any(
        "authors/ada-tester.md:3 [Website]: 'ada.example.org' is not a web address" in m for m in messages
    )
    assert any(
        "authors/ada-tester.md:5 [Photo]:" in m for m in messages
    )  # the photo is missing, and has no alt

    unused = "Name: Cy Nobody\n\nCy has not written yet.\n"
    (tmp_path / "ok/content/images").mkdir(parents=True)
    (tmp_path / "ok/content/images/ada.png").write_bytes(tiny_png())
    with caplog.at_level(logging.WARNING):
        output = build(tmp_path / "ok", site(**{"authors/cy.md": unused}), READER_SEARCH_INDEX=False)
    assert (output / "one/index.html").is_file()
    assert "authors/cy.md [Name]: no article has Author: Cy Nobody" in caplog.text


def test_new_author_scaffold_names_the_file_by_slug_and_lists_every_field():
    relative, text = author_file("Ada Tester", "ada-tester")
    assert relative == "authors/ada-tester.md"
    assert text.startswith("Name: Ada Tester\nRole:\nWebsite:\nLinks:\nPhoto:\nPhoto_alt:\n")
    problems = [p.problem for p in parse_profile(relative, text, None, ["images"], lambda n: ("", ""))[1]]
    assert problems == ["the file has no bio below its fields"]  # only the bio is left to write


def test_invoke_new_author_creates_the_profile_once(tmp_path):
    import os
    import subprocess
    import sys

    from tests.support.site import ROOT

    def invoke(*arguments):
        return subprocess.run(
            [sys.executable, "-m", "invoke", *arguments],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )

    (tmp_path / "content").mkdir()
    created = invoke("new-author", "Ada  Tester", "--content", str(tmp_path / "content"))
    assert created.returncode == 0, created.stderr
    path = tmp_path / "content/authors/ada-tester.md"
    assert path.read_text(encoding="utf-8").startswith("Name: Ada Tester\n")
    again = invoke("new-author", "Ada Tester", "--content", str(tmp_path / "content"))
    assert again.returncode == 1 and "already exists and was left untouched" in again.stderr
    assert "Traceback" not in again.stderr
