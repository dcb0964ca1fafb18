"""The plugin's settings: defaults in one place, every bad value reported by name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pelican_contentkit.errors import ContentError, ContentErrors

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
}

TYPE_NAMES = {bool: "True or False", int: "a whole number", str: "a text string"}


@dataclass(frozen=True)
class ReaderSettings:
    subscribe_form_action: str
    related_max: int
    description_length: int
    search_index: bool


def plugin_settings(settings: dict[str, Any]) -> ReaderSettings:
    """Merge the user's READER_* settings with the defaults; raise ContentError(s) naming bad ones."""
    problems = [
        ContentError(None, name, "unknown setting", f"use one of {', '.join(sorted(DEFAULTS))}")
        for name in sorted(key for key in settings if key.startswith(PREFIX) and key not in DEFAULTS)
    ]
    values = {name: settings.get(name, default) for name, default in DEFAULTS.items()}
    for name, value in values.items():
        expected = type(DEFAULTS[name])
        if type(value) is not expected:
            problems.append(
                ContentError(
                    None, name,
                    f"must be {TYPE_NAMES[expected]}, not {type(value).__name__} {value!r}",
                    f"set it like the default, {DEFAULTS[name]!r}",
                )
            )
        elif expected is int and value < 1:
            problems.append(
                ContentError(None, name, f"must be 1 or more, not {value}", "use a positive number")
            )
    if problems:
        raise problems[0] if len(problems) == 1 else ContentErrors(problems)
    return ReaderSettings(
        subscribe_form_action=values["READER_SUBSCRIBE_FORM_ACTION"].strip(),
        related_max=values["READER_RELATED_MAX"],
        description_length=values["READER_DESCRIPTION_LENGTH"],
        search_index=values["READER_SEARCH_INDEX"],
    )
