"""The site search index: Pagefind (the `pagefind` PyPI package ships its binary) run over the
built site at the end of every build (``finalized``, as pelican-plugins/search runs its
indexer), so `pelican`, `make build` and any deploy workflow that runs Pelican all get the
same ``pagefind/`` folder. ``READER_SEARCH_INDEX = False`` turns it off. It reads the output
folder and writes ``pagefind/`` in it; it never touches the network.

Only elements marked ``data-pagefind-body`` (the article template's <article>) are indexed.
The index is written beside the site and swapped in whole, so a rebuild into an existing
output folder leaves no fragments of deleted or changed articles, and a failed run leaves the
previous index in place. Pagefind runs in an empty scratch folder: a ``pagefind.yml`` in
whatever folder the build was started from is not read, so the index is the same from
anywhere.

A failed run fails the build with a :class:`SearchIndexError` naming Pagefind's message.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pelican_contentkit.errors import ContentError
from pelican_contentkit.paths import site_label

from .settings import plugin_settings

logger = logging.getLogger(__name__)
LOG_PREFIX = "[search]"


class SearchIndexError(ContentError):
    """Pagefind could not index the built site: the build fails with its message."""


def index_built_site(pelican_object) -> None:
    """``finalized``: index the output folder that this build wrote, when READER_SEARCH_INDEX is on."""
    # Pelican lists the loaded plugins by module name; the handler outlives the build that
    # connected it, so another build in this process may not use the plugin at all.
    if __package__ not in pelican_object.settings.get("PLUGINS", ()):
        return
    if plugin_settings(pelican_object.settings).search_index:
        output = Path(pelican_object.output_path)
        index_site(output, site_label(output, pelican_object.settings))


def index_site(site: str | Path, label: str | None = None) -> None:
    """Index the built site in ``site`` into ``site/pagefind/``; raise SearchIndexError on failure.
    ``label`` names the folder in the message (default: its path)."""
    site = Path(site)
    with tempfile.TemporaryDirectory(prefix=".pagefind-", dir=site.parent) as scratch:
        fresh = Path(scratch) / "pagefind"
        command = [
            sys.executable,
            "-m",
            "pagefind",
            "--site",
            str(site),
            "--output-path",
            str(fresh),
            "--silent",
        ]
        result = subprocess.run(command, cwd=scratch, capture_output=True, text=True, check=False)
        if not result.returncode:
            shutil.rmtree(site / "pagefind", ignore_errors=True)
            fresh.replace(site / "pagefind")
    if result.returncode:
        said = " ".join((result.stderr or result.stdout).split()) or "no message"
        raise SearchIndexError(
            label or site,
            "READER_SEARCH_INDEX",
            f"Pagefind could not index the built site (exit {result.returncode}: {said})",
            "fix what Pagefind names (the site needs at least one HTML page), "
            "or set READER_SEARCH_INDEX = False to build without a search index",
        )
    logger.info("%s indexed %s", LOG_PREFIX, site / "pagefind")


def build_search_index(site: str | Path) -> int:
    """:func:`index_site` as a command step (the live-reload server's background indexing):
    log the failure, return a process exit code."""
    try:
        index_site(site)
    except SearchIndexError as error:
        logger.error("%s %s", LOG_PREFIX, error)
        return error.exitcode
    return 0
