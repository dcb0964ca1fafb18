"""GitHub-flavoured Markdown: the kit's engine as pure functions, and the gfm_reader plugin in
real builds of a tiny site (with Pelican's Python-Markdown reader one setting away)."""

from __future__ import annotations

import feedparser
import pytest

from pelican_contentkit import gfm
from pelican_contentkit.errors import ContentError
from pelican_contentkit.header import read_header, scan_header
from tests.support.site import build, site_settings, soup

# ---------------------------------------------------------------- the engine


def test_every_heading_gets_the_slug_of_its_text_unique_in_the_page():
    rendered = gfm.to_html(
        "# Getting started\n\n## Getting *started*\n\n### Café & co.\n\n## Getting started\n"
    )
    assert rendered.split("\n")[:4] == [
        '<h1 id="getting-started">Getting started</h1>',
        '<h2 id="getting-started-1">Getting <em>started</em></h2>',
        '<h3 id="cafe-co">Café &amp; co.</h3>',
        '<h2 id="getting-started-2">Getting started</h2>',
    ]


def test_a_heading_id_never_repeats_an_id_already_in_the_page():
    rendered = gfm.to_html('<p id="notes">raw</p>\n\n## Notes\n\n## !!!\n')
    assert '<h2 id="notes-1">Notes</h2>' in rendered
    assert '<h2 id="section">!!!</h2>' in rendered


def test_smart_punctuation():
    assert gfm.to_html('It\'s "quoted" -- and --- dashes...') == (
        "<p>It\u2019s \u201cquoted\u201d \u2013 and \u2014 dashes\u2026</p>\n"
    )


def test_footnotes():
    rendered = gfm.to_html("A claim.[^1]\n\n[^1]: The source.\n")
    assert '<sup class="footnote-ref"><a href="#fn-1" id="fnref-1" data-footnote-ref>1</a></sup>' in rendered
    assert '<li id="fn-1">' in rendered and "The source." in rendered


def test_tables_task_lists_strikethrough_and_autolinks():
    rendered = gfm.to_html(
        "| Who | When |\n| --- | ---: |\n| Ada | today |\n\n- [x] done\n- [ ] to do\n\n"
        "~~gone~~ and www.example.com and https://example.org/a?b=1&c=2\n"
    )
    assert "<th>Who</th>" in rendered and '<td align="right">today</td>' in rendered
    assert '<li><input type="checkbox" checked="" disabled="" /> done</li>' in rendered
    assert '<li><input type="checkbox" disabled="" /> to do</li>' in rendered
    assert "<del>gone</del>" in rendered
    assert '<a href="http://www.example.com">www.example.com</a>' in rendered
    assert '<a href="https://example.org/a?b=1&amp;c=2">' in rendered


def test_raw_html_is_passed_through_as_written():
    text = '<div class="note"><iframe src="https://video.example/1"></iframe></div>\n\nA <kbd>key</kbd>.\n'
    rendered = gfm.to_html(text)
    assert '<div class="note"><iframe src="https://video.example/1"></iframe></div>' in rendered
    assert "<p>A <kbd>key</kbd>.</p>" in rendered


@pytest.mark.parametrize(
    ("markdown", "attribute"),
    [
        ("[a]({filename}../pages/about.md)", 'href="{filename}../pages/about.md"'),
        ("![a]({static}/images/a.png)", 'src="{static}/images/a.png"'),
        ("[a]({tag}networking)", 'href="{tag}networking"'),
        ("[a]({category}advice)", 'href="{category}advice"'),
        ("[a]({attach}files/a.pdf)", 'href="{attach}files/a.pdf"'),
        ("[a](|filename|old.md)", 'href="|filename|old.md"'),
        ("[a]({filename}other.md#part-two)", 'href="{filename}other.md#part-two"'),
    ],
)
def test_pelicans_link_placeholders_keep_their_braces(markdown, attribute):
    assert attribute in gfm.to_html(markdown)


def test_braces_elsewhere_in_an_address_stay_encoded():
    assert 'href="https://example.org/%7Bx%7D"' in gfm.to_html("[a](https://example.org/{x})")


def test_placeholders_only_in_href_and_src_in_any_case():
    rendered = gfm._ESCAPED_PLACEHOLDER.sub(
        gfm._placeholder,
        '<a HREF="%7bfilename%7dx.md" data-href="%7Bfilename%7Dy.md">'
        '<img\tsrc="%7Cstatic%7C/a.png" alt="%7Bstatic%7D">'
        '<a href= "%7Bfilename%7Dz.md" xsrc="%7Bstatic%7D">',
    )
    assert rendered == (
        '<a HREF="{filename}x.md" data-href="%7Bfilename%7Dy.md">'
        '<img\tsrc="|static|/a.png" alt="%7Bstatic%7D">'
        '<a href= "%7Bfilename%7Dz.md" xsrc="%7Bstatic%7D">'
    )


