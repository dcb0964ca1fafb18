"""Thin signal handlers: collect plain data from Pelican, call the pure functions, set the results."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from markupsafe import escape
from pelican.generators import Generator

from pelican_contentkit.markup import html_to_text, inline_html, markdown_from_settings
from pelican_contentkit.paths import site_root
from .model import ConnectorPrompt, QuoteAction
from .parsing import OFF_VALUES_QUOTEACTION, load_connector_prompts, load_quoteactions
from .selection import CUSTOM_PROMPT_ID, ArticleFacts, choose_prompts
from .settings import plugin_settings

logger = logging.getLogger(__name__)
LOG_PREFIX = "[quoteaction]"


def attach_to_articles(generator) -> None:
    """``article_generator_finalized``: load the data, give every article its QuoteAction and prompt."""
    settings = plugin_settings(generator.settings)
    md = markdown_from_settings(generator.settings["MARKDOWN"], with_metadata=True)
    content_root = Path(generator.path)
    label_root = site_root(generator.settings)  # file names in messages: relative to the site
    quoteactions = load_quoteactions(content_root / settings.path, label_root, md)
    prompts = load_connector_prompts(content_root / settings.prompts_file, label_root, md)

    articles = [
        *generator.articles,
        *generator.translations,
        *generator.drafts,
        *generator.drafts_translations,
    ]
    facts = [_article_facts(article, label_root) for article in articles]
    custom = {
        fact.key: _custom_prompt(md, fact.override)
        for fact in facts
        if fact.override and " " in fact.override.strip()
    }
    chosen = choose_prompts(facts, prompts, custom, spread=settings.spread)
    for article, fact in zip(articles, facts, strict=True):
        article.connector_prompt = chosen[fact.key]
        switched_off = str(article.metadata.get("quoteaction", "")).strip().lower() in OFF_VALUES_QUOTEACTION
        article.quoteaction = None if switched_off else quoteactions.get(_month(article))

    if settings.warn_missing:
        for month in sorted({_month(article) for article in generator.articles} - set(quoteactions)):
            logger.warning(
                "%s %s has articles but no QuoteAction: add %s/%s/%s.md (`invoke new-quoteaction %s`)",
                LOG_PREFIX, month, Path(generator.path).name, settings.path, month, month,
            )
    generator.context["QUOTEACTIONS"] = quoteactions
    generator.context["CONNECTOR_PROMPTS"] = prompts
    generator.context["QUOTEACTION_ARCHIVE_URL"] = settings.archive_url


def _month(article) -> str:
    return article.date.strftime("%Y-%m")


def _article_facts(article, label_root: Path) -> ArticleFacts:
    source = Path(article.source_path)
    try:
        label = source.resolve().relative_to(label_root.resolve()).as_posix()
    except ValueError:
        label = str(source)
    return ArticleFacts(
        key=label,
        slug=article.slug,
        sort_key=(article.date.isoformat(), label),
        category=str(getattr(article, "category", "")),
        tags=tuple(str(tag) for tag in getattr(article, "tags", ()) or ()),
        override=article.metadata.get("connector_prompt"),
        source_path=label,
    )


def _custom_prompt(md, text: str) -> ConnectorPrompt:
    text_html = inline_html(md, text)
    return ConnectorPrompt(id=CUSTOM_PROMPT_ID, text_html=text_html, text_plain=html_to_text(text_html))


class QuoteActionArchiveGenerator(Generator):
    """Writes the QuoteAction archive page with the theme's ``quoteactions`` template."""

    def generate_context(self) -> None:
        pass

    def generate_output(self, writer) -> None:
        settings = plugin_settings(self.settings)
        quoteactions: dict[str, QuoteAction] = self.context.get("QUOTEACTIONS", {})
        if not quoteactions:
            return
        writer.write_file(
            settings.archive_save_as,
            self.get_template("quoteactions"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            quoteactions=list(quoteactions.values()),
            page_name="quoteactions",
            url=settings.archive_url,
        )


def archive_generator(pelican_object):
    return QuoteActionArchiveGenerator


def add_to_feed_items(context: dict[str, Any], feed) -> None:
    """``feed_generated``: append the QuoteAction / prompt to article feed items, when asked to."""
    settings = plugin_settings(context)
    if not (settings.quoteaction_in_feeds or settings.prompts_in_feeds):
        return
    base = (context.get("FEED_DOMAIN") or context.get("SITEURL") or "").rstrip("/") + "/"
    by_link = {urljoin(base, article.url): article for article in context.get("articles", [])}
    archive_url = urljoin(base, settings.archive_url)
    for item in feed.items:
        article = by_link.get(item["link"].split("?ref=feed")[0])
        if article is None:
            continue
        extra = feed_extra_html(
            getattr(article, "quoteaction", None) if settings.quoteaction_in_feeds else None,
            getattr(article, "connector_prompt", None) if settings.prompts_in_feeds else None,
            archive_url,
        )
        field = "content" if item.get("content") else "description"
        item[field] = (item.get(field) or "") + extra


def feed_extra_html(quoteaction: QuoteAction | None, prompt: ConnectorPrompt | None, archive_url: str) -> str:
    """The HTML appended to a feed item: a QuoteAction block and/or a connector prompt."""
    parts = []
    if quoteaction is not None:
        role = f", {escape(quoteaction.author_role)}" if quoteaction.author_role else ""
        parts.append(
            f'<aside><h2>QuoteAction for {escape(quoteaction.month)}</h2>'
            f"<blockquote><p>{escape(quoteaction.quote)}</p></blockquote>"
            f"<p>— {escape(quoteaction.author)}{role}</p>{quoteaction.action_html}"
            f'<p><a href="{escape(archive_url)}#{quoteaction.anchor}">All QuoteActions</a></p></aside>'
        )
    if prompt is not None:
        parts.append(f"<aside><h2>Be a connector</h2><p>{prompt.text_html}</p></aside>")
    return "".join(parts)
