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
    # After an edit of bodies alone, a live-reload rebuild writes only what read them
    # (pelican.plugins.fastbuild.quick); needs the render cache.
    "FASTBUILD_QUICK_REBUILD": True,
    # Plugins that declare nothing (pelican_contentkit.rebuild.declare_body_edits) but derive
    # nothing from a body and write nothing that shows one: pelican-sitemap dates its
    # entries by the articles' fields.
    "FASTBUILD_QUICK_REBUILD_ALSO_FOR": ("sitemap",),
}


@dataclass(frozen=True)
class FastBuildSettings:
    workers: int
    render_cache: bool
    quick_rebuild: bool
    quick_rebuild_also_for: tuple[str, ...]


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
        quick_rebuild=values["FASTBUILD_QUICK_REBUILD"],
        quick_rebuild_also_for=tuple(values["FASTBUILD_QUICK_REBUILD_ALSO_FOR"]),
    )