def test_merge_tags_survive_when_asked_to():
    text = "Hello *|FNAME|*, [unsubscribe](*|UNSUB|*) or `*|ARCHIVE|*`; *emphasis* stays."
    kept = gfm.to_html(text, gfm.GfmOptions(keep_merge_tags=True))
    assert kept == (
        '<p>Hello *|FNAME|*, <a href="*|UNSUB|*">unsubscribe</a> or <code>*|ARCHIVE|*</code>; '
        "<em>emphasis</em> stays.</p>\n"
    )
    assert "<em>|FNAME|</em>" in gfm.to_html(text)  # what CommonMark makes of them otherwise


def test_inline_html_drops_the_paragraph_of_one_paragraph_only():
    assert gfm.inline_html("Say **hi**.") == "Say <strong>hi</strong>."
    assert gfm.inline_html("One.\n\nTwo.") == "<p>One.</p>\n<p>Two.</p>"


# ---------------------------------------------------------------- the header


def test_the_header_is_read_as_pelicans_markdown_reader_reads_it():
    text = (
        "Title: A title written\n    on two lines\nTags: one,\n\ttwo\nSummary: First line\n"
        "    second line\nTags: again\n\nTitle: not a field, the body\n"
    )
    header = read_header(text)
    assert header.definitions == {
        "title": ["A title written\non two lines"],
        "tags": ["one,\ntwo", "again"],
        "summary": ["First line\nsecond line"],
    }
    assert header.body == "Title: not a field, the body\n"
    scanned = scan_header(text)
    assert scanned.value("title") == "A title written on two lines" and scanned.line_of("tags") == 7
    assert scanned.body_first_line == 8


@pytest.mark.parametrize(
    ("text", "definitions", "body"),
    [
        ("---\nTitle: Fenced\n---\nBody\n", {"title": ["Fenced"]}, "Body\n"),
        ("Title: Dots\n...\nBody\n", {"title": ["Dots"]}, "Body\n"),
        ("No header here.\n\nTitle: x\n", {}, "No header here.\n\nTitle: x\n"),
        ("Title: Then text\nNot a field\n", {"title": ["Then text"]}, "Not a field\n"),
    ],
)
def test_header_forms(text, definitions, body):
    header = read_header(text)
    assert (header.definitions, header.body) == (definitions, body)


# ---------------------------------------------------------------- the reader in a build

FEATURES = """\
    Title: Features of "GFM"
        in one article
    Date: 2026-08-03 08:00
    Category: Testing
    Tags: alpha,
        beta
    Author: Ada Tester
    Summary: It's a *short* summary -- with "quotes".
    Slug: features
    Connector_prompt: Tip: ask one person who knows you well.

    ## Getting started

    It's "smart" -- really.[^1]

    ## Getting started

    | Who | When |
    | --- | --- |
    | Ada | today |

    - [x] done
    - [ ] to do

    ~~gone~~ and www.example.com.

    See [the other one]({filename}other.md), [the tag]({tag}alpha) and ![a picture]({static}/images/dot.png).

    <div class="raw-block"><span data-x="1">raw</span></div>

    [^1]: The footnote.
    """

