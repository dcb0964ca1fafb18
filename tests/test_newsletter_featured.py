"""A featured article in full (Featured: in content/newsletters/YYYY-MM.md): the email body
rewritten for mail clients, and a real build of a tiny site."""

from __future__ import annotations

import json

import pytest

from pelican.plugins.monthly_newsletter.featured import (
    EMAIL_IMAGE_MAX_WIDTH,
    email_body,
    image_width,
    plain_text,
    shift_headings,
)
from pelican_contentkit.errors import ContentError, ContentErrors
from tests.support.site import build, soup
from tests.test_author_profiles import tiny_png

SITE_URL = "https://networker.example.com"
ARTICLE_URL = f"{SITE_URL}/the-map/"


def rewrite(markup, widths=None):
    return email_body(
        markup,
        article_url=ARTICLE_URL,
        title_text="The Map",
        link=lambda url: url + ("?utm=1" if url.startswith(SITE_URL) else ""),
        image_width=lambda src: (widths or {}).get(src),
    )


def test_images_get_an_absolute_src_a_width_of_at_most_the_column_and_no_height():
    body, problems = rewrite(
        '<p><img src="/images/wide.png" alt="A wide map" height="400"></p>'
        '<p><img src="small.png" alt="A small map" width="120" height="80" onload="x()"></p>'
        '<p><img src="https://cdn.example.org/unknown.jpg" alt="Unknown size"></p>',
        widths={f"{SITE_URL}/images/wide.png": 1600},
    )
    assert problems == []
    widest = EMAIL_IMAGE_MAX_WIDTH
    scaled = f'class="featured-image" style="width: 100%; max-width: {widest}px; height: auto;"'
    assert body == (
        f'<p><img src="{SITE_URL}/images/wide.png" alt="A wide map" width="{widest}" {scaled}></p>'
        f'<p><img src="{ARTICLE_URL}small.png" alt="A small map" width="120" class="featured-image"'
        ' style="width: 100%; max-width: 120px; height: auto;"></p>'
        f'<p><img src="https://cdn.example.org/unknown.jpg" alt="Unknown size" width="{widest}" {scaled}></p>'
    )
    assert EMAIL_IMAGE_MAX_WIDTH <= 600


def test_an_image_without_alt_text_is_a_problem():
    _, problems = rewrite(
        '<p><img src="/a.png"></p><p><img src="/b.png" alt="  "></p><img src="/c.png" alt="C">'
    )
    assert problems == [("/a.png", "an image without alt text"), ("/b.png", "an image without alt text")]


@pytest.mark.parametrize(
    ("element", "link_text"),
    [
        ('<iframe src="https://video.example/embed/1" title="A talk"></iframe>', "See the embedded content"),
        ('<video controls src="/talk.mp4"><source src="/talk.webm">Your browser</video>', "Watch the video"),
        (
            '<form action="/signup"><label>Email <input name="e"></label><button>Go</button></form>',
            "Use the form",
        ),
        ('<audio src="/a.mp3"></audio>', "Listen to the audio"),
        ('<object data="/a.swf"></object>', "See the embedded content"),
    ],
)
def test_embeds_and_forms_are_replaced_by_a_link_to_the_article(element, link_text):
    body, _ = rewrite(f"<p>Before.</p>{element}<p>After.</p>")
    assert body == (
        f'<p>Before.</p><p class="featured-replaced"><a href="{ARTICLE_URL}?utm=1">'
        f"{link_text} in “The Map” on the web</a></p><p>After.</p>"
    )


def test_scripts_styles_and_script_links_never_reach_the_email():
    body, _ = rewrite(
        '<script>alert(1)</script><style>p{}</style><p style="color:red" onclick="x()">Hi '
        '<a href="javascript:alert(1)">there</a> &amp; <a href="/x/" class="k">here</a>'
        ' <a href="#fn:1">1</a></p>'
    )
    assert body == (
        f'<p>Hi <a>there</a> &amp; <a href="{SITE_URL}/x/?utm=1" class="k">here</a> <a href="#fn:1">1</a></p>'
    )


def test_headings_move_down_two_levels_in_the_email_and_one_on_the_web():
    body, _ = rewrite('<h2 id="a">A</h2><h3>B</h3><h6>C</h6>')
    assert body == '<h4 id="a">A</h4><h5>B</h5><h6>C</h6>'
    assert shift_headings('<h2 id="a">A</h2><H5>B</H5>', 1) == '<h3 id="a">A</h3><h6>B</h6>'


