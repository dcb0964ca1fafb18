"""The site search index: Pagefind (the `pagefind` PyPI package ships its binary) run over a
built site. It reads output/ and writes output/pagefind/; it never touches the network.

Only elements marked ``data-pagefind-body`` (the article template's <article>) are indexed.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

logger = logging.getLogger(__name__)
LOG_PREFIX = "[search]"


def build_search_index(site: str | Path) -> int:
    """Index the built site in ``site`` with Pagefind; return a process exit code."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--silent"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode:
        logger.error(
            "%s pagefind failed (exit %d): %s", LOG_PREFIX, result.returncode,
            (result.stderr or result.stdout).strip(),
        )
        return result.returncode or 1
    logger.info("%s indexed %s", LOG_PREFIX, Path(site) / "pagefind")
    return 0
