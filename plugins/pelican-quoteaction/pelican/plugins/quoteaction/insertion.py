"""The QuoteAction and the prompt at the end of an article's content, for themes that do not show them.

A theme shows them when its article template (or a template it extends, includes or imports)
includes ``partials/quoteaction.html`` / ``partials/connector_prompt.html``: Networker's theme
does; Pelican's own ``notmyidea`` and ``simple`` do not. QUOTEACTION_INSERT_IN_CONTENT says
what to do: ``"auto"`` inserts each one its theme does not show, ``"always"`` both, ``"never"``
neither. What is inserted is rendered from those same partials (the theme's where it has them,
else the plugin's own), inside one ``<div class="quoteaction-inserted">`` so the feeds can leave
it out again: feeds carry the QuoteAction and the prompt only when QUOTEACTION_IN_FEEDS /
CONNECTOR_PROMPTS_IN_FEEDS say so, inserted or not.

The insertion happens at ``article_generator_finalized``, before anything reads the articles'
content (Pelican memoizes it). An article without a ``Summary`` gets the summary Pelican
would have made from its content before the insertion, so lists and the newsletter never show
the inserted blocks as part of a summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import Environment
from pelican.utils import strip_toc_elements_from_html, truncate_html_paragraphs, truncate_html_words

from pelican_contentkit.templates import template_references

QUOTEACTION_PARTIAL = "partials/quoteaction.html"
PROMPT_PARTIAL = "partials/connector_prompt.html"
MARKER = '<div class="quoteaction-inserted">'


@dataclass(frozen=True)
class Insertion:
    """Which of the two blocks go into an article's content."""

    quoteaction: bool
    prompt: bool

    def __bool__(self) -> bool:
        return self.quoteaction or self.prompt


def insertion_for(environment: Environment, template_name: str, mode: str) -> Insertion:
    """What to insert into the content of articles rendered with ``template_name``."""
    if mode == "never":
        return Insertion(quoteaction=False, prompt=False)
    if mode == "always":
        return Insertion(quoteaction=True, prompt=True)
    return Insertion(
        quoteaction=not template_references(environment, template_name, QUOTEACTION_PARTIAL),
        prompt=not template_references(environment, template_name, PROMPT_PARTIAL),
    )


def inserted_html(
    environment: Environment, context: dict[str, Any], article: Any, insertion: Insertion
) -> str:
    """The blocks to append to ``article``'s content, rendered from the partials ('' when none)."""
    values = {**context, "article": article}
    parts = [
        environment.get_template(name).render(values).strip()
        for name, wanted in ((QUOTEACTION_PARTIAL, insertion.quoteaction), (PROMPT_PARTIAL, insertion.prompt))
        if wanted
    ]
    parts = [part for part in parts if part]
    return f"\n{MARKER}\n" + "\n".join(parts) + "\n</div>\n" if parts else ""


def summary_before_insertion(content: str, settings: dict[str, Any]) -> str:
    """The summary Pelican makes of ``content`` (``Content.get_summary``), links left for it to rewrite."""
    max_paragraphs = settings.get("SUMMARY_MAX_PARAGRAPHS")
    if max_paragraphs is not None:
        content = truncate_html_paragraphs(content, max_paragraphs)
    if settings["SUMMARY_MAX_LENGTH"] is not None:
        content = truncate_html_words(content, settings["SUMMARY_MAX_LENGTH"], settings["SUMMARY_END_SUFFIX"])
    return strip_toc_elements_from_html(content)


def insert_into_content(article: Any, html: str) -> None:
    """Append ``html`` to the article's body, keeping the summary it had without it."""
    if not html or getattr(article, "quoteaction_inserted", None):  # once, whatever runs twice
        return
    if "summary" not in article.metadata and not hasattr(article, "_summary"):
        # As if the author had written it: Pelican rewrites its links with the other fields'
        # (refresh_metadata_intersite_links, which reads _summary).
        summary = summary_before_insertion(article._content, article.settings)
        article.metadata["summary"] = article._summary = summary
    article._content += html  # Pelican's body; plugins that change a body change this
    article.quoteaction_inserted = html


def replace_insertion(article: Any, html: str) -> None:
    """Put ``html`` where the blocks inserted earlier are (the QuoteAction's links resolved
    since: see ``handlers.resolve_action_links``), before anything reads the content."""
    inserted = getattr(article, "quoteaction_inserted", "")
    if inserted and html and inserted != html and inserted in article._content:
        head, _, tail = article._content.rpartition(inserted)
        article._content = head + html + tail
        article.quoteaction_inserted = html


def without_insertion(html: str, inserted: str) -> str:
    """``html`` (an article's content as a feed carries it) without the ``inserted`` blocks.

    Pelican rewrites intrasite links in the whole body, so when the blocks had such a link
    they are found by their wrapper instead, which comes last."""
    if inserted in html:
        head, _, tail = html.rpartition(inserted)
        return head + tail
    start = html.rfind(MARKER)
    return html if start < 0 else html[:start].removesuffix("\n")
