"""QuoteActions and connector prompts in a real Pelican build of a tiny site."""

from __future__ import annotations

import feedparser
import pytest

from pelican_contentkit.errors import ContentError, ContentErrors
from tests.support.site import broken_internal_links, build, soup, vnu_errors

SITE_URL = "https://networker.example.com"


def article(slug, date, category="Relationships", tags="habits", extra=""):
    return f"""\
        Title: Article {slug}
        Date: {date}
        Category: {category}
        Tags: {tags}
        Author: Ada Tester
        Summary: Summary of {slug}.
        Slug: {slug}
        {extra}

        Body of {slug}.
        """


QUOTEACTION_OCT = """\
    Month: 2026-10
    Quote: Less <script>alert('x')</script> & more
    Quote_author: Jane Q. Example
    Quote_author_role: essayist

    Your action is to send **one** thank-you note this week.
    """

QUOTEACTION_SEP = """\
    Month: 2026-09
    Quote: Small favours, often.
    Quote_author: John Example

    Your action is to reply to one old message.
    """

PROMPTS = """\
    - id: introduce-two-peers
      text: Introduce two people who *should* know each other.
      categories: [Introductions]
    - id: reconnect
      text: Message someone you have not spoken to in a year.
    - id: pass-on-a-link
      text: Send a useful link to someone who needs it.
    """

