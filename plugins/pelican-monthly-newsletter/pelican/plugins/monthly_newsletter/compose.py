"""Which articles go into which issue, and what the issue says: pure functions over plain data."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from pelican.plugins.quoteaction.model import QuoteAction
from pelican_contentkit.errors import ContentError, ContentErrors
from pelican_contentkit.months import month_label, month_of, month_start

from .model import FeaturedArticle, Issue, IssueArticle, NewsletterOverride
from .settings import NewsletterSettings


def default_subject(name: str, number: int, month_label: str) -> str:
    return f"{name} #{number}: {month_label}"


def default_preview_text(
    articles: Sequence[IssueArticle], quoteaction: QuoteAction | None, featured: IssueArticle | None = None
) -> str:
    parts = []
    if featured is not None:
        more = len(articles)
        parts.append(
            f"“{featured.title_text}” in full"
            + (f" and {more} more article{'s' if more != 1 else ''}" if more else "")
        )
    elif articles:
        count = len(articles)
        parts.append(
            f"{count} new article{'s' if count != 1 else ''}, starting with “{articles[0].title_text}”"
        )
    if quoteaction is not None:
        parts.append(f"plus this month's QuoteAction from {quoteaction.author}")
    text = ", ".join(parts) + "." if parts else "This month's issue."
    return text if len(text) <= 140 else text[:137].rsplit(" ", 1)[0] + "…"


def compose_issues(
    articles: Iterable[IssueArticle],
    quoteactions: dict[str, QuoteAction],
    overrides: dict[str, NewsletterOverride],
    settings: NewsletterSettings,
    site_url: str,
    quoteaction_sources: dict[str, str],
    quoteaction_path_pattern: str = "content/quoteactions/{month}.md",
    featured: dict[str, FeaturedArticle] | None = None,
) -> list[Issue]:
    """Every issue to build, oldest first, numbered from 1.

    ``articles`` are the published articles (drafts and future-dated ones are not
    published, so never here). An issue is built for every month that has articles,
    or that has an override file asking for it with ``Always_build: yes`` or a note;
    ``NEWSLETTER_MONTHS`` narrows that to the listed months. ``featured`` (by month) is the
    article an issue carries in full (``Featured:``): it leaves the list of the others.
    """
    by_month: dict[str, list[IssueArticle]] = {}
    by_slug = {}
    for article in articles:
        by_month.setdefault(month_of(article.date), []).append(article)
        by_slug[article.slug] = article
    candidate_months = set(by_month) | {m for m, o in overrides.items() if o.always_build or o.note_html}
    months = sorted(candidate_months if settings.months is None else candidate_months & set(settings.months))
    problems: list[ContentError] = []
    issues: list[Issue] = []
    for month in months:
        override = overrides.get(month)
        chosen = sorted(by_month.get(month, []), key=lambda a: (a.date, a.slug), reverse=True)
        if override and override.article_slugs is not None:
            unknown = [slug for slug in override.article_slugs if slug not in by_slug]
            if unknown:
                problems.append(
                    ContentError(
                        override.source_path,
                        "Articles",
                        f"no published article has the slug {', '.join(map(repr, unknown))}",
                        "use the Slug: of published articles (see content/articles/)",
                    )
                )
                continue
            chosen = [by_slug[slug] for slug in override.article_slugs]
        in_full = (featured or {}).get(month)
        if in_full is not None:
            chosen = [a for a in chosen if a.slug != in_full.article.slug]
        if (
            not chosen
            and in_full is None
            and not (override and (override.always_build or override.note_html))
        ):
            continue
        quoteaction = quoteactions.get(month)
        if quoteaction is None:
            problems.append(
                ContentError(
                    quoteaction_path_pattern.format(month=month),
                    None,
                    f"the {month} newsletter needs a QuoteAction and this file does not exist",
                    f"create it with `invoke new-quoteaction {month}`",
                )
            )
            continue
        number = _issue_number(month, override, issues)
        if number is None:
            problems.append(_renumbered(month, override, issues))
            continue
        key = f"{settings.key_prefix}-{month}"
        url = settings.url.format(month=month)
        issue_label = month_label(month)
        subject = (override.subject if override and override.subject else None) or default_subject(
            settings.name, number, issue_label
        )
        preview = (
            override.preview_text if override and override.preview_text else None
        ) or default_preview_text(chosen, quoteaction, in_full.article if in_full else None)
        dates = [a.date for a in chosen] + ([in_full.article.date] if in_full else [])
        sources = sorted(
            {a.source_path for a in chosen}
            | ({in_full.article.source_path} if in_full else set())
            | ({in_full.profile.source_path} if in_full and in_full.profile else set())
            | ({override.source_path} if override else set())
            | {quoteaction_sources[month]}
        )
        issues.append(
            Issue(
                month=month,
                number=number,
                key=key,
                name=settings.name,
                subject=subject,
                preview_text=preview,
                title=f"{settings.name} #{number} · {issue_label} [{key}]",
                web_url=f"{site_url.rstrip('/')}/{url}",
                url=url,
                save_as=settings.save_as.format(month=month),
                quoteaction=quoteaction,
                articles=tuple(chosen),
                note_html=override.note_html if override else "",
                note_text=override.note_text if override else "",
                send_at=override.send_at if override else None,
                updated=max(dates) if dates else _month_start(month, override),
                sources=tuple(sources),
                featured=in_full,
            )
        )
    if problems:
        raise problems[0] if len(problems) == 1 else ContentErrors(problems)
    return issues


def _issue_number(month: str, override: NewsletterOverride | None, earlier: list[Issue]) -> int | None:
    """The issue's number: its pinned ``Number:``, else one more than the issue before it.
    None when a pinned number is not above the one before: a content error, as issue numbers
    never change once published (see ``_renumbered``)."""
    following = earlier[-1].number + 1 if earlier else 1
    if override is None or override.number is None:
        return following
    return override.number if override.number >= following else None


def _renumbered(month: str, override: NewsletterOverride | None, earlier: list[Issue]) -> ContentError:
    assert override is not None and override.number is not None and earlier
    before = earlier[-1]
    pinned = [issue.month for issue in earlier if issue.number == override.number]
    cause = (
        f"the {pinned[0]} issue already has #{override.number}"
        if pinned
        else f"the {before.month} issue before it is #{before.number}"
    )
    return ContentError(
        override.source_path,
        "Number",
        f"is {override.number}, but {cause}: an article dated into an earlier month (or a new "
        "issue file) made an issue there, and numbers of published issues never change",
        f"date the article in {month} or later, or leave {before.month} out of NEWSLETTER_MONTHS "
        "if its issue was never sent",
    )


def _month_start(month: str, override: NewsletterOverride | None) -> datetime:
    if override and override.send_at:
        return override.send_at
    return month_start(month)
