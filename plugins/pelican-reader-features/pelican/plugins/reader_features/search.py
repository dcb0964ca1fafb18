"""The site search index: Pagefind (the `pagefind` PyPI package ships its binary) run over the
articles' and pages' own files of every build, so `pelican`, `make build` and any deploy
workflow that runs Pelican all get the same ``pagefind/`` folder. ``READER_SEARCH_INDEX =
False`` turns it off. It reads the output folder and writes ``pagefind/`` in it; it never
touches the network.

Only elements marked ``data-pagefind-body`` (the article template's <article>) are indexed,
and only articles and pages carry it, so Pagefind is given exactly their files (the
``save_as`` of every article, page, draft and translation, whatever ARTICLE_SAVE_AS and
PAGE_SAVE_AS say), by a glob that lists their paths (Pagefind's ``glob``, in a
``pagefind.json`` in its scratch working folder), so the results' addresses are those of
the site. The list, tag, category, author and archive pages are not read at all (at 1,000
articles: 1,000 files of 2,276, 1.2 s of Pagefind's CPU saved). Where a path has a
character a glob reads as a pattern, or there are more than ``GLOB_MOST_PAGES`` of them
(Pagefind refuses a glob of 5,000 paths), Pagefind reads hard links to the files at the same
paths in a scratch folder instead (at 1,000 articles making them and removing them after
cost the build 0.3 s of CPU that the glob does not: it costs Pagefind 0.1 s). A site that
writes no article or page is indexed whole, as Pagefind would.

Pagefind's binary runs itself, not through ``python -m pagefind`` (a Python start-up that
only finds the binary). What Pagefind costs is the indexed text itself (measured at 1,000
articles, 4.5-5 s of CPU): giving it files that hold only the ``data-pagefind-body``
element makes the same index but saves it 0.3 s at most, less than cutting them out in
Python costs (0.5 s); one worker thread (``TOKIO_WORKER_THREADS=1``) costs it the same CPU
as its default of one per core.

Pagefind starts as soon as those files are written (:mod:`pelican_contentkit.stages`:
Pelican's ``page_writer_finalized``, or, when fastbuild renders pages at the end, once it
has rendered the articles and pages, which it does first), in the background, while the
rest of the site is rendered; ``finalized`` waits for it. A build that stops on the way
kills it (``build_site`` and the interpreter's exit end every background process).

The index is written beside the site and swapped in whole, so a rebuild into an existing
output folder leaves no fragments of deleted or changed articles, and a failed run leaves the
previous index in place. Pagefind runs in a scratch folder of its own: a ``pagefind.yml``
in whatever folder the build was started from is not read, so the index is the same from
anywhere.

Pagefind names every file of an index but its entry and scripts by a digest of what the file
holds (fragments, word indexes, filters, the language's meta file), and does not compress
and write again such a file that is already there. The scratch index therefore starts with
hard links to those files of the index in the site (:func:`_seed`: the previous build's, or
in a clean ``make build`` the one of the output it writes over); once Pagefind has run,
the files its new meta files do not name are removed (:func:`_prune`), so the index is the
one Pagefind writes into an empty folder. At 1,000 articles this saves Pagefind about
0.5 s of its 1.5 s and the build the creation of a thousand files. Only an index of a
Pagefind version this was tested with (:data:`TESTED_PAGEFIND_VERSIONS`) is reused; where
the new index cannot be read, Pagefind runs again into an empty folder.

A failed run fails the build with a :class:`SearchIndexError` naming Pagefind's message.
"""

from __future__ import annotations

import contextlib
import gzip
import importlib
import importlib.metadata
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import cbor2

from pelican_contentkit import stages
from pelican_contentkit.build import leave_in_place
from pelican_contentkit.errors import ContentError
from pelican_contentkit.paths import site_label

from .settings import plugin_settings

logger = logging.getLogger(__name__)
LOG_PREFIX = "[search]"