SITE = {
    "articles/a.md": article("oct-one", "2026-10-02 08:00", "Introductions"),
    "articles/b.md": article("oct-two", "2026-10-09 08:00"),
    "articles/c.md": article("oct-three", "2026-10-16 08:00", extra="Connector_prompt: none"),
    "articles/d.md": article("oct-four", "2026-10-23 08:00", extra="Quoteaction: none"),
    "articles/e.md": article("sep-one", "2026-09-05 08:00", extra="Connector_prompt: reconnect"),
    "articles/f.md": article(
        "sep-two",
        "2026-09-12 08:00",
        extra="Connector_prompt: Call a former colleague and ask what they are working on.",
    ),
    "quoteactions/2026-10.md": QUOTEACTION_OCT,
    "quoteactions/2026-09.md": QUOTEACTION_SEP,
    "connector-prompts.yaml": PROMPTS,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build(tmp_path_factory.mktemp("qa"), SITE, production=True, SITEURL=SITE_URL, FEED_DOMAIN=SITE_URL)


def test_article_shows_its_months_quoteaction_with_escaped_quote(site):
    page = soup(site / "oct-one/index.html")
    block = page.find("aside", class_="quoteaction")
    assert block.h2.get_text() == "QuoteAction for October 2026"
    assert block.blockquote.get_text(strip=True) == "Less <script>alert('x')</script> & more"
    assert block.find("script") is None
    assert block.figcaption.get_text(strip=True) == "— Jane Q. Example, essayist"
    assert block.find("strong").get_text() == "one"
    assert (
        block.find("a", string="Every month's QuoteAction")["href"] == f"{SITE_URL}/quoteactions/#qa-2026-10"
    )
    html = (site / "oct-one/index.html").read_text()
    assert "Less &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more" in html


def test_category_matching_prompt_and_overrides_on_article_pages(site):
    def prompt_text(slug):
        block = soup(site / f"{slug}/index.html").find("aside", class_="connector-prompt")
        return block.p.get_text() if block else None

    assert prompt_text("oct-one") == "Introduce two people who should know each other."
    assert prompt_text("oct-three") is None
    assert prompt_text("sep-one") == "Message someone you have not spoken to in a year."
    assert prompt_text("sep-two") == "Call a former colleague and ask what they are working on."
    assert soup(site / "oct-four/index.html").find("aside", class_="quoteaction") is None
    assert soup(site / "sep-one/index.html").find("aside", class_="quoteaction").blockquote.get_text(
        strip=True
    ) == ("Small favours, often.")


def test_archive_lists_every_month_newest_first_with_anchors(site):
    page = soup(site / "quoteactions/index.html")
    sections = page.find_all("section", class_="quoteaction")
    assert [section["id"] for section in sections] == ["qa-2026-10", "qa-2026-09"]
    assert [section.h2.get_text() for section in sections] == ["October 2026", "September 2026"]
    assert page.find("a", attrs={"aria-current": "page"}).get_text() == "QuoteActions"


def test_quoteaction_files_are_not_articles_and_links_resolve(site):
    assert "Quote_author" not in (site / "index.html").read_text()
    feed = feedparser.parse((site / "feeds/all.atom.xml").read_bytes())
    assert len(feed.entries) == 6
    assert all("Your action is to" not in entry.content[0].value for entry in feed.entries)
    assert broken_internal_links(site, SITE_URL) == []


def test_pages_are_valid_html(site):
    assert vnu_errors([site / "oct-one/index.html", site / "quoteactions/index.html"]) == []


def test_feeds_carry_quoteaction_and_prompt_only_when_asked(tmp_path):
    output = build(
        tmp_path,
        SITE,
        production=True,
        SITEURL=SITE_URL,
        FEED_DOMAIN=SITE_URL,
        QUOTEACTION_IN_FEEDS=True,
        CONNECTOR_PROMPTS_IN_FEEDS=True,
    )
    for name in ("all.atom.xml", "all.rss.xml"):
        feed = feedparser.parse((output / "feeds" / name).read_bytes())
        entries = {entry.link: entry for entry in feed.entries}
        body = (
            entries[f"{SITE_URL}/oct-one/"].get("content")
            or [{"value": entries[f"{SITE_URL}/oct-one/"].description}]
        )[0]["value"]
        assert "Your action is to send <strong>one</strong> thank-you note this week." in body
        assert "Introduce two people who <em>should</em> know each other." in body
        assert f"{SITE_URL}/quoteactions/#qa-2026-10" in body
    assert "Your action is to" not in (output / "oct-one/index.html").read_text().split("quoteaction")[0]


def test_a_month_without_quoteaction_stops_the_build_unless_switched_off(tmp_path):
    from pelican_contentkit.errors import ContentErrors

    files = {key: value for key, value in SITE.items() if key != "quoteactions/2026-09.md"}
    with pytest.raises(ContentErrors) as raised:
        build(tmp_path / "on", files, NEWSLETTER_MONTHS=["2026-10"])  # the September newsletter would fail
    assert [error.message.split("content/", 1)[-1] for error in raised.value.errors] == [
        "quoteactions/2026-09.md: 2026-09 has 2 published articles but no QuoteAction: "
        "this file does not exist."
        " Fix: create it with `invoke new-quoteaction 2026-09` and fill in the quote and the action"
    ]
    output = build(tmp_path / "off", files, NEWSLETTER_MONTHS=["2026-10"], QUOTEACTION_WARN_MISSING=False)
    assert (output / "index.html").is_file()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {
                "quoteactions/2026-10.md": QUOTEACTION_OCT.replace(
                    "    Quote: Less <script>alert('x')</script> & more\n", ""
                )
            },
            "quoteactions/2026-10.md [Quote]: missing or empty.",
        ),
        (
            {"quoteactions/2026-10.md": QUOTEACTION_OCT.replace("Month: 2026-10", "Month: 2026-11")},
            "quoteactions/2026-10.md [Month]: says 2026-11 but the file is named 2026-10.md.",
        ),
        (
            {"quoteactions/2026-13.md": QUOTEACTION_OCT.replace("Month: 2026-10", "Month: 2026-13")},
            "quoteactions/2026-13.md [Month]: '2026-13' is not a real month",
        ),
        (
            {"quoteactions/2026-10-copy.md": QUOTEACTION_OCT},
            "quoteactions/2026-10-copy.md [Month]: 2026-10 already has a QuoteAction in",
        ),
        ({"connector-prompts.yaml": "- id: x\n  text: [oops\n"}, "connector-prompts.yaml: is not valid YAML"),
        (
            {"connector-prompts.yaml": "- id: x\n"},
            "connector-prompts.yaml [prompt 1 (x) text]: missing or empty.",
        ),
        (
            {"connector-prompts.yaml": "- id: x\n  text: A.\n- id: x\n  text: B.\n"},
            "connector-prompts.yaml [prompt 2 (x) id]: 'x' is also the id of prompt 1.",
        ),
        (
            {"articles/b.md": article("oct-two", "2026-10-09 08:00", extra="Connector_prompt: reconect")},
            "articles/b.md:8 [Connector_prompt]: 'reconect' is not the id of a prompt in",
        ),
    ],
)
def test_bad_input_stops_the_build_with_file_and_field(tmp_path, change, expected):
    with pytest.raises(ContentError) as raised:
        build(tmp_path, {**SITE, **change})
    assert expected in str(raised.value)
    assert isinstance(raised.value, ContentError | ContentErrors)


def test_unknown_or_ill_typed_setting_is_reported_by_name(tmp_path):
    with pytest.raises(ContentError) as raised:
        build(tmp_path, SITE, QUOTEACTION_IN_FEED=True)
    assert "settings [QUOTEACTION_IN_FEED]: unknown setting." in str(raised.value)
    with pytest.raises(ContentError) as raised:
        build(tmp_path, SITE, CONNECTOR_PROMPTS_SPREAD="3")
    assert "settings [CONNECTOR_PROMPTS_SPREAD]: must be a whole number, not str '3'." in str(raised.value)