def test_image_width_reads_png_gif_and_jpeg_headers():
    assert image_width(tiny_png()) == 1
    assert image_width(b"GIF89a" + (320).to_bytes(2, "little") + b"\x10\x00") == 320
    jpeg = (
        b"\xff\xd8"
        + b"\xff\xe0\x00\x04ab"
        + b"\xff\xc0\x00\x11\x08"
        + (90).to_bytes(2, "big")
        + (640).to_bytes(2, "big")
        + b"\0" * 12
    )
    assert image_width(jpeg) == 640
    assert image_width(b"not an image") is None


def test_the_plain_text_keeps_images_by_their_alt_text_and_drops_in_page_links():
    text = plain_text(
        '<p>See this<sup><a href="#fn:1">1</a></sup>.</p><p><img src="x" alt="A map"></p>'
        '<div class="footnote"><ol><li><p>Note. <a class="footnote-backref" href="#fnref:1">↩</a></p></li>'
        "</ol></div>"
    )
    assert "[Image: A map]" in text and "#fn" not in text and "↩" not in text


# ---- a real build ------------------------------------------------------------


def article(slug, date, body, author="Ada Tester"):
    return f"""\
        Title: {slug.replace("-", " ").title()}
        Date: {date}
        Category: Relationships
        Tags: habits
        Author: {author}
        Summary: Summary of {slug}.
        Slug: {slug}

        {body}
        """


FEATURED_BODY = """\
Intro paragraph with a [link]({filename}other.md).

        ![A hand-drawn map of ten names]({static}/images/map.png)

        ## A heading

        - one
        - two

        > A quote.

        | A | B |
        |---|---|
        | 1 | 2 |

            code block

        A claim.[^1]

        <iframe src="https://video.example/embed/1" title="A talk"></iframe>

        [^1]: The footnote.
"""

PROFILE = """\
    Name: Ada Tester
    Role: Connector
    Photo: {static}/images/ada.png
    Photo_alt: Ada at her desk

    Ada writes about introductions.

    More about Ada.
    """

NEWSLETTER = """\
    Featured: the-map

    The editor's note.
    """


def site(**changes):
    files = {
        "articles/map.md": article("the-map", "2026-11-03 08:00", FEATURED_BODY),
        "articles/other.md": article("other-one", "2026-11-05 08:00", "Another article."),
        "authors/ada.md": PROFILE,
        "quoteactions/2026-11.md": "Month: 2026-11\nQuote: Q.\nQuote_author: S\n\nYour action is to act.\n",
        "newsletters/2026-11.md": NEWSLETTER,
    }
    files.update(changes)
    return files


def with_images(tmp):
    images = tmp / "content/images"
    images.mkdir(parents=True, exist_ok=True)
    (images / "ada.png").write_bytes(tiny_png())
    (images / "map.png").write_bytes(tiny_png()[:16] + (900).to_bytes(4, "big") + tiny_png()[20:])
    return tmp


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = with_images(tmp_path_factory.mktemp("featured"))
    build(tmp, site(), production=True, SITEURL=SITE_URL, FEED_DOMAIN=SITE_URL, READER_SEARCH_INDEX=False)
    folder = tmp / "campaigns/2026-11"
    return {
        "email": soup(folder / "email.html"),
        "html": (folder / "email.html").read_text(encoding="utf-8"),
        "text": (folder / "email.txt").read_text(encoding="utf-8"),
        "record": json.loads((folder / "campaign.json").read_text(encoding="utf-8")),
        "web": soup(tmp / "output/newsletter/2026-11/index.html"),
    }