# A path that a glob matches as it is written: letters, digits and _ . / - only, none of the
# characters Pagefind's globs read as patterns (* ? [ ] { } < > ( ) , : ! $ \ and others).
# The build's checks let a file's address have ~ besides: such a site gets the hard links.
_PLAIN_PATH = re.compile(r"[\w./-]+")
# The most paths one glob names. Pagefind 1.x refuses a glob of 5,000 article paths ("did not
# parse as a valid glob"; 4,000 of them parse): a site with more pages gets the hard links.
GLOB_MOST_PAGES = 2000
# The packages that ship Pagefind's binary, in the order ``python -m pagefind`` looks for them.
_BINARY_PACKAGES = ("pagefind_bin_extended", "pagefind_bin")
# The Pagefind releases whose index files _prune reads (the meta file's layout is Pagefind's own).
TESTED_PAGEFIND_VERSIONS = ("1.5.2",)
# The folders of an index whose files are named by their digest; the meta files beside them.
_HASHED_FOLDERS = {"fragment": ".pf_fragment", "index": ".pf_index", "filter": ".pf_filter"}
_META_PREFIX, _META_SUFFIX = "pagefind.", ".pf_meta"
_ENTRY = "pagefind-entry.json"
_SIGNATURE = b"pagefind_dcd"  # what every compressed file of an index starts with


class SearchIndexError(ContentError):
    """Pagefind could not index the built site: the build fails with its message."""


class Indexing:
    """One Pagefind run over ``site`` (only ``pages``, paths relative to it, when given),
    started at once in the background."""

    def __init__(
        self,
        site: Path,
        label: str | None = None,
        pages: list[str] | None = None,
        settings: dict[str, Any] | None = None,
    ):
        self.site = site
        self.label = label
        self.settings = settings
        self.scratch = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=site.parent))
        self.fresh = self.scratch / "pagefind"
        try:
            self.source = self._select(pages) if pages else site
            self.log = (self.scratch / "pagefind.log").open("w+", encoding="utf-8")
            self.seeded = _seed(site / "pagefind", self.fresh)
            self.process = self._start()
        except BaseException:
            self.cleanup()
            raise
        stages.track(self.process, self.cleanup)

    def _start(self) -> subprocess.Popen:
        command = [
            *_pagefind(),
            "--site",
            str(self.source),
            "--output-path",
            str(self.fresh),
            "--silent",
        ]
        # Its messages go to a file: a pipe nobody reads while the build goes on would
        # stop Pagefind once full.
        try:
            return subprocess.Popen(
                command,
                cwd=self.scratch,
                stdin=subprocess.DEVNULL,
                stdout=self.log,
                stderr=subprocess.STDOUT,
            )
        except OSError as error:
            raise SearchIndexError(
                self.label or self.site,
                "READER_SEARCH_INDEX",
                f"Pagefind could not start ({command[0]}: {error.strerror or error})",
                "install the requirements again (`make .venv/.installed`: the pagefind package ships "
                "its binary), fix PAGEFIND_BINARY_PATH if it is set, "
                "or set READER_SEARCH_INDEX = False to build without a search index",
            ) from None

    def _select(self, pages: list[str]) -> Path:
        """The folder Pagefind reads, ready for it to read only ``pages`` there: the site
        itself, with a glob that names them in ``pagefind.json`` in the scratch folder (its
        working folder: the paths of thousands of pages are too long for one command-line
        argument); where a path has a character a glob reads as a pattern, or there are more
        than GLOB_MOST_PAGES, a folder of hard links to them. The whole site when none of them
        is an HTML file in it."""
        # Pagefind reads only .html files (its default glob).
        found = [page for page in pages if page.endswith(".html") and (self.site / page).is_file()]
        if found and len(found) <= GLOB_MOST_PAGES and all(_PLAIN_PATH.fullmatch(page) for page in found):
            glob = "{" + ",".join(found) + "}"
            (self.scratch / "pagefind.json").write_text(json.dumps({"glob": glob}), encoding="utf-8")
        elif found:
            return self._link(found)
        return self.site

    def _link(self, pages: list[str]) -> Path:
        """A folder of hard links to ``pages`` (a copy where a link cannot be made)."""
        linked = self.scratch / "site"
        for page in pages:
            link = linked / page
            link.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(self.site / page, link)
            except OSError:
                shutil.copy2(self.site / page, link)
        return linked

    def finish(self) -> None:
        """Wait for Pagefind; swap its index into ``site/pagefind``, or raise SearchIndexError."""
        try:
            code = self.process.wait()
            stages.untrack(self.process)
            if not code and self.seeded and not _prune(self.fresh):
                logger.info("%s the new index could not be read: indexing again from nothing", LOG_PREFIX)
                shutil.rmtree(self.fresh)
                self.log.seek(0)
                self.log.truncate()
                self.process = self._start()
                stages.track(self.process)  # ended with the build if it stops while waiting
                code = self.process.wait()
                stages.untrack(self.process)
            if not code:
                shutil.rmtree(self.site / "pagefind", ignore_errors=True)
                self.fresh.replace(self.site / "pagefind")
                if self.settings is not None:
                    # Files it kept from the index it replaces: a clean build's sweep keeps them.
                    leave_in_place(self.settings, self.site / "pagefind")
            else:
                self.log.seek(0)
                said = _message(self.log.read())
        finally:
            self.cleanup()
        if code:
            raise SearchIndexError(
                self.label or self.site,
                "READER_SEARCH_INDEX",
                f"Pagefind could not index the built site (exit {code}: {said})",
                "fix what Pagefind names (the site needs at least one HTML page), "
                "or set READER_SEARCH_INDEX = False to build without a search index",
            )
        logger.info("%s indexed %s", LOG_PREFIX, self.site / "pagefind")

    def cancel(self) -> None:
        """Kill Pagefind (if it still runs) and remove what it wrote."""
        stages.untrack(self.process)
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.cleanup()

    def cleanup(self) -> None:
        log = getattr(self, "log", None)
        if log is not None and not log.closed:
            log.close()
        shutil.rmtree(self.scratch, ignore_errors=True)


