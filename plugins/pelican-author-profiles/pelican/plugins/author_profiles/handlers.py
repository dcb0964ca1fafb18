"""Thin signal handlers: collect plain data from Pelican, call the pure functions, set the results."""

from __future__ import annotations

import difflib
import logging
from pathlib import Path
from typing import Any

from markupsafe import escape
from pelican.urlwrappers import Author

from pelican_contentkit import templates
from pelican_contentkit.folders import keep_setting_folder_out
from pelican_contentkit.paths import site_root
from pelican_contentkit.problems import report

from .model import AuthorProfile
from .parsing import read_profiles, unused_profiles
from .settings import DEFAULTS, plugin_settings

logger = logging.getLogger(__name__)
LOG_PREFIX = "[authors]"
TEMPLATES = Path(__file__).parent / "templates"


def keep_folder_out_of_articles(pelican_object) -> None:
    """``initialized``: the profile files are never articles or pages."""
    keep_setting_folder_out(pelican_object.settings, "AUTHOR_PROFILES_PATH", DEFAULTS["AUTHOR_PROFILES_PATH"])


def add_default_templates(generator) -> None:
    """``generator_init``: the plugin's partials where the theme has none of that name."""
    templates.add_default_templates(generator.env, TEMPLATES)


def attach_to_articles(generator) -> None:
    """``article_generator_pretaxonomy``: read the profiles, report every problem, give every
    article its authors' profiles.

    Done while the articles are read rather than once they are finalized, so the plugins that
    read articles at ``article_generator_finalized`` (the JSON-LD of reader_features, the
    newsletter) find the profiles whatever the order of ``PLUGINS``."""
    settings = plugin_settings(generator.settings)
    content_root = Path(generator.path)

    def author_page(name: str) -> tuple[str, str]:
        author = Author(name, generator.settings)
        return author.slug, author.url

    parsed = read_profiles(
        content_root / settings.path,
        site_root(generator.settings),
        content_root,
        list(generator.settings.get("STATIC_PATHS") or []),
        author_page,
    )
    report(generator.context, parsed.problems)
    profiles = parsed.by_name
    articles = [
        *generator.articles,
        *generator.translations,
        *generator.drafts,
        *generator.drafts_translations,
    ]
    if settings.warn_unused:
        names = {str(author) for article in articles for author in getattr(article, "authors", ())}
        for profile in unused_profiles(profiles, names):
            guess = difflib.get_close_matches(profile.name, sorted(names), n=1, cutoff=0.6)
            logger.warning(
                "%s %s [Name]: no article has Author: %s. Fix: %s",
                LOG_PREFIX,
                profile.source_path,
                profile.name,
                f"did you mean {guess[0]}?"
                if guess
                else "write the name as the articles do, or delete the file",
            )
    for article in articles:
        found = [
            profiles[str(author)] for author in getattr(article, "authors", ()) if str(author) in profiles
        ]
        article.author_profiles = found
        article.author_profile = found[0] if found else None
    generator.context["AUTHOR_PROFILES"] = profiles


def add_to_author_feeds(context: dict[str, Any], feed) -> None:
    """``feed_generated``: an author feed says who the author is (its description and author
    link) and, with AUTHOR_PROFILES_IN_FEEDS, ends each item with the short profile."""
    profiles: dict[str, AuthorProfile] = context.get("AUTHOR_PROFILES") or {}
    if not profiles:
        return
    feed_url = str(feed.feed.get("feed_url") or "")
    patterns = [context.get(name) for name in ("AUTHOR_FEED_ATOM", "AUTHOR_FEED_RSS")]
    profile = next(
        (
            p
            for p in profiles.values()
            for pattern in patterns
            if pattern and feed_url.endswith("/" + str(pattern).format(slug=p.slug))
        ),
        None,
    )
    if profile is None:
        return
    site_url = str(context.get("SITEURL") or "").rstrip("/")
    feed.feed["description"] = profile.summary_text
    if feed.feed.get("subtitle"):  # Atom's description
        feed.feed["subtitle"] = profile.summary_text
    feed.feed["author_name"] = profile.name
    feed.feed["author_link"] = profile.website or f"{site_url}/{profile.url}"
    if not plugin_settings(context).in_feeds:
        return
    about = feed_profile_html(profile, site_url)
    for item in feed.items:
        field = "content" if item.get("content") else "description"
        item[field] = (item.get(field) or "") + about


def feed_profile_html(profile: AuthorProfile, site_url: str) -> str:
    """The short profile appended to an author feed's items."""
    role = f", {escape(profile.role)}" if profile.role else ""
    return (
        f"<aside><h2>About the author</h2><p><strong>{escape(profile.name)}</strong>{role}</p>"
        f'{profile.summary_html}<p><a href="{escape(site_url)}/{escape(profile.url)}">'
        f"More about {escape(profile.name)}</a></p></aside>"
    )