def test_the_email_carries_the_article_after_the_note_and_before_the_other_articles(built):
    email = built["email"]
    order = [h.get_text() for h in email.find_all(["h2", "h3"])]
    assert order.index("From the editor") < order.index("Featured article") < order.index("The Map")
    assert order.index("About the author") < order.index("This month's articles")
    listed = [
        h.get_text() for h in email.find_all("h3") if h.a and "featured-title" not in h.get("class", [])
    ]
    assert listed == ["Other One"]  # the featured article is not listed twice
    body = email.select_one(".featured-body")
    image = body.find("img")
    assert (image["src"], image["width"], image.get("height")) == (f"{SITE_URL}/images/map.png", "536", None)
    assert body.find("h4").get_text() == "A heading"
    for styled in ("h4", "ul", "blockquote", "table", "th", "td", "pre"):
        assert body.find(styled).get("style"), styled  # inlined CSS
    assert body.select_one(".footnote-ref a")["href"] == "#fn-1"  # cmark-gfm's footnote links
    assert body.find(id="fn-1") is not None
    assert body.find("section") is None  # Outlook for Windows knows no HTML5 sectioning elements
    assert body.find("div", class_="footnotes") is not None
    assert (
        body.find("iframe") is None and "See the embedded content in “The Map” on the web" in body.get_text()
    )
    assert body.find("a", string="link")["href"].startswith(f"{SITE_URL}/other-one/?utm_")
    assert "<style" not in built["html"].split("<body", 1)[1]
    about = email.find("h3", string="About the author").find_parent("td")
    assert "Ada writes about introductions." in about.get_text() and "More about Ada." not in about.get_text()
    assert about.find_parent("table").find("img")["alt"] == "Ada at her desk"


def test_the_web_issue_page_and_the_campaign_sources_carry_it_too(built):
    web = built["web"]
    section = web.select_one(".issue-featured")
    assert section.find("h2").get_text() == "The Map"
    assert section.find("h3", string="A heading") is not None  # headings one level down
    assert section.select_one(".about-author").find("a")["href"] == f"{SITE_URL}/author/ada-tester/"
    assert [h.get_text() for h in web.select(".issue-articles h3")] == ["Other One"]
    assert {"content/articles/map.md", "content/authors/ada.md"} <= set(built["record"]["sources"])


def test_the_plain_text_part_carries_it_readably(built):
    text = built["text"]
    featured = text.split("FEATURED ARTICLE", 1)[1].split("THIS MONTH'S ARTICLES", 1)[0]
    assert "The Map\nAda Tester · " in featured
    words = " ".join(featured.split())
    # html2text's form: the link's text, then its address
    assert "Intro paragraph with a [link](https://networker.example.com/other-one/?utm_" in words
    assert "#### A heading" in featured and "  * one\n  * two" in featured and "> A quote." in featured
    assert "[Image: A hand-drawn map of ten names]" in words
    assert "\n\n\n\n" not in featured
    assert "About the author: Ada Tester, Connector" in featured
    assert all(len(line) <= 78 or "://" in line for line in text.splitlines())


def test_an_image_without_alt_text_fails_the_build_naming_the_file_and_line(tmp_path):
    body = FEATURED_BODY.replace("![A hand-drawn map of ten names]", "![]")
    with pytest.raises(ContentErrors) as raised:
        build(
            with_images(tmp_path),
            site(**{"articles/map.md": article("the-map", "2026-11-03 08:00", body)}),
            READER_SEARCH_INDEX=False,
        )
    (error,) = raised.value.errors
    assert (error.path, error.line, error.field) == ("content/articles/map.md", 11, "image")
    assert "alt text" in error.problem  # said once (the content check says it of every article)


def test_a_featured_slug_no_article_has_is_named_with_a_guess(tmp_path):
    with pytest.raises(ContentErrors) as raised:
        build(
            with_images(tmp_path),
            site(**{"newsletters/2026-11.md": "Featured: the-mapp\n"}),
            READER_SEARCH_INDEX=False,
        )
    assert [error.message for error in raised.value.errors] == [
        "content/newsletters/2026-11.md [Featured]: no published article has the slug 'the-mapp'."
        " Fix: did you mean 'the-map'?"
    ]


def test_an_email_over_the_size_budget_fails_the_build_with_the_issue_size_and_fix(tmp_path):
    with pytest.raises(ContentError) as raised:
        build(
            with_images(tmp_path),
            site(),
            production=True,
            NEWSLETTER_EMAIL_MAX_KB=5,
            READER_SEARCH_INDEX=False,
        )
    error = raised.value
    assert error.path == "content/newsletters/2026-11.md" and error.field == "Featured"
    assert "the 2026-11 issue's email.html is" in error.problem and "over the 5 KB budget" in error.problem
    assert error.fix == "shorten the featured article, use fewer images in it, or remove the Featured: line"
    assert not (tmp_path / "campaigns/2026-11/email.html").exists()  # never a clipped email
