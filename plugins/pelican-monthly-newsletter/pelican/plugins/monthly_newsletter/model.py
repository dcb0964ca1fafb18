"""A newsletter issue as plain, frozen data: what the templates, the feed and the campaign files read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pelican.plugins.quoteaction.model import QuoteAction


@dataclass(frozen=True)
class IssueArticle:
    title: str  # HTML as Pelican gives it
    title_text: str  # plain text
    url: str  # absolute
    summary_text: str
    author: str
    reading_minutes: int
    date: datetime
    slug: str
    source_path: str


@dataclass(frozen=True)
class FeaturedArticle:
    """The article an issue carries in full, and its author's short profile."""

    article: IssueArticle
    web_html: str  # the body as the site shows it: absolute links, headings one level down
    email_html: str  # the body rewritten for mail clients (email_body)
    text: str  # the body as plain text, for email.txt
    profile: Any  # the author's AuthorProfile (pelican-author-profiles) or None


@dataclass(frozen=True)
class NewsletterOverride:
    """What an editor set in content/newsletters/YYYY-MM.md."""

    month: str
    source_path: str
    subject: str | None = None
    preview_text: str | None = None
    note_html: str = ""
    note_text: str = ""
    article_slugs: tuple[str, ...] | None = None
    send_at: datetime | None = None
    always_build: bool = False
    number: int | None = None  # pinned: the number the issue was published with
    featured_slug: str | None = None


@dataclass(frozen=True)
class Issue:
    month: str  # "YYYY-MM"
    number: int
    key: str  # stable: "networker-2026-11"
    name: str  # the newsletter's name
    subject: str
    preview_text: str
    title: str  # the campaign's title on Mailchimp, carries the key
    web_url: str  # absolute
    url: str  # relative to SITEURL
    save_as: str
    quoteaction: QuoteAction | None
    articles: tuple[IssueArticle, ...]
    note_html: str
    note_text: str
    send_at: datetime | None
    updated: datetime  # the newest date among its contents: deterministic
    sources: tuple[str, ...]  # content files it was built from
    featured: FeaturedArticle | None = None  # the article in full (Featured:), not in `articles`

    @property
    def month_label(self) -> str:
        year, month = self.month.split("-")
        return date(int(year), int(month), 1).strftime("%B %Y")
