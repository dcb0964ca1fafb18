"""The domain of the QuoteAction plugin: plain, frozen data that templates and the newsletter read.

Contract with the rest of Networker (the newsletter plugin and the theme rely on it):

- ``article.quoteaction``: the :class:`QuoteAction` of the article's month, or ``None``.
- ``article.connector_prompt``: the article's :class:`ConnectorPrompt`, or ``None``.
- The Pelican context gets ``QUOTEACTIONS`` (a dict ``"YYYY-MM" -> QuoteAction``, newest
  first) and ``CONNECTOR_PROMPTS`` (a tuple of :class:`ConnectorPrompt`), both set in
  the ``article_generator_finalized`` handler, so generators that run later (the
  newsletter) can read them in their ``generate_context``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class QuoteAction:
    """A month's quote and the one action it asks of the reader."""

    month: str  # "YYYY-MM"
    quote: str  # plain text, escaped by templates
    author: str  # plain text
    author_role: str | None  # "poet", "author", ...
    source: str | None  # where the quote comes from, plain text
    action_html: str  # the file's body, Markdown rendered to HTML
    action_text: str  # the same action as plain text, for email.txt
    source_path: str  # the file it came from, relative to the content folder

    @property
    def month_label(self) -> str:
        """The month for people: "November 2026"."""
        year, month = self.month.split("-")
        return date(int(year), int(month), 1).strftime("%B %Y")

    @property
    def anchor(self) -> str:
        """The id of this month's entry on the QuoteAction archive page."""
        return f"qa-{self.month}"


@dataclass(frozen=True)
class ConnectorPrompt:
    """A short call to help someone else through the reader's network."""

    id: str
    text_html: str  # Markdown rendered to inline HTML (no wrapping <p>)
    text_plain: str  # the same text without markup, for email.txt
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
