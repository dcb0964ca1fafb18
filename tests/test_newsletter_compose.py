"""Composing issues from plain data: month boundaries, overrides, numbering, errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from pelican.plugins.monthly_newsletter.compose import compose_issues, default_preview_text
from pelican.plugins.monthly_newsletter.model import IssueArticle, NewsletterOverride
from pelican.plugins.monthly_newsletter.settings import newsletter_settings
from pelican.plugins.quoteaction.model import QuoteAction
from pelican_contentkit.errors import ContentError

SITE = "https://networker.example.com"
SETTINGS = newsletter_settings({"SITENAME": "Networker"})


def article(slug, when, title=None):
    return IssueArticle(
        title=title or slug.title(),
        title_text=title or slug.title(),
        url=f"{SITE}/{slug}/",
        summary_text="S.",
        author="Ada",
        reading_minutes=2,
        date=when,
        slug=slug,
        source_path=f"content/articles/{slug}.md",
    )


def quoteaction(month):
    return QuoteAction(
        month,
        "Q",
        "Author",
        None,
        None,
        "<p>Your action is to act.</p>",
        "Your action is to act.",
        f"content/quoteactions/{month}.md",
    )


QUOTEACTIONS = {m: quoteaction(m) for m in ("2026-09", "2026-10", "2026-11")}
SOURCES = {m: qa.source_path for m, qa in QUOTEACTIONS.items()}


def compose(articles, overrides=None, settings=SETTINGS, quoteactions=QUOTEACTIONS):
    return compose_issues(articles, quoteactions, overrides or {}, settings, SITE, SOURCES)


def test_articles_go_to_the_month_of_their_own_time_zone_newest_first():
    plus_two = timezone(timedelta(hours=2))
    articles = [
        article("last-of-october", datetime(2026, 10, 31, 23, 59, tzinfo=plus_two)),
        article("first-of-november", datetime(2026, 11, 1, 0, 0, tzinfo=plus_two)),
        article("mid-october", datetime(2026, 10, 15, 8, 0, tzinfo=plus_two)),
    ]
    issues = compose(articles)
    assert [(i.month, i.number, [a.slug for a in i.articles]) for i in issues] == [
        ("2026-10", 1, ["last-of-october", "mid-october"]),
        ("2026-11", 2, ["first-of-november"]),
    ]
    assert issues[0].key == "networker-2026-10"
    assert issues[0].title == "Networker #1 · October 2026 [networker-2026-10]"
    assert issues[0].web_url == f"{SITE}/newsletter/2026-10/"
    assert issues[0].subject == "Networker #1: October 2026"
    assert issues[0].sources == (
        "content/articles/last-of-october.md",
        "content/articles/mid-october.md",
        "content/quoteactions/2026-10.md",
    )


def test_override_sets_subject_preview_note_order_choice_and_send_date():
    articles = [article(s, datetime(2026, 11, d, tzinfo=UTC)) for s, d in (("a", 3), ("b", 10), ("c", 17))]
    override = NewsletterOverride(
        month="2026-11",
        source_path="content/newsletters/2026-11.md",
        subject="Custom subject",
        preview_text="Custom preview",
        note_html="<p>Hello.</p>",
        note_text="Hello.",
        article_slugs=("a", "c"),
        send_at=datetime(2026, 12, 1, 9, tzinfo=UTC),
    )
    (issue,) = compose(articles, {"2026-11": override})
    assert (issue.subject, issue.preview_text, issue.note_html) == (
        "Custom subject",
        "Custom preview",
        "<p>Hello.</p>",
    )
    assert [a.slug for a in issue.articles] == ["a", "c"]
    assert issue.send_at == datetime(2026, 12, 1, 9, tzinfo=UTC)
    assert "content/newsletters/2026-11.md" in issue.sources


def test_override_naming_an_unknown_slug_is_an_error():
    override = NewsletterOverride(
        month="2026-11", source_path="content/newsletters/2026-11.md", article_slugs=("nope",)
    )
    with pytest.raises(ContentError) as raised:
        compose([article("a", datetime(2026, 11, 3, tzinfo=UTC))], {"2026-11": override})
    assert raised.value.message == (
        "content/newsletters/2026-11.md [Articles]: no published article has the slug 'nope'. "
        "Fix: use the Slug: of published articles (see content/articles/)"
    )


def test_empty_month_is_skipped_unless_the_file_asks_for_it():
    articles = [article("a", datetime(2026, 9, 3, tzinfo=UTC))]
    assert [i.month for i in compose(articles)] == ["2026-09"]
    asked = NewsletterOverride(
        month="2026-10", source_path="content/newsletters/2026-10.md", always_build=True
    )
    noted = NewsletterOverride(
        month="2026-11", source_path="x.md", note_html="<p>News.</p>", note_text="News."
    )
    issues = compose(articles, {"2026-10": asked, "2026-11": noted})
    assert [(i.month, i.number, len(i.articles)) for i in issues] == [
        ("2026-09", 1, 1),
        ("2026-10", 2, 0),
        ("2026-11", 3, 0),
    ]


def test_missing_quoteaction_is_an_error_for_that_months_newsletter():
    with pytest.raises(ContentError) as raised:
        compose([article("a", datetime(2026, 8, 3, tzinfo=UTC))])
    assert raised.value.message == (
        "content/quoteactions/2026-08.md: the 2026-08 newsletter needs a QuoteAction "
        "and this file does not exist. "
        "Fix: create it with `invoke new-quoteaction 2026-08`"
    )


def test_newsletter_months_setting_limits_the_issues_built():
    settings = newsletter_settings({"SITENAME": "Networker", "NEWSLETTER_MONTHS": ["2026-11"]})
    articles = [
        article("a", datetime(2026, 8, 3, tzinfo=UTC)),
        article("b", datetime(2026, 11, 3, tzinfo=UTC)),
    ]
    assert [i.month for i in compose(articles, settings=settings)] == ["2026-11"]


def test_default_preview_text_names_the_lead_article_and_quoteaction_and_stays_short():
    text = default_preview_text(
        [article("a", datetime(2026, 11, 3, tzinfo=UTC), "Why give first")], quoteaction("2026-11")
    )
    assert text == "1 new article, starting with “Why give first”, plus this month's QuoteAction from Author."
    long = default_preview_text([article("a", datetime(2026, 11, 3, tzinfo=UTC), "word " * 60)], None)
    assert len(long) <= 140 and long.endswith("…")


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"NEWSLETTER_UTM": "yes"}, "settings [NEWSLETTER_UTM]: must be True or False, not str 'yes'."),
        ({"NEWSLETTER_FROM": "x"}, "settings [NEWSLETTER_FROM]: unknown setting."),
        (
            {"NEWSLETTER_MONTHS": "2026-11"},
            "settings [NEWSLETTER_MONTHS]: must be None or a list of 'YYYY-MM' months",
        ),
    ],
)
def test_bad_settings_are_reported_by_name(settings, expected):
    with pytest.raises(ContentError) as raised:
        newsletter_settings(settings)
    assert expected in raised.value.message


# ---------------------------------------------------------------- the editor's note (issue 14)


def test_a_notes_merge_tags_survive_markdown_and_its_header_is_read_as_an_articles():
    from pelican.plugins.monthly_newsletter.overrides import parse_override

    text = (
        "Subject: Starting well\nPreview_text: Two articles\n    on beginnings.\n\n"
        "Hello *|FNAME|*: not a field. [Unsubscribe](*|UNSUB|*) any time, *really*.\n"
    )
    override, problems = parse_override("content/newsletters/2026-11.md", text, "UTC")
    assert problems == []
    assert override.subject == "Starting well"
    assert override.preview_text == "Two articles on beginnings."
    assert override.note_html == (
        '<p>Hello *|FNAME|*: not a field. <a href="*|UNSUB|*">Unsubscribe</a> any time, <em>really</em>.</p>'
    )
    assert "*|FNAME|*" in override.note_text and "<em>" not in override.note_text
