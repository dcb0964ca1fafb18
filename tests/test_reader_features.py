"""Pure functions behind the theme: descriptions, JSON-LD, neighbours, related articles,
share links, the signup form and the plugin's settings."""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from pelican.plugins.reader_features.meta import blog_posting, json_ld_script, meta_description, plain_text
from pelican.plugins.reader_features.navigation import ArticleFacts, neighbours, related, related_all
from pelican.plugins.reader_features.settings import plugin_settings
from pelican.plugins.reader_features.share import mailto, quoted, share_links
from pelican.plugins.reader_features.subscribe import subscribe_form
from pelican_contentkit.errors import ContentError, ContentErrors

ACTION = "https://example.us1.list-manage.com/subscribe/post?u=abc123&id=def456"


def test_plain_text_strips_tags_decodes_entities_and_collapses_space():
    assert plain_text("<p>Ask &amp; <em>offer</em>\n  first&nbsp;—&#8203;always</p><p>Then</p>") == (
        "Ask & offer first —\u200balways Then"
    )


def test_a_short_description_is_kept_whole():
    assert meta_description("<p>Offer help <strong>first</strong>.</p>") == "Offer help first."


def test_a_long_description_is_cut_at_a_word_with_an_ellipsis():
    text = "Connectors notice who should meet whom, " * 10
    description = meta_description(f"<p>{text}</p>", max_length=60)
    assert len(description) <= 60
    assert description.endswith("…")
    assert description[:-1] == description[:-1].rstrip(" ,")
    assert text.startswith(description[:-1])
    assert text[len(description) - 1] in " ,"  # the cut fell between words


def test_json_ld_cannot_close_its_script_element():
    data = blog_posting(
        headline="Stop </script><script>alert(1)</script> & <!-- this -->",
        url="https://networker.example.com/a/",
        published=datetime(2026, 10, 5, 8, 15, tzinfo=UTC),
        modified=None,
        authors=["Dana Whitfield"],
        description="Plain words.",
        site_name="Networker",
        site_url="https://networker.example.com/",
    )
    script = str(json_ld_script(data))
    inner = script.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in inner and ">" not in inner and "&" not in inner
    assert json.loads(inner) == data
    assert data["dateModified"] == data["datePublished"] == "2026-10-05T08:15:00+00:00"
    assert data["@type"] == "BlogPosting" and data["publisher"]["name"] == "Networker"


def _fact(key: str, date: str, *tags: str) -> ArticleFacts:
    return ArticleFacts(key=key, sort_key=(date, key), tags=frozenset(tags))


def test_neighbours_follow_dates_not_input_order():
    facts = [_fact("c", "2026-10-01"), _fact("a", "2026-08-01"), _fact("b", "2026-09-01")]
    around = neighbours(facts)
    assert (around["a"].previous, around["a"].next) == (None, "b")
    assert (around["b"].previous, around["b"].next) == ("a", "c")
    assert (around["c"].previous, around["c"].next) == ("b", None)


def test_related_ranks_by_shared_tags_then_recency_then_key_whatever_the_input_order():
    me = _fact("me", "2026-10-01", "intro", "email", "habits")
    others = [
        _fact("two-old", "2026-08-01", "intro", "email"),
        _fact("one-new", "2026-11-01", "habits"),
        _fact("two-new", "2026-09-01", "intro", "email"),
        _fact("one-tie-b", "2026-10-15", "intro"),
        _fact("one-tie-a", "2026-10-15", "email"),
        _fact("none", "2026-12-01", "other"),
    ]
    expected = ["two-new", "two-old", "one-new"]
    for seed in range(5):
        shuffled = [me, *others]
        random.Random(seed).shuffle(shuffled)
        assert related(me, shuffled) == expected
    assert related(me, others, limit=5) == [*expected, "one-tie-a", "one-tie-b"]
    assert related(_fact("lonely", "2026-10-01", "solo"), others) == []


@pytest.mark.parametrize("seed", range(6))
def test_related_all_chooses_what_related_chooses_for_every_article(seed):
    rng = random.Random(seed)
    tags = [f"t{number}" for number in range(rng.choice([3, 8, 20]))]
    facts = [
        _fact(
            f"a{number:03}",
            f"2026-{rng.randint(1, 12):02}-{rng.randint(1, 3):02}",
            *rng.sample(tags, rng.randint(0, 3)),
        )
        for number in range(120)
    ]
    for limit in (1, 3, 5):
        expected = {fact.key: related(fact, facts, limit) for fact in facts}
        assert related_all(facts, limit) == expected


