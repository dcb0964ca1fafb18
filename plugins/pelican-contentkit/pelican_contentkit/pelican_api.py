"""The two Pelican entry points the kit's commands call, with types.

Pelican ships no type information, so its functions are untyped for mypy; the shared layer is
checked strictly, and calls them only through these. Pelican is imported when they run, not
when the kit is, as the commands did before.
"""

from __future__ import annotations

from typing import Any


def init_logging(level: int, fatal: str = "") -> None:
    """``pelican.log.init``: Pelican's log handler and format; ``fatal`` as its ``--fatal``."""
    from pelican.log import init

    init(level=level, fatal=fatal)  # type: ignore[no-untyped-call]


def run_pelican(settings: dict[str, Any]) -> None:
    """``Pelican(settings).run()``: one whole build, or with the check's settings its reading."""
    from pelican import Pelican

    Pelican(settings).run()  # type: ignore[no-untyped-call]
