"""FASTBUILD_* settings: defaults in one place, every bad value reported by name."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pelican_contentkit.errors import ContentError
from pelican_contentkit.settings import SettingsSpec

DEFAULTS: dict[str, Any] = {
    # Processes that render pages, the build process included:
    # 0 = one per core, 1 = everything in the build process.
    "FASTBUILD_WORKERS": 0,
    # Skip rendering pages whose inputs did not change (needs CACHE_CONTENT to record,
    # LOAD_CONTENT_CACHE to reuse, like Pelican's content cache).
    "FASTBUILD_RENDER_CACHE": True,
}


@dataclass(frozen=True)
class FastBuildSettings:
    workers: int
    render_cache: bool


def _workers_are_not_negative(values: Mapping[str, Any]) -> Iterator[ContentError]:
    if values.get("FASTBUILD_WORKERS", 0) < 0:
        yield ContentError(
            None,
            "FASTBUILD_WORKERS",
            f"must be a whole number of processes, not {values['FASTBUILD_WORKERS']!r}",
            "use 0 (one per core), 1 (everything in the build process) or more",
        )


SPEC = SettingsSpec(("FASTBUILD_",), DEFAULTS, checks=(_workers_are_not_negative,))


def fastbuild_settings(settings: Mapping[str, Any]) -> FastBuildSettings:
    """Merge the user's FASTBUILD_* settings with the defaults; report a bad one by name."""
    return SPEC.load(settings, _make)


def _make(values: dict[str, Any]) -> FastBuildSettings:
    return FastBuildSettings(
        workers=values["FASTBUILD_WORKERS"] or (os.cpu_count() or 1),
        render_cache=values["FASTBUILD_RENDER_CACHE"],
    )
