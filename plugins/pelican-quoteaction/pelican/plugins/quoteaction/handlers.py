"""Thin signal handlers: collect plain data from Pelican, call the pure functions, set the results."""

from __future__ import annotations

import dataclasses
import difflib
import logging
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from markupsafe import escape
from pelican.generators import Generator

from pelican_contentkit import templates
from pelican_contentkit.errors import ContentError
from pelican_contentkit.folders import keep_setting_folder_out
from pelican_contentkit.links import absolute_links, link_problems, static_links
from pelican_contentkit.markup import html_to_text, inline_html
from pelican_contentkit.months import month_of
from pelican_contentkit.outputs import PlannedOutput
from pelican_contentkit.paths import resolved_label, site_path, site_root
from pelican_contentkit.problems import CHECK_ONLY_SETTING, field_line, raw_text, report

from .insertion import (
    insert_into_content,
    inserted_html,
    insertion_for,
    replace_insertion,
    without_insertion,
)
from .model import ConnectorPrompt, QuoteAction
from .parsing import (
    OFF_VALUES_QUOTEACTION,
    _label,
    missing_quoteaction_problems,
    read_connector_prompts,
    read_quoteactions,
)
from .selection import CUSTOM_PROMPT_ID, OFF_VALUES, ArticleFacts, choose_prompts
from .settings import DEFAULTS, plugin_settings

logger = logging.getLogger(__name__)
LOG_PREFIX = "[quoteaction]"
TEMPLATES = Path(__file__).parent / "templates"


def keep_folder_out_of_articles(pelican_object) -> None:
    """``initialized``: the QuoteAction files are never articles or pages."""
    keep_setting_folder_out(pelican_object.settings, "QUOTEACTION_PATH", DEFAULTS["QUOTEACTION_PATH"])


def add_default_templates(generator) -> None:
    """``generator_init``: the plugin's templates where the theme has none of that name."""
    templates.add_default_templates(generator.env, TEMPLATES)


def attach_to_articles(generator) -> None:
    """``article_generator_finalized``: read the data, report every problem, give every article
    its QuoteAction and prompt."""
    settings = plugin_settings(generator.settings)
    content_root = Path(generator.path)
    label_root = site_root(generator.settings)  # file names in messages: relative to the site
    parsed = read_quoteactions(content_root / settings.path, label_root)
    prompts_path = content_root / settings.prompts_file
    prompts, prompt_problems = read_connector_prompts(prompts_path, label_root)
    quoteactions = parsed.by_month

    articles = [
        *generator.articles,
        *generator.translations,
        *generator.drafts,
        *generator.drafts_translations,
    ]
    problems = [*parsed.problems, *prompt_problems]
    prompt_ids = {prompt.id for prompt in prompts}
    prompts_label = _label(prompts_path, label_root)
    for article in articles:
        problems += prompt_reference_problems(generator.context, article, prompt_ids, prompts_label)
    if settings.warn_missing:
        published = Counter(_month(article) for article in generator.articles)
        problems += missing_quoteaction_problems(
            content_root / settings.path, label_root, published, quoteactions
        )
    report(generator.context, problems)

    facts = [_article_facts(article, label_root) for article in articles]
    # Only templates show the prompts, and a bad Connector_prompt is a problem above: `invoke
    # check` (CONTENT_CHECK_ONLY) chooses none.
    choose = not problems and not generator.settings.get(CHECK_ONLY_SETTING)
    custom = {
        fact.key: _custom_prompt(fact.override)
        for fact in facts
        if choose and fact.override and " " in fact.override.strip()
    }
    chosen = choose_prompts(facts, prompts, custom, spread=settings.spread) if choose else {}
    for article, fact in zip(articles, facts, strict=True):
        article.connector_prompt = chosen.get(fact.key)
        switched_off = str(article.metadata.get("quoteaction", "")).strip().lower() in OFF_VALUES_QUOTEACTION
        article.quoteaction = None if switched_off else quoteactions.get(_month(article))
    generator.context["QUOTEACTIONS"] = quoteactions
    for quoteaction in quoteactions.values():  # copied to the site, as an article's would be
        source_file = site_path(quoteaction.source_path, generator.settings)
        generator.context["static_links"] |= static_links(
            quoteaction.action_html, source_file, generator.settings
        )
    generator.context["CONNECTOR_PROMPTS"] = prompts
    generator.context["QUOTEACTION_ARCHIVE_URL"] = settings.archive_url
    _insert_where_the_theme_does_not_show_them(generator, articles, settings.insert_in_content)


def resolve_action_links(static_generator) -> None:
    """``static_generator_finalized``: the links and images in every action resolved as in an
    article (``{filename}``, ``{static}``, relative paths), with absolute addresses: an action
    is shown on every article of its month, the archive page and the email. Links to no file
    are reported.

    Pelican's static generator reads last: only then are every page and static file known. And
    this comes before ``all_generators_finalized``, where the content checks read the articles'
    bodies, with the blocks inserted for a theme that does not show them."""
    context = static_generator.context
    settings = static_generator.settings
    quoteactions: dict[str, QuoteAction] = context.get("QUOTEACTIONS") or {}
    content_root = Path(settings["PATH"])
    problems = []
    for month, quoteaction in list(quoteactions.items()):
        source_file = site_path(quoteaction.source_path, settings)
        action_html, dead = absolute_links(quoteaction.action_html, source_file, settings, context)
        if dead:
            problems += link_problems(
                quoteaction.source_path, source_file, _text_of(context, source_file), dead, content_root
            )
        if action_html != quoteaction.action_html:
            quoteactions[month] = dataclasses.replace(
                quoteaction, action_html=action_html, action_text=html_to_text(action_html)
            )
    report(context, problems)
    mode = plugin_settings(settings).insert_in_content
    # Every article, draft and translation Pelican read is in generated_content.
    for article in context.get("generated_content", {}).values():
        current = getattr(article, "quoteaction", None)
        if current is None or quoteactions.get(current.month, current) is current:
            continue
        article.quoteaction = quoteactions[current.month]
        if getattr(article, "quoteaction_inserted", ""):  # a theme that does not show it
            env = static_generator.env
            plan = insertion_for(env, static_generator.get_template(article.template).name, mode)
            replace_insertion(article, inserted_html(env, context, article, plan))


