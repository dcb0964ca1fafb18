"""Text that must never become markup: hostile values in every field of every content type,
through a real build, and every output file read back with a parser.

Whatever an author writes as text (a title, a category, a QuoteAction's author, a newsletter's
subject) lands in elements, attributes, ``<title>``, meta tags, JSON-LD, feeds, the email and
Pagefind's index; it must stay text in each. The only elements in the output are the theme's and
the plugins' own (their templates say which), and Markdown's for the bodies written in Markdown.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from lxml import etree

from tests.support.site import ROOT, build

SITE_URL = "https://networker.example.com"
SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
# One value with every kind of trouble: tags, an attribute break-out, a lone end of script,
# a Jinja expression, both quotation marks and an ampersand (no comma: tags split on it).
HOSTILE = f"""{SCRIPT} {BREAKOUT} </script> {{{{ 7*7 }}}} 'single' "double" & &amp; end"""
# Markdown bodies: raw HTML is Markdown's own (as in articles), so the hostile parts are written
# where Markdown makes text of them: code spans, a lone "<", "&", quotation marks.
HOSTILE_MARKDOWN = (
    f"Never paste a raw `{SCRIPT}` or `{BREAKOUT}` or `</script>`; 5 < 6 & {{{{ 7*7 }}}} 'single' \"double\"."
)
# Tags are split at ";" when there is one (the "&amp;" has one), else at ",".
HOSTILE_TAG = HOSTILE.replace(" &amp;", "")
SLUG = 'x"><img src=x onerror=alert(1)>'  # no "/" (it would be a folder), no "?" or "#"
SUBJECT = f"{BREAKOUT} & {{{{ 7*7 }}}} </script>"  # within the 78 characters a subject may have


SITE = {
    "articles/hostile.md": f"""
        Title: {HOSTILE}
        Date: 2026-11-03 08:00
        Category: {HOSTILE}
        Tags: {HOSTILE_TAG}, calm
        Author: {HOSTILE}
        Summary: {HOSTILE_MARKDOWN}
        Slug: {SLUG}
        Connector_prompt: {HOSTILE_MARKDOWN}

        A body with nothing special in it, about meeting people.
        """,
    "articles/calm.md": f"""
        Title: A calm article
        Date: 2026-11-10 08:00
        Category: Relationships
        Tags: calm
        Author: {HOSTILE}
        Summary: Nothing to see.

        The other article of the month, featured in full in the issue, with its author's profile.

        {HOSTILE_MARKDOWN}
        """,
    "pages/hostile.md": f"""
        Title: {HOSTILE}
        Slug: page-{SLUG}
        Summary: {HOSTILE_MARKDOWN}

        A page.
        """,
    "pages/subscribe.md": "Title: Subscribe\nSlug: subscribe\n\nSign up.\n",
    "quoteactions/2026-11.md": f"""
        Month: 2026-11
        Quote: {HOSTILE}
        Quote_author: {HOSTILE}
        Quote_author_role: {HOSTILE}
        Source: {HOSTILE}

        {HOSTILE_MARKDOWN}
        """,
    "connector-prompts.yaml": f"""
        - id: hostile-prompt
          text: {json.dumps(HOSTILE_MARKDOWN)}
          tags: [calm]
        """,
    "authors/hostile.md": f"""
        Name: {HOSTILE}
        Role: {HOSTILE}
        Website: https://example.com/?a=1&b="2"

        {HOSTILE_MARKDOWN}
        """,
    "newsletters/2026-11.md": f"""
        Subject: {SUBJECT}
        Preview_text: {HOSTILE}
        Featured: a-calm-article

        {HOSTILE_MARKDOWN}
        """,
}


def _template_elements() -> set[str]:
    """Every element name the theme's and the plugins' templates write, and Markdown's for the
    bodies: what the output may contain."""
    names = {"html", "head", "body"}
    folders = [ROOT / "theme/templates", *ROOT.glob("plugins/*/pelican/plugins/*/templates")]
    for folder in folders:
        for template in folder.rglob("*.html"):
            names |= set(re.findall(r"<([a-z][a-z0-9]*)\b", template.read_text(encoding="utf-8")))
    # The sample Markdown bodies' own; tbody: every parser puts one in a table (css-inline does).
    return names | {"p", "code", "em", "strong", "tbody"}


ALLOWED = _template_elements()
# The theme's own scripts: JSON-LD, and the search page's Pagefind UI (its file and its start).
PAGEFIND_UI = f"{SITE_URL}/pagefind/pagefind-ui.js"
ATOM = "http://www.w3.org/2005/Atom"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    # The check refuses the hostile slug (a link cannot carry it: tests/test_check_build_agree.py);
    # built anyway, with problems as warnings, it must still stay text everywhere.
    output = build(
        tmp,
        SITE,
        production=True,
        SITEURL=SITE_URL,
        FEED_DOMAIN=SITE_URL,
        NEWSLETTER_PREVIEW=True,
        CONTENT_PROBLEMS="warn",
    )
    return tmp, output


def markup_problems(label: str, html: str) -> list[str]:
    """Elements and attributes in ``html`` that the templates do not write."""
    problems = []
    document = BeautifulSoup(html, "html.parser")
    for element in document.find_all(True):
        where = f"{label}: <{element.name}>"
        if element.name not in ALLOWED:
            problems.append(f"{where} is not an element the templates write")
        for attribute in element.attrs:
            if attribute.lower().startswith("on") or not re.fullmatch(r"[a-z][a-z:-]*", attribute):
                problems.append(f"{where} has the attribute {attribute!r}")
        if element.name == "img" and element.get("src") == "x":
            problems.append(f"{where} is the hostile image")
        if element.name == "script":
            problems += script_problems(where, element)
    return problems


def script_problems(where: str, element) -> list[str]:
    if element.get("type") == "application/ld+json":
        text = element.string or ""
        try:
            json.loads(text)
        except ValueError as error:
            return [f"{where} JSON-LD does not parse: {error}"]
        return [f"{where} JSON-LD has a raw '<'"] if "<" in text else []
    if element.get("src") == PAGEFIND_UI:
        return []
    if (element.string or "").strip().startswith("if (window.PagefindUI)"):
        return []
    return [f"{where} is not one of the theme's scripts: {str(element)[:80]!r}"]


def test_every_html_file_has_only_the_templates_elements(built):
    tmp, output = built
    pages = [p for p in output.rglob("*.html") if "pagefind" not in p.parts]
    emails = sorted(tmp.glob("campaigns/*/email.html")) + sorted(
        output.glob("newsletter-preview/*/email.html")
    )
    assert pages and emails
    problems = []
    for path in pages + emails:
        problems += markup_problems(str(path.relative_to(tmp)), path.read_text(encoding="utf-8"))
    assert problems == []


def test_the_hostile_values_are_shown_as_the_text_they_are(built):
    _, output = built
    article = next(output.glob("x*/index.html"))
    page = BeautifulSoup(article.read_text(encoding="utf-8"), "html.parser")
    assert page.find("h1").get_text() == HOSTILE
    assert page.find("title").get_text().startswith(HOSTILE)
    assert page.find("meta", property="og:title")["content"] == HOSTILE
    meta = page.select_one("p.meta").get_text(" ")
    assert meta.count(HOSTILE) == 2  # the author and the category
    assert HOSTILE_TAG in page.select_one("p.tags").get_text()
    assert "7*7" in page.find("h1").get_text() and "49" not in page.find("h1").get_text()
    quoteaction = page.select_one("aside.quoteaction")
    assert quoteaction.find("blockquote").get_text() == HOSTILE
    assert quoteaction.find("figcaption").get_text().count(HOSTILE) == 3  # author, role, source
    assert quoteaction.select_one(".quoteaction-action code").get_text() == SCRIPT
    assert page.select_one("aside.connector-prompt code").get_text() == SCRIPT
    card = BeautifulSoup((output / "index.html").read_text(encoding="utf-8"), "html.parser")
    summaries = [p.get_text() for p in card.select("article.card > p:not(.meta)")]
    assert any(SCRIPT in text and BREAKOUT in text for text in summaries)


def test_links_and_ids_keep_a_slug_with_quotation_marks_whole(built):
    _, output = built
    page = BeautifulSoup(next(output.glob("x*/index.html")).read_text(encoding="utf-8"), "html.parser")
    assert page.find("link", rel="canonical")["href"] == f"{SITE_URL}/{SLUG}/"
    assert page.find("section", class_="share")["aria-labelledby"] == f"share-title-{SLUG}"
    home = BeautifulSoup((output / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert f"{SITE_URL}/{SLUG}/" in [a.get("href") for a in home.find_all("a")]
    category = BeautifulSoup(
        next(output.glob("category/alert*/index.html")).read_text(encoding="utf-8"), "html.parser"
    )
    feeds = category.find_all("link", rel="alternate")
    assert any(HOSTILE in link["title"] for link in feeds)


def test_json_ld_parses_and_carries_the_text(built):
    _, output = built
    page = BeautifulSoup(next(output.glob("x*/index.html")).read_text(encoding="utf-8"), "html.parser")
    data = json.loads(page.find("script", type="application/ld+json").string)
    assert data["url"] == f"{SITE_URL}/{SLUG}/"
    assert data["headline"] == HOSTILE  # the title as the text it is
    [author] = data["author"]  # with the profile's address, as text
    assert (author["name"], author["sameAs"]) == (HOSTILE, ['https://example.com/?a=1&b="2"'])


def xml_problems(feed: Path) -> list[str]:
    """``feed`` parsed as XML (a hostile value that broke it fails here), and the HTML it
    carries (content, summary, description) checked as the pages are."""
    problems = []
    for node in etree.parse(str(feed)).iter():
        if not isinstance(node.tag, str):
            continue
        name = etree.QName(node).localname
        # Atom says which of its text constructs are HTML (type="html"; feedgen's CDATA content
        # is too); RSS's description and content:encoded are.
        if node.nsmap.get(None) == ATOM:
            is_html = node.get("type") in ("html", "CDATA")
        else:
            is_html = name in ("description", "encoded")
        if name in ("content", "summary", "description", "encoded") and is_html and node.text:
            problems += markup_problems(f"{feed.name} <{name}>", node.text)
    return problems


def test_feeds_are_xml_and_their_html_has_only_the_templates_elements(built):
    _, output = built
    feeds = sorted((output / "feeds").rglob("*.xml"))
    assert (output / "feeds/newsletter.atom.xml") in feeds or any("newsletter" in str(f) for f in feeds)
    assert any("category" in str(f) for f in feeds)
    assert [problem for feed in feeds for problem in xml_problems(feed)] == []


@pytest.mark.xfail(
    strict=True,
    reason="pelican-sitemap writes URLs into sitemap.xml unescaped; the check refuses slugs that are "
    "not URL-safe, so only a build with CONTENT_PROBLEMS = 'warn' gets here",
)
def test_the_sitemap_is_xml(built):
    _, output = built
    assert xml_problems(output / "sitemap.xml") == []


def test_the_email_text_part_is_the_text_itself_unescaped(built):
    tmp, _ = built
    text = (tmp / "campaigns/2026-11/email.txt").read_text(encoding="utf-8")
    assert HOSTILE in text.replace("\n", " ")  # the quote, wrapped at 76 characters
    assert "&amp;" in text  # as written ("& &amp;"), not decoded twice
    assert "&lt;" not in text and "&quot;" not in text and "&#" not in text
    assert f"`{SCRIPT}`" in text  # the action's code span
    subject = json.loads((tmp / "campaigns/2026-11/campaign.json").read_text(encoding="utf-8"))["subject"]
    assert subject == SUBJECT


def test_pagefind_metadata_is_the_text(built):
    _, output = built
    fragments = [
        json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        for path in (output / "pagefind/fragment").glob("*.pf_fragment")
    ]
    # Pagefind's metadata is text (its UI shows it as text): the title as written, not markup.
    by_url = {fragment["url"]: fragment for fragment in fragments}
    assert by_url[f"/{SLUG}/"]["meta"]["title"] == HOSTILE
    assert HOSTILE in by_url[f"/{SLUG}/"]["content"]


def test_the_text_part_of_a_rich_note(tmp_path):
    """Headings, lists, quotes, code, tables and links of a newsletter note, in the email's text."""
    note = """
        ## Three things to try

        1. Map your network.
        2. Write to three people.

        And keep in touch with:

        - one warm
        - one cooling

        > A quote worth keeping.

            code line one
                indented line two

        | Who | When |
        |-----|------|
        | Ana | May  |

        Read [the map article](https://networker.example.com/map/) first.
        """
    site = {
        "articles/a.md": "Title: A\nDate: 2026-11-03\nCategory: C\nSummary: S.\n\nBody.\n",
        "quoteactions/2026-11.md": "Month: 2026-11\nQuote: Q.\nQuote_author: Sam\n\nDo one thing.\n",
        "newsletters/2026-11.md": "Subject: Rich note\n\n"
        + "\n".join(line[8:] for line in note.splitlines()),
    }
    build(tmp_path, site, production=True, SITEURL=SITE_URL, FEED_DOMAIN=SITE_URL)
    text = (tmp_path / "campaigns/2026-11/email.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert "## Three things to try" in lines
    assert "  1. Map your network." in lines and "  2. Write to three people." in lines
    assert "  * one warm" in lines and "  * one cooling" in lines
    assert "> A quote worth keeping." in lines
    assert "    code line one" in lines and "        indented line two" in lines
    assert any(re.fullmatch(r"Ana\s*\|\s*May", line) for line in lines)
    assert "Read [the map article](https://networker.example.com/map/?" in text or (
        "Read [the map article](https://networker.example.com/map/) first." in lines
    )


def test_the_featured_article_and_the_author_profile_carry_the_hostile_text_as_text(built):
    tmp, output = built
    email = BeautifulSoup((tmp / "campaigns/2026-11/email.html").read_text(encoding="utf-8"), "html.parser")
    featured = email.select_one(".featured-body")
    assert "featured in full in the issue" in featured.get_text()
    assert SCRIPT in [code.get_text() for code in featured.find_all("code")]
    assert HOSTILE in email.get_text()  # the profile's name and role, as text
    author = next(output.glob("author/alert*/index.html")).read_text(encoding="utf-8")
    bio = BeautifulSoup(author, "html.parser").select_one(".author-bio")
    assert SCRIPT in [code.get_text() for code in bio.find_all("code")]