def _pagefind() -> tuple[str, ...]:
    """The command that runs Pagefind: its binary itself, found as ``python -m pagefind``
    finds it (PAGEFIND_BINARY_PATH, else the extended binary's package, else the plain
    one's), without the Python start-up of ``python -m pagefind``, which only looks the
    binary up and executes it (0.18 s of CPU and 0.6 s on a busy machine before Pagefind
    starts, at every build); ``python -m pagefind`` itself where neither package is there."""
    if path := os.environ.get("PAGEFIND_BINARY_PATH"):
        return (path,)
    for package in _BINARY_PACKAGES:
        try:
            finder = importlib.import_module(package).get_executable
            return (str(Path(finder()).absolute()),)
        except (ImportError, FileNotFoundError):
            continue
    return (sys.executable, "-m", "pagefind")


def _pagefind_version() -> str | None:
    """The version of the Pagefind that runs (None when PAGEFIND_BINARY_PATH names another)."""
    if os.environ.get("PAGEFIND_BINARY_PATH"):
        return None
    for package in _BINARY_PACKAGES:
        try:
            return importlib.metadata.version(package.replace("_", "-"))
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def _seed(previous: Path, fresh: Path) -> bool:
    """Hard links in ``fresh`` to the files of the index ``previous`` that are named by their
    digest, when that index and the Pagefind that runs are of a tested version (else, or
    where links cannot be made, ``fresh`` is left empty); whether that index was reused."""
    try:
        entry = json.loads((previous / _ENTRY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    version = _pagefind_version()
    if (
        version not in TESTED_PAGEFIND_VERSIONS
        or not isinstance(entry, dict)
        or entry.get("version") != version
    ):
        return False
    names = [name for name in _names(previous) if _is_meta(name)]
    names += [f"{folder}/{name}" for folder in _HASHED_FOLDERS for name in _names(previous / folder)]
    try:
        for name in names:
            (fresh / name).parent.mkdir(parents=True, exist_ok=True)
            os.link(previous / name, fresh / name)
    except OSError:
        shutil.rmtree(fresh, ignore_errors=True)
        return False
    return True


def _is_meta(name: str) -> bool:
    return name.startswith(_META_PREFIX) and name.endswith(_META_SUFFIX)


def _names(folder: Path) -> list[str]:
    """The names of the files in ``folder`` (none when it is missing)."""
    try:
        with os.scandir(folder) as entries:
            return [entry.name for entry in entries if entry.is_file(follow_symlinks=False)]
    except OSError:
        return []


def _prune(index: Path) -> bool:
    """Remove from the index Pagefind just wrote into ``index`` the digest-named files its meta
    files do not name (those of the index it was seeded with); False when the index cannot be
    read as a tested version of Pagefind writes it (nothing is removed then)."""
    try:
        entry = json.loads((index / _ENTRY).read_text(encoding="utf-8"))
        if entry["version"] not in TESTED_PAGEFIND_VERSIONS:
            return False
        wanted: dict[str, set[str]] = {folder: set() for folder in _HASHED_FOLDERS}
        metas: set[str] = set()
        for language in entry["languages"].values():
            meta_name = f"{_META_PREFIX}{language['hash']}{_META_SUFFIX}"
            metas.add(meta_name)
            data = gzip.decompress((index / meta_name).read_bytes())
            if not data.startswith(_SIGNATURE):
                return False
            # Pagefind's meta index: [version, pages [[hash, words]], word index chunks
            # [[from, to, hash]], filters [[name, hash]], sorts, ...]
            meta = cbor2.loads(data[len(_SIGNATURE) :])
            wanted["fragment"].update(page[0] for page in meta[1])
            wanted["index"].update(chunk[2] for chunk in meta[2])
            wanted["filter"].update(item[1] for item in meta[3])
    except (OSError, ValueError, LookupError, TypeError, AttributeError, EOFError, cbor2.CBORError):
        return False
    if not all(isinstance(name, str) for names in wanted.values() for name in names):
        return False
    for name in _names(index):
        if _is_meta(name) and name not in metas:
            os.unlink(index / name)
    for folder, suffix in _HASHED_FOLDERS.items():
        for name in _names(index / folder):
            if name.removesuffix(suffix) not in wanted[folder] or not name.endswith(suffix):
                os.unlink(index / folder / name)
        with contextlib.suppress(OSError):  # Pagefind makes a folder only to write in it
            (index / folder).rmdir()
    return True


def _message(output: str, most: int = 600) -> str:
    """Pagefind's message on one line: its distinct lines in order, at most ``most``
    characters (a panic repeats itself for every file)."""
    lines = list(dict.fromkeys(" ".join(line.split()) for line in output.splitlines()))
    said = " ".join(line for line in lines if line) or "no message"
    return said if len(said) <= most else said[: most - 1] + "…"


# The build's indexing, started early: (its settings object, the run).
_started: tuple[dict[str, Any], Indexing] | None = None


def _wanted(settings: dict[str, Any]) -> bool:
    # Pelican lists the loaded plugins by module name; the handler outlives the build that
    # connected it, so another build in this process may not use the plugin at all.
    return __package__ in settings.get("PLUGINS", ()) and plugin_settings(settings).search_index


def _site(settings: dict[str, Any]) -> tuple[Path, str]:
    output = Path(settings["OUTPUT_PATH"])
    return output, site_label(output, settings)


def forget_earlier_build(generators) -> None:
    """``all_generators_finalized``: a build starts writing; an indexing left by a build
    that stopped on the way (``pelican --autoreload`` goes on after a failed build) ends."""
    global _started
    started, _started = _started, None
    if started is not None:
        started[1].cancel()


def content_pages_written(generator, writer=None) -> None:
    """``page_writer_finalized``: the articles and pages are written, unless a writer keeps
    them for later (it says when it has written them)."""
    stages.content_pages_ready(generator.settings, generator.context)


def start_indexing(settings: dict[str, Any], context: dict[str, Any]) -> None:
    """When the articles and pages are written: start Pagefind over them, in the background."""
    global _started
    if not _wanted(settings) or (_started is not None and _started[0] is settings):
        return
    output, label = _site(settings)
    _started = (settings, Indexing(output, label, stages.content_page_paths(context), settings))


def index_built_site(pelican_object) -> None:
    """``finalized``: wait for the index this build started (or, if it started none, index
    the output folder now) and swap it in, when READER_SEARCH_INDEX is on."""
    global _started
    started, _started = _started, None
    settings = pelican_object.settings
    if not _wanted(settings):
        return
    if started is not None and started[0] is settings:
        indexing = started[1]
    else:
        output, label = _site(settings)
        indexing = Indexing(output, label, settings=settings)
    indexing.finish()


def index_site(site: str | Path, label: str | None = None) -> None:
    """Index the built site in ``site`` (all of it) into ``site/pagefind/``; raise
    SearchIndexError on failure. ``label`` names the folder in the message (default: its path)."""
    Indexing(Path(site), label).finish()


def build_search_index(site: str | Path) -> int:
    """:func:`index_site` as a command step (the live-reload server's background indexing):
    log the failure, return a process exit code."""
    try:
        index_site(site)
    except SearchIndexError as error:
        logger.error("%s %s", LOG_PREFIX, error)
        return error.exitcode
    return 0
