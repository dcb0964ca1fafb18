"""FASTBUILD_* settings: defaults in one place, every bad value reported by name."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

DEFAULTS: dict[str, Any] = {
    # Processes that convert Markdown and render pages, the build process included:
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


def fastbuild_settings(settings: dict[str, Any]) -> FastBuildSettings:
    """Merge the user's FASTBUILD_* settings with the defaults; report a bad one by name."""
    from pelican_contentkit.errors import ContentError, ContentErrors

    problems = [
        ContentError(None, name, "unknown setting", f"use one of {', '.join(sorted(DEFAULTS))}")
        for name in sorted(key for key in settings if key.startswith("FASTBUILD_") and key not in DEFAULTS)
    ]
    values = {name: settings.get(name, default) for name, default in DEFAULTS.items()}
    workers = values["FASTBUILD_WORKERS"]
    if type(workers) is not int or workers < 0:
        problems.append(
            ContentError(None, "FASTBUILD_WORKERS", f"must be a whole number of processes, not {workers!r}",
                         "use 0 (one per core), 1 (no worker processes) or more")
        )
    if type(values["FASTBUILD_RENDER_CACHE"]) is not bool:
        problems.append(
            ContentError(None, "FASTBUILD_RENDER_CACHE", f"must be True or False, not {values['FASTBUILD_RENDER_CACHE']!r}",
                         "set it like the default, True")
        )
    if problems:
        raise problems[0] if len(problems) == 1 else ContentErrors(problems)
    return FastBuildSettings(workers=workers or (os.cpu_count() or 1), render_cache=values["FASTBUILD_RENDER_CACHE"])
