"""The build stamp: what a build was (settings, site URL, when it started), written into its output.

:func:`~pelican_contentkit.build.build_site` writes ``.networker-build.json`` last, into the
output folder it built, so the stamp travels with that folder when it is swapped into place.
``invoke deploy`` reads it to tell a production build of the current content from anything
else (:mod:`pelican_contentkit.deploy`); the stamp itself is never deployed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

STAMP_NAME = ".networker-build.json"
STAMP_FORMAT = 1


@dataclass(frozen=True)
class BuildStamp:
    settings_file: str
    siteurl: str
    relative_urls: bool
    content_path: str
    theme_path: str
    # When the build started, as time.time_ns(): a source file changed later is newer than the build.
    started_ns: int
    format: int = STAMP_FORMAT


def stamp_for(settings: Mapping[str, Any], settings_file: str | Path, started_ns: int) -> BuildStamp:
    return BuildStamp(
        settings_file=str(Path(settings_file).resolve()),
        siteurl=str(settings.get("SITEURL") or ""),
        relative_urls=bool(settings.get("RELATIVE_URLS")),
        content_path=str(Path(settings["PATH"]).resolve()),
        theme_path=str(Path(settings["THEME"]).resolve()),
        started_ns=started_ns,
    )


def write_stamp(output: Path, stamp: BuildStamp) -> Path:
    path = output / STAMP_NAME
    path.write_text(json.dumps(asdict(stamp), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def read_stamp(output: Path) -> BuildStamp | None:
    """The stamp in ``output``, or None when there is none or it cannot be read."""
    try:
        data = json.loads((output / STAMP_NAME).read_text(encoding="utf-8"))
        if data.get("format") != STAMP_FORMAT:
            return None
        return BuildStamp(**data)
    except (OSError, ValueError, TypeError, AttributeError):
        return None