def test_share_links_carry_the_absolute_url_and_title():
    url = "https://networker.example.com/give-before-you-get/"
    links = share_links(url, "Give & get: a guide", "Offer help first.", "Networker")
    linkedin = urlsplit(links.linkedin)
    assert linkedin.netloc == "www.linkedin.com" and parse_qs(linkedin.query) == {"url": [url]}
    x = urlsplit(links.x)
    assert x.netloc == "x.com" and parse_qs(x.query) == {"text": ["Give & get: a guide"], "url": [url]}
    for link in (links.email, links.forward):
        assert link.startswith("mailto:?subject=")
        assert " " not in link and "+" not in link  # RFC 6068: %20, never "+"
        assert url in unquote(link)
    assert "Thought of you: Give & get: a guide" in unquote(links.forward)


def test_mailto_uses_crlf_line_breaks():
    assert mailto("Hi", "one\ntwo") == "mailto:?subject=Hi&body=one%0D%0Atwo"


def test_subscribe_form_takes_mailchimps_honeypot_name_from_the_action():
    form = subscribe_form(ACTION)
    assert form.action == ACTION
    assert form.honeypot_name == "b_abc123_def456"
    assert subscribe_form("") is None


@pytest.mark.parametrize(
    ("action", "problem"),
    [
        ("http://example.us1.list-manage.com/subscribe/post?u=a&id=b", "https://"),
        ("https://example.us1.list-manage.com/subscribe/post?u=abc", "no u= and id="),
    ],
)
def test_a_bad_subscribe_action_is_reported_by_setting_name(action, problem):
    with pytest.raises(ContentError) as caught:
        subscribe_form(action)
    assert caught.value.field == "READER_SUBSCRIBE_FORM_ACTION"
    assert problem in caught.value.problem
    assert "Embedded forms" in caught.value.fix


def test_settings_have_defaults_and_report_bad_ones_by_name():
    assert plugin_settings({}).related_max == 3
    assert plugin_settings({"READER_SUBSCRIBE_FORM_ACTION": f" {ACTION} "}).subscribe_form_action == ACTION
    with pytest.raises(ContentErrors) as caught:
        plugin_settings({"READER_RELATED": 2, "READER_DESCRIPTION_LENGTH": "160", "READER_RELATED_MAX": 0})
    fields = sorted(error.field for error in caught.value.errors)
    assert fields == ["READER_DESCRIPTION_LENGTH", "READER_RELATED", "READER_RELATED_MAX"]
    assert re.search(r"must be a whole number, not str '160'", caught.value.message)


@pytest.mark.parametrize(
    "text", ["", "plain-Text_1.~", "Give & get: a guide?", "a b\r\nc/d%e+f#g", "don’t — “é” 中 😀"]
)
def test_share_links_quote_as_urllib_does(text):
    from urllib.parse import quote

    assert quoted(text) == quote(text, safe="")


def test_what_a_body_edit_changes_here_is_the_reading_time_or_a_whole_rebuild():
    """reader_features' declaration for the quick rebuild (pelican_contentkit.rebuild)."""
    from pelican.contents import Article, Page
    from pelican.settings import DEFAULT_CONFIG

    from pelican.plugins.reader_features.handlers import derived_from_body

    settings = {**DEFAULT_CONFIG, "READER_SEARCH_INDEX": False}
    body = "<p>" + " ".join(["word"] * 700) + "</p>"
    with_summary = Article(body, metadata={"title": "A", "summary": "Short."}, settings=settings)
    assert derived_from_body(with_summary, settings) == {"reading_minutes": 4}
    # No Summary: the description, JSON-LD and share links are made from the body.
    assert derived_from_body(Article(body, metadata={"title": "A"}, settings=settings), settings) is None
    assert derived_from_body(Page(body, metadata={"title": "P"}, settings=settings), settings) == {}
    # While the build makes the search index, a quick rebuild would leave it stale.
    indexing = {**settings, "READER_SEARCH_INDEX": True}
    assert derived_from_body(with_summary, indexing) is None
