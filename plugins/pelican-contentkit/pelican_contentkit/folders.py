"""Content folders that belong to a plugin and must not be read as articles or pages."""

from __future__ import annotations

from typing import Any


def keep_out_of_articles_and_pages(settings: dict[str, Any], folder: str) -> None:
    """Add ``folder`` (relative to PATH) to ARTICLE_EXCLUDES and PAGE_EXCLUDES, once.

    Without it a site whose ARTICLE_PATHS is the whole content folder (Pelican's default)
    reads a plugin's files as articles without a title, and Pelican logs an error for each.
    """
    folder = folder.strip("/")
    if not folder:
        return
    for name in ("ARTICLE_EXCLUDES", "PAGE_EXCLUDES"):
        excludes = list(settings.get(name) or [])
        if folder not in excludes:
            settings[name] = [*excludes, folder]


def keep_setting_folder_out(settings: dict[str, Any], name: str, default: str) -> None:
    """:func:`keep_out_of_articles_and_pages` for the folder a plugin's setting ``name`` names
    (``default`` when unset); a value of the wrong type is left to the settings check."""
    folder = settings.get(name, default)
    if isinstance(folder, str):
        keep_out_of_articles_and_pages(settings, folder)
