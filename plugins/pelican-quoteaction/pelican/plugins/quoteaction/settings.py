"""The plugin's settings: defaults in one place, every bad value reported by name."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pelican_contentkit.errors import ContentError
from pelican_contentkit.settings import SettingsSpec

PREFIXES = ("QUOTEACTION_", "CONNECTOR_PROMPTS_")

DEFAULTS: dict[str, Any] = {
    # Folder of YYYY-MM.md files, relative to the content folder (PATH).
    "QUOTEACTION_PATH": "quoteactions",
    "QUOTEACTION_ARCHIVE_URL": "quoteactions/",
    "QUOTEACTION_ARCHIVE_SAVE_AS": "quoteactions/index.html",
    # Append the month's QuoteAction to each article in the article feeds.
    "QUOTEACTION_IN_FEEDS": False,
    # Warn when a month has articles but no QuoteAction file.
    "QUOTEACTION_WARN_MISSING": True,
    # The prompts file, relative to the content folder.
    "CONNECTOR_PROMPTS_FILE": "connector-prompts.yaml",
    # Append each article's connector prompt to it in the article feeds.
    "CONNECTOR_PROMPTS_IN_FEEDS": False,
    # How many preceding articles (by date) a prompt is kept from repeating in.
    "CONNECTOR_PROMPTS_SPREAD": 3,
    # Add the QuoteAction and the prompt at the end of each article's content: "auto" when the
    # theme's article template does not include partials/quoteaction.html (and/or
    # partials/connector_prompt.html), "always", or "never".
    "QUOTEACTION_INSERT_IN_CONTENT": "auto",
}

# Settings that take one of a few values (checked after their type).
CHOICES: dict[str, tuple[str, ...]] = {
    "QUOTEACTION_INSERT_IN_CONTENT": ("auto", "always", "never"),
}


@dataclass(frozen=True)
class QuoteActionSettings:
    path: str
    archive_url: str
    archive_save_as: str
    quoteaction_in_feeds: bool
    warn_missing: bool
    prompts_file: str
    prompts_in_feeds: bool
    spread: int
    insert_in_content: str


def _spread_is_not_negative(values: Mapping[str, Any]) -> Iterator[ContentError]:
    if values.get("CONNECTOR_PROMPTS_SPREAD", 0) < 0:
        yield ContentError(None, "CONNECTOR_PROMPTS_SPREAD", "must not be negative", "use 0 or more")


def _choices_are_known(values: Mapping[str, Any]) -> Iterator[ContentError]:
    for name, allowed in CHOICES.items():
        if name in values and values[name] not in allowed:
            yield ContentError(
                None,
                name,
                f"must be one of {', '.join(map(repr, allowed))}, not {values[name]!r}",
                f"set it to one of those, e.g. the default {DEFAULTS[name]!r}",
            )


SPEC = SettingsSpec(PREFIXES, DEFAULTS, checks=(_spread_is_not_negative, _choices_are_known))


def plugin_settings(settings: Mapping[str, Any]) -> QuoteActionSettings:
    """Merge the user's QUOTEACTION_* / CONNECTOR_PROMPTS_* settings with the defaults."""
    return SPEC.load(settings, _make)


def _make(values: dict[str, Any]) -> QuoteActionSettings:
    return QuoteActionSettings(
        path=values["QUOTEACTION_PATH"],
        archive_url=values["QUOTEACTION_ARCHIVE_URL"],
        archive_save_as=values["QUOTEACTION_ARCHIVE_SAVE_AS"],
        quoteaction_in_feeds=values["QUOTEACTION_IN_FEEDS"],
        warn_missing=values["QUOTEACTION_WARN_MISSING"],
        prompts_file=values["CONNECTOR_PROMPTS_FILE"],
        prompts_in_feeds=values["CONNECTOR_PROMPTS_IN_FEEDS"],
        spread=values["CONNECTOR_PROMPTS_SPREAD"],
        insert_in_content=values["QUOTEACTION_INSERT_IN_CONTENT"],
    )
