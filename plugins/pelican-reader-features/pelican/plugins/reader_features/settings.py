"""The plugin's settings: defaults in one place, every bad value reported by name."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pelican_contentkit.errors import ContentError
from pelican_contentkit.settings import SettingsSpec

PREFIX = "READER_"

DEFAULTS: dict[str, Any] = {
    # Mailchimp's embedded-form action URL ("Signup forms > Embedded forms" in Mailchimp).
    # Empty: no signup form anywhere; the Subscribe page points to the feeds instead.
    "READER_SUBSCRIBE_FORM_ACTION": "",
    # How many related articles (by shared tags) an article page lists.
    "READER_RELATED_MAX": 3,
    # Longest meta description (characters); longer summaries are cut at a word.
    "READER_DESCRIPTION_LENGTH": 160,
    # Index the built site with Pagefind at the end of every build (output/pagefind/, for the
    # search page). False: no index (`invoke livereload` makes it in the background instead).
    "READER_SEARCH_INDEX": True,
    # The theme's templates (and THEME_TEMPLATES_OVERRIDES) are written for Jinja's
    # autoescaping: every value is text, escaped for where it goes, unless marked |safe.
    # Networker's theme is; another theme (notmyidea, simple) is not: leave it False there.
    "READER_AUTOESCAPE_THEME": False,
}


@dataclass(frozen=True)
class ReaderSettings:
    subscribe_form_action: str
    related_max: int
    description_length: int
    search_index: bool
    autoescape_theme: bool


def _counts_are_positive(values: Mapping[str, Any]) -> Iterator[ContentError]:
    for name in ("READER_RELATED_MAX", "READER_DESCRIPTION_LENGTH"):
        if name in values and values[name] < 1:
            yield ContentError(None, name, f"must be 1 or more, not {values[name]}", "use a positive number")


SPEC = SettingsSpec((PREFIX,), DEFAULTS, checks=(_counts_are_positive,))


def plugin_settings(settings: Mapping[str, Any]) -> ReaderSettings:
    """Merge the user's READER_* settings with the defaults; raise ContentError(s) naming bad ones."""
    return SPEC.load(settings, _make)


def _make(values: dict[str, Any]) -> ReaderSettings:
    return ReaderSettings(
        subscribe_form_action=values["READER_SUBSCRIBE_FORM_ACTION"].strip(),
        related_max=values["READER_RELATED_MAX"],
        description_length=values["READER_DESCRIPTION_LENGTH"],
        search_index=values["READER_SEARCH_INDEX"],
        autoescape_theme=values["READER_AUTOESCAPE_THEME"],
    )
