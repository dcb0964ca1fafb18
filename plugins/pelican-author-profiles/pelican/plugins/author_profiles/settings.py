"""The plugin's settings: defaults in one place, every bad value reported by name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pelican_contentkit.settings import SettingsSpec

PREFIXES = ("AUTHOR_PROFILES_",)

DEFAULTS: dict[str, Any] = {
    # Folder of <slug>.md profile files, relative to the content folder (PATH).
    "AUTHOR_PROFILES_PATH": "authors",
    # Warn about a profile whose Name no article uses.
    "AUTHOR_PROFILES_WARN_UNUSED": True,
    # Put the author's short profile in each item of the author feeds (AUTHOR_FEED_ATOM/RSS).
    "AUTHOR_PROFILES_IN_FEEDS": True,
}


@dataclass(frozen=True)
class AuthorProfilesSettings:
    path: str
    warn_unused: bool
    in_feeds: bool


SPEC = SettingsSpec(PREFIXES, DEFAULTS)


def plugin_settings(settings: Mapping[str, Any]) -> AuthorProfilesSettings:
    """Merge the user's AUTHOR_PROFILES_* settings with the defaults."""
    return SPEC.load(
        settings,
        lambda values: AuthorProfilesSettings(
            path=values["AUTHOR_PROFILES_PATH"],
            warn_unused=values["AUTHOR_PROFILES_WARN_UNUSED"],
            in_feeds=values["AUTHOR_PROFILES_IN_FEEDS"],
        ),
    )
