"""Thin signal handlers: collect plain data from Pelican, call the pure functions, set the results."""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

from pelican.contents import Article
from pelican.generators import ArticlesGenerator

from pelican_contentkit.outputs import PlannedOutput
from pelican_contentkit.problems import CHECK_ONLY_SETTING
from pelican_contentkit.templates import autoescape_folder
from pelican_contentkit.text import reading_minutes

from .meta import blog_posting, json_ld_script, meta_description, plain_text, striptags
from .navigation import ArticleFacts, neighbours, related_all
from .settings import plugin_settings
from .share import share_links
from .subscribe import subscribe_form

logger = logging.getLogger(__name__)
LOG_PREFIX = "[reader]"


def add_template_helpers(generator) -> None:
    """``generator_init``: the ``meta_description`` and ``striptags`` filters and the signup
    form, for every template; the theme's templates autoescaped when READER_AUTOESCAPE_THEME
    says they are written for it."""
    settings = plugin_settings(generator.settings)
    if settings.autoescape_theme:
        folders = [
            *generator.settings.get("THEME_TEMPLATES_OVERRIDES", []),
            Path(generator.theme) / "templates",
        ]
        for folder in folders:
            autoescape_folder(generator.env, Path(folder))
    generator.env.filters["meta_description"] = functools.partial(
        meta_description, max_length=settings.description_length
    )
    generator.env.filters["striptags"] = striptags  # Jinja's, kept per text
    generator.context["SUBSCRIBE_FORM"] = subscribe_form(settings.subscribe_form_action)


def derived_from_body(content, settings) -> dict[str, Any] | None:
    """What :func:`attach_to_articles` derives from an article's body, worked out again for a
    quick rebuild (:mod:`pelican_contentkit.rebuild`): its reading time. None while this build
    makes the search index (a quick rebuild would leave it as it was), and for an article
    without a ``Summary`` (its description, JSON-LD and share links come from its body)."""
    if plugin_settings(settings).search_index:
        return None
    if not isinstance(content, Article):
        return {}
    if "summary" not in content.metadata:
        return None  # the summary is made from the body: the description, JSON-LD and share links too
    return {"reading_minutes": reading_minutes(content._content)}


def attach_to_articles(generator) -> None:
    """``article_generator_finalized``: reading time, JSON-LD and share links on every article;
    previous/next and related articles among the published ones. Not for ``invoke check``
    (``CONTENT_CHECK_ONLY``): only templates read them, and nothing here can be wrong."""
    if generator.settings.get(CHECK_ONLY_SETTING):
        return
    settings = plugin_settings(generator.settings)
    site_url = _site_url(generator.settings)
    site_name = plain_text(generator.settings.get("SITENAME", ""))
    everything = [
        *generator.articles,
        *generator.translations,
        *generator.drafts,
        *generator.drafts_translations,
    ]
    for article in everything:
        url = f"{site_url}/{article.url}"
        # Networker's theme shows a title as the text it is (autoescaped); a theme that is not
        # autoescaped treats it as HTML, as Pelican's own do.
        title = (
            " ".join(str(article.title).split()) if settings.autoescape_theme else plain_text(article.title)
        )
        description = meta_description(article.summary, settings.description_length)
        # The raw HTML: the same words, no link rewriting.
        article.reading_minutes = reading_minutes(article._content)
        article.share_links = share_links(url, title, description, site_name)
        article.json_ld = json_ld_script(
            blog_posting(
                headline=title,
                url=url,
                published=article.date,
                modified=getattr(article, "modified", None),
                authors=[str(author) for author in getattr(article, "authors", ())],
                description=description,
                site_name=site_name,
                site_url=f"{site_url}/",
                people=_people(article, site_url),
            )
        )

    published = list(generator.articles)
    facts = {article.source_path: _facts(article) for article in published}
    by_key = {article.source_path: article for article in published}
    around = neighbours(list(facts.values()))
    related = related_all(list(facts.values()), settings.related_max)
    for article in everything:
        article.previous_article = article.next_article = None
        article.related_articles = []
    for key, article in by_key.items():
        article.previous_article = by_key.get(around[key].previous)
        article.next_article = by_key.get(around[key].next)
        article.related_articles = [by_key[other] for other in related[key]]
    logger.debug("%s linked %d published articles", LOG_PREFIX, len(published))


def _people(article, site_url: str) -> dict[str, dict[str, Any]]:
    """``url`` and ``sameAs`` of the authors that have a profile (``article.author_profiles``,
    set by pelican-author-profiles when it is loaded): their page here, their pages elsewhere."""
    people: dict[str, dict[str, Any]] = {}
    for profile in getattr(article, "author_profiles", None) or ():
        person: dict[str, Any] = {"url": f"{site_url}/{profile.url}"}
        if profile.same_as:
            person["sameAs"] = list(profile.same_as)
        people[profile.name] = person
    return people


def _facts(article) -> ArticleFacts:
    return ArticleFacts(
        key=article.source_path,
        sort_key=(article.date.isoformat(), article.source_path),
        tags=frozenset(tag.slug for tag in getattr(article, "tags", ()) or ()),
    )


def _site_url(settings: dict[str, Any]) -> str:
    return (settings.get("SITEURL") or "").rstrip("/")


def reset_sitemap(pelican_object) -> None:
    """``initialized``: forget pelican-sitemap's state from an earlier build in this process.

    It keeps the build it serves in a module-level object and resets it only when that build
    finishes; after a failed build (a content error while live-reloading, or in tests) it would
    otherwise wait for the dead build forever and never write sitemap.xml again."""
    sitemap = _sitemap_module()
    if sitemap is not None:
        sitemap.generator._main_pelican = None
        sitemap.generator.page_queue = []


def stamp_sitemap_index_pages(generators) -> None:
    """``all_generators_finalized``: pelican-sitemap dates index pages (home, categories, tags,
    archives) with the wall clock at import; give it the newest article's date instead, so the
    same content always builds the same sitemap."""
    sitemap = _sitemap_module()
    if sitemap is None:
        return
    articles = [
        article
        for generator in generators
        if isinstance(generator, ArticlesGenerator)
        for article in generator.articles
    ]
    newest = max((getattr(article, "modified", None) or article.date for article in articles), default=None)
    if newest is not None:
        sitemap.generator.now = newest


def _sitemap_module():
    try:
        from pelican.plugins.sitemap import sitemap
    except ImportError:  # pelican-sitemap is not installed
        return None
    return sitemap


def planned_outputs(settings: dict[str, Any], generators: Any) -> list[PlannedOutput]:
    """What is written beside Pelican's pages (:func:`pelican_contentkit.outputs.declare_outputs`):
    the search index's ``pagefind/`` folder, which the search step replaces whole, and
    pelican-sitemap's file, which the plugin stamps."""
    planned = []
    if plugin_settings(settings).search_index:
        planned.append(PlannedOutput("pagefind", "the search index (READER_SEARCH_INDEX)", folder=True))
    if "sitemap" in settings.get("PLUGINS", ()):
        sitemap = settings.get("SITEMAP")
        kind = sitemap.get("format", "xml") if isinstance(sitemap, dict) else "xml"
        planned.append(PlannedOutput(f"sitemap.{kind}", "the sitemap (pelican-sitemap)"))
    return planned
