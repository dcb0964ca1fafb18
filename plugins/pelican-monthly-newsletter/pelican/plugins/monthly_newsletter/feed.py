"""The feed of newsletter issues (Atom and RSS), with feedgen. Deterministic: no clock."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from markupsafe import escape

from .model import Issue

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator


def issues_feed(
    issues: Sequence[Issue],
    bodies: dict[str, str],
    name: str,
    site_url: str,
    index_url: str,
    language: str,
    self_url: str,
) -> FeedGenerator:
    """A FeedGenerator for ``issues`` published at ``self_url``; ``bodies`` maps month to the
    issue's web HTML (absolute URLs)."""
    from feedgen.feed import FeedGenerator  # lxml: imported when a feed is made, not by `invoke check`

    site = site_url.rstrip("/")
    feed = FeedGenerator()
    feed.id(f"{site}/{index_url}")
    feed.title(f"{name}: newsletter issues")
    feed.subtitle(f"Every issue of the {name} newsletter: the month's QuoteAction and articles.")
    feed.link(href=self_url, rel="self")
    feed.link(href=f"{site}/{index_url}", rel="alternate")  # last: RSS's <link> is the last one given
    feed.language(language)
    feed.author({"name": name})
    feed.generator("Networker")
    newest_first = sorted(issues, key=lambda issue: issue.month, reverse=True)
    if newest_first:
        updated = max(issue.updated for issue in issues)
        feed.updated(updated)
        feed.lastBuildDate(updated)
    for issue in reversed(newest_first):  # feedgen prepends entries: add oldest first
        entry = feed.add_entry()
        entry.id(issue.web_url)
        entry.guid(issue.web_url, permalink=True)
        entry.title(f"{issue.name} #{issue.number}: {issue.month_label}")
        entry.link(href=issue.web_url, rel="alternate")
        # The preview text is text: RSS's description is HTML (escaped), Atom's summary is text.
        entry.description(str(escape(issue.preview_text)))
        entry.summary(issue.preview_text)
        entry.content(bodies[issue.month], type="CDATA")
        entry.published(issue.updated)
        entry.updated(issue.updated)
        entry.author({"name": issue.name})
    return feed