def _text_of(context, path: Path) -> str:
    """The file's raw text, for the line of a link (it was read once already)."""
    try:
        return raw_text(context, path)
    except ContentError:
        return ""


def derived_from_body(content, settings) -> dict | None:
    """What an edit of ``content``'s body alone changes here (a quick rebuild): nothing, unless
    the QuoteAction was inserted into that body (QUOTEACTION_INSERT_IN_CONTENT), which the
    whole rebuild does again."""
    return None if getattr(content, "quoteaction_inserted", None) else {}


def _insert_where_the_theme_does_not_show_them(generator, articles, mode: str) -> None:
    """QUOTEACTION_INSERT_IN_CONTENT: see :mod:`pelican.plugins.quoteaction.insertion`."""
    plans = {}
    for article in articles:
        name = generator.get_template(article.template).name
        if name not in plans:
            plans[name] = insertion_for(generator.env, name, mode)
        if plans[name]:
            insert_into_content(
                article, inserted_html(generator.env, generator.context, article, plans[name])
            )
    for name, plan in sorted(plans.items()):
        if plan:
            logger.debug("%s %s does not show %s: added to the content", LOG_PREFIX, name, plan)


def prompt_reference_problems(
    context, article, prompt_ids: set[str], prompts_label: str
) -> list[ContentError]:
    """An article's ``Connector_prompt:`` that is neither an id, a sentence nor 'none'."""
    value = str(article.metadata.get("connector_prompt") or "").strip()
    if not value or " " in value or value.lower() in OFF_VALUES or value in prompt_ids:
        return []
    guess = difflib.get_close_matches(value, sorted(prompt_ids), n=1, cutoff=0.6)
    return [
        ContentError(
            _label(Path(article.source_path), site_root(context)),
            "Connector_prompt",
            f"{value!r} is not the id of a prompt in {prompts_label}",
            f"did you mean {guess[0]!r}?" if guess else "use a prompt's id, your own sentence, or 'none'",
            field_line(context, article.source_path, "connector_prompt"),
        )
    ]


def _month(article) -> str:
    return month_of(article.date)


def _article_facts(article, label_root: Path) -> ArticleFacts:
    label = resolved_label(article.source_path, label_root)
    return ArticleFacts(
        key=label,
        slug=article.slug,
        sort_key=(article.date.isoformat(), label),
        category=str(getattr(article, "category", "")),
        tags=tuple(str(tag) for tag in getattr(article, "tags", ()) or ()),
        override=article.metadata.get("connector_prompt"),
        source_path=label,
    )


def _custom_prompt(text: str) -> ConnectorPrompt:
    text_html = inline_html(text)
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
    """``feed_generated``: append the QuoteAction / prompt to article feed items, when asked to.

    What was inserted into an article's content for the theme is taken out of its feed item
    first: the feed settings alone say what a feed carries."""
    settings = plugin_settings(context)
    articles = context.get("articles", [])
    in_feeds = settings.quoteaction_in_feeds or settings.prompts_in_feeds
    if not in_feeds and not any(getattr(article, "quoteaction_inserted", "") for article in articles):
        return  # nothing to add or take out (article.url is slow to compute for every feed)
    base = (context.get("FEED_DOMAIN") or context.get("SITEURL") or "").rstrip("/") + "/"
    by_link = {urljoin(base, article.url): article for article in articles}
    archive_url = urljoin(base, settings.archive_url)
    for item in feed.items:
        article = by_link.get(item["link"].split("?ref=feed")[0])
        if article is None:
            continue
        inserted = getattr(article, "quoteaction_inserted", "")
        if inserted:
            for field in ("content", "description"):
                if item.get(field):
                    item[field] = without_insertion(item[field], inserted)
            if item.get("content") and item.get("description") == item["content"]:
                item["description"] = None  # as Pelican's writer leaves a summary equal to the content out
        if not in_feeds:
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
            f"<aside><h2>QuoteAction for {escape(quoteaction.month)}</h2>"
            f"<blockquote><p>{escape(quoteaction.quote)}</p></blockquote>"
            f"<p>— {escape(quoteaction.author)}{role}</p>{quoteaction.action_html}"
            f'<p><a href="{escape(archive_url)}#{quoteaction.anchor}">All QuoteActions</a></p></aside>'
        )
    if prompt is not None:
        parts.append(f"<aside><h2>Be a connector</h2><p>{prompt.text_html}</p></aside>")
    return "".join(parts)


def planned_outputs(settings, generators):
    """What the plugin writes into the output (:func:`pelican_contentkit.outputs.declare_outputs`):
    the QuoteAction archive page, when there are QuoteActions."""
    if not generators or not generators[0].context.get("QUOTEACTIONS"):
        return []
    save_as = plugin_settings(settings).archive_save_as
    return (
        [PlannedOutput(save_as, "the QuoteAction archive (QUOTEACTION_ARCHIVE_SAVE_AS)")] if save_as else []
    )
