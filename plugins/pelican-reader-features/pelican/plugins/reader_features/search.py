"""The site search index: Pagefind (the `pagefind` PyPI package ships its binary) run over a
built site. It reads output/ and writes output/pagefind/; it never touches the network.

Only elements marked ``data-pagefind-body`` (the article template's <article>) are indexed.
The index is written beside the site and swapped in whole, so a rebuild into an existing
output/ leaves no fragments of deleted or changed articles, and a failed run leaves the
previous index in place.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
import sys
from pathlib import Path

logger = logging.getLogger(__name__)
LOG_PREFIX = "[search]"


def build_search_index(site: str | Path) -> int:
    """Index the built site in ``site`` with Pagefind; return a process exit code."""
    site = Path(site)
    with tempfile.TemporaryDirectory(prefix=".pagefind-", dir=site.parent) as scratch:
        fresh = Path(scratch) / "pagefind"
        command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(fresh), "--silent"]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if not result.returncode:
            shutil.rmtree(site / "pagefind", ignore_errors=True)
            fresh.replace(site / "pagefind")
    if result.returncode:
        logger.error(
            "%s pagefind failed (exit %d): %s", LOG_PREFIX, result.returncode,
            (result.stderr or result.stdout).strip(),
        )
        return result.returncode or 1
    logger.info("%s indexed %s", LOG_PREFIX, Path(site) / "pagefind")
    return 0