SITE = {
    "articles/features.md": FEATURES,
    "articles/other.md": """\
        Title: The other one
        Date: 2026-08-10 08:00
        Category: Testing
        Summary: Another article.

        Nothing special.
        """,
    "quoteactions/2026-08.md": """\
        Month: 2026-08
        Quote: Small kindnesses travel far.
        Quote_author: Sam Example

        Your action is to thank one person who helped you this month.
        """,
    "connector-prompts.yaml": """\
        - id: think-of-two
          text: "Tip: think of two people who should meet."
        """,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gfm")
    (tmp / "content/images").mkdir(parents=True)
    (tmp / "content/images/dot.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return build(tmp, SITE)


@pytest.fixture(scope="module")
def python_markdown_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("python-markdown")
    (tmp / "content/images").mkdir(parents=True)
    (tmp / "content/images/dot.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    # Python-Markdown makes a continuation line a second value (a title would be a list).
    one_line = FEATURES.replace('"GFM"\n        in one article', '"GFM" in one article')
    return build(
        tmp,
        {**SITE, "articles/features.md": one_line.replace("alpha,\n        beta", "alpha, beta")},
        GFM_READER_ENABLED=False,
    )


@pytest.mark.parametrize(
    ("value", "read_here"),
    [
        ("2023-03-18 20:30", True),
        ("2023-03-18", True),
        ("2023-03-18 20:30:15", True),
        ("2023-03-18T20:30", True),
        ("2024-02-29 23:59:59", True),
        ("0001-01-01", True),
        # Left to Pelican, which reads them or says they are not dates.
        ("2023-3-18", False),
        ("2023-03-18 20:30+01:00", False),
        ("2023-03-18  20:30", False),
        ("2023-02-30", False),
        ("2023-03-18 24:00", False),
        ("2023-13-01", False),
        ("March 18, 2023", False),
    ],
)
def test_the_readers_dates_are_the_ones_pelican_reads(value, read_here):
    from pelican.plugins.gfm_reader.reader import iso_date
    from pelican.utils import get_date

    ours = iso_date(value)
    assert (ours is not None) == read_here
    if read_here:
        pelicans = get_date(value)
        assert (ours, type(ours), ours.tzinfo) == (pelicans, type(pelicans), pelicans.tzinfo)


def test_the_body_is_github_flavoured_markdown(site):
    body = soup(site / "features/index.html")
    assert [h["id"] for h in body.find_all("h2") if h.get_text() == "Getting started"] == [
        "getting-started",
        "getting-started-1",
    ]
    text = body.get_text()
    assert "It\u2019s \u201csmart\u201d \u2013 really." in text
    assert body.select_one('sup.footnote-ref a[href="#fn-1"]') and body.select_one("li#fn-1")
    assert [th.get_text() for th in body.select("table th")] == ["Who", "When"]
    assert len(body.select('li input[type="checkbox"][checked]')) == 1
    assert body.select_one("del").get_text() == "gone"
    assert body.select_one('a[href="http://www.example.com"]')
    assert body.select_one("div.raw-block > span[data-x='1']").get_text() == "raw"


def test_pelicans_links_resolve(site):
    page = soup(site / "features/index.html")
    hrefs = [a["href"] for a in page.find_all("a", href=True)]
    assert "../the-other-one/" in hrefs and "../tag/alpha/" in hrefs
    assert page.select_one('img[src="../images/dot.png"]')
    assert (site / "images/dot.png").is_file()
    assert not any("{" in href or "%7B" in href for href in hrefs)


def test_the_header_is_pelicans_continuation_lines_included(site):
    page = soup(site / "features/index.html")
    # A title is text, not Markdown (as with Pelican's reader): its quotes stay straight.
    assert page.find("h1").get_text(" ", strip=True) == 'Features of "GFM" in one article'
    assert (site / "tag/alpha/index.html").is_file() and (site / "tag/beta/index.html").is_file()
    assert page.select_one('time[datetime^="2026-08-03"]')


def test_the_summary_is_converted_by_the_same_engine(site):
    entries = {entry.title: entry for entry in feedparser.parse(site / "feeds/all.atom.xml").entries}
    summary = entries['Features of "GFM" in one article'].summary
    assert summary == "<p>It\u2019s a <em>short</em> summary \u2013 with \u201cquotes\u201d.</p>"
    home = soup(site / "index.html").get_text()
    assert "It\u2019s a short summary \u2013 with \u201cquotes\u201d." in home


def test_a_prompt_that_looks_like_a_field_is_text(site):
    page = (site / "features/index.html").read_text(encoding="utf-8")
    assert "Tip: ask one person who knows you well." in page
    other = (site / "the-other-one/index.html").read_text(encoding="utf-8")
    assert "Tip: think of two people who should meet." in other
    assert "<p></p>" not in page + other


def test_python_markdown_is_one_setting_away(python_markdown_site):
    page = soup(python_markdown_site / "features/index.html")
    # Python-Markdown's toc and footnotes, and no task lists or strikethrough.
    assert [h["id"] for h in page.find_all("h2") if h.get_text() == "Getting started"] == [
        "getting-started",
        "getting-started_1",
    ]
    assert page.select_one('a.footnote-ref[href="#fn:1"]')
    assert not page.select('input[type="checkbox"]') and not page.select("del")
    assert "[x] done" in page.get_text()
    hrefs = [a["href"] for a in page.find_all("a", href=True)]
    assert "../the-other-one/" in hrefs


def test_a_bad_setting_is_reported_by_name():
    from pelican.plugins.gfm_reader.reader import reader_settings

    assert reader_settings({}).enabled is True
    with pytest.raises(ContentError, match=r"\[GFM_READER_ENABLED\]: must be True or False, not str 'no'"):
        reader_settings({"GFM_READER_ENABLED": "no"})
    with pytest.raises(ContentError, match=r"\[GFM_READER_ENABLE\]: unknown setting. Fix: did you mean"):
        reader_settings({"GFM_READER_ENABLE": False})


def test_readers_chosen_in_the_settings_win(tmp_path):
    (tmp_path / "content").mkdir()
    from pelican.plugins.gfm_reader.reader import GfmReader
    from pelican.readers import MarkdownReader, Readers

    settings = site_settings(tmp_path, READERS={"mdown": MarkdownReader})
    readers = Readers(settings)
    assert type(readers.readers["md"]) is GfmReader and type(readers.readers["markdown"]) is GfmReader
    assert type(readers.readers["mdown"]) is MarkdownReader
    without_plugin = Readers(site_settings(tmp_path, PLUGINS=["quoteaction"]))
    assert type(without_plugin.readers["md"]) is MarkdownReader
