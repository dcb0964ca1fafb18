"""Results kept from one cached build to the next, by a digest of everything they were made from.

A development build (``CACHE_CONTENT`` on, as ``invoke livereload`` builds) keeps the results
of work that depends only on its inputs (the content check of one file, a newsletter email)
in a file in ``CACHE_PATH``, beside Pelican's content cache; the next build with
``LOAD_CONTENT_CACHE`` on answers from it when the digest of the inputs is the same, and does
the work otherwise. A key is made of every input the work reads (:func:`key`): a result is
never used for inputs it was not made from. The code doing the work is an input too: the
file is used only by the same versions of the libraries and the same source of the modules
named when it is opened (:func:`code_digest`). Each build keeps only the results it used, so the
file holds one build's worth. A build without ``CACHE_CONTENT`` does all the work and keeps
nothing; a damaged or unreadable file is ignored and made again.

A live-reload rebuild runs in the process of the build before it: the results that build
saved are kept in memory too (:data:`_in_memory`), and the next build of the process takes
them from there instead of unpickling the file, as long as the file is still the one that
build wrote (same size, modification time and inode: anything else reads the file). A
result is shared by the builds of one process, so a caller never changes one in place.
A build whose results are all the ones it found (nothing made, none dropped) leaves the
file as it is.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import logging
import os
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

LOG_PREFIX = "[cache]"
FORMAT = 1
T = TypeVar("T")

# path -> (the file's stat as saved, the code digest, the results): what this process last saved.
_in_memory: dict[Path, tuple[tuple[int, int, int], str, dict[str, Any]]] = {}


def key(*parts: object) -> str:
    """The digest of ``parts`` (strings as they are, anything else by its ``repr``)."""
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        digest.update((part if isinstance(part, str) else repr(part)).encode("utf-8", "surrogatepass"))
        digest.update(b"\x1f")
    return digest.hexdigest()


class Memo:
    """The results of one kind of work (``name``) from the previous cached build."""

    def __init__(self, path: Path | None, previous: dict[str, Any], code: str = "") -> None:
        self.path = path
        self.code = code
        self.previous = previous
        self.used: dict[str, Any] = {}
        self.made = 0
        self.kept = 0

    @classmethod
    def open(
        cls, settings: dict[str, Any], name: str, modules: tuple[str, ...], libraries: tuple[str, ...]
    ) -> Memo:
        """The memo ``name`` of this build: off (everything made) unless ``CACHE_CONTENT``.
        Its results are made by the code of ``modules`` (their folders' Python files) and the
        installed ``libraries``."""
        if not settings.get("CACHE_CONTENT") or not settings.get("CACHE_PATH"):
            return cls(None, {})
        path = Path(settings["CACHE_PATH"]) / f"{name}.pickle"
        code = code_digest(modules, libraries)
        previous = _load(path, code) if settings.get("LOAD_CONTENT_CACHE") else {}
        return cls(path, previous, code)

    def get(self, digest: str, make: Callable[[], T]) -> T:
        """The result kept for ``digest``, or ``make()`` (kept for the next build)."""
        if self.path is None:
            self.made += 1
            return make()
        if digest in self.used:
            self.kept += 1
            return self.used[digest]  # type: ignore[no-any-return]
        if digest in self.previous:
            value = self.previous[digest]
            self.kept += 1
        else:
            value = make()
            self.made += 1
        self.used[digest] = value
        return value  # type: ignore[no-any-return]

    def save(self) -> None:
        """Keep this build's results (only those it used) for the next build."""
        if self.path is None:
            return
        kept = _in_memory.get(self.path)
        if (
            kept is not None
            and self.made == 0
            and kept[1] == self.code
            and kept[2] is self.previous
            and self.used.keys() == self.previous.keys()
            and _stat(self.path) == kept[0]
        ):
            pass  # the file holds exactly these results already
        else:
            self._write()
        logger.debug("%s %s: %d made, %d kept", LOG_PREFIX, self.path.name, self.made, self.kept)

    def _write(self) -> None:
        assert self.path is not None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".partial")
        with partial.open("wb") as stream:
            pickle.dump(
                {"format": FORMAT, "code": self.code, "results": self.used},
                stream,
                protocol=pickle.HIGHEST_PROTOCOL,
            )
        partial.replace(self.path)
        stat = _stat(self.path)
        if stat is None:
            _in_memory.pop(self.path, None)
        else:
            _in_memory[self.path] = (stat, self.code, self.used)


@functools.cache
def code_digest(modules: tuple[str, ...], libraries: tuple[str, ...]) -> str:
    """The versions of ``libraries`` and Python, and the source of every Python file in the
    folders of ``modules`` (imported modules)."""
    parts = [sys.version, *(f"{name}={importlib.metadata.version(name)}" for name in libraries)]
    folders = {Path(str(sys.modules[name].__file__)).parent for name in modules}
    for folder in sorted(folders):
        for source in sorted(folder.rglob("*.py")):
            parts.append(f"{source}:{key(source.read_bytes().decode('utf-8', 'surrogateescape'))}")
    return key(*parts)


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)


def _load(path: Path, code: str) -> dict[str, Any]:
    kept = _in_memory.get(path)
    if kept is not None and kept[1] == code and _stat(path) == kept[0]:
        return kept[2]  # this process saved the file, and it is unchanged since
    try:
        with path.open("rb") as stream:
            stored = pickle.load(stream)  # our own cache file, in CACHE_PATH
    except FileNotFoundError:
        return {}
    except Exception as error:  # a damaged cache is made again, never trusted
        logger.warning("%s ignoring %s: %s", LOG_PREFIX, path, error)
        return {}
    if not isinstance(stored, dict) or stored.get("format") != FORMAT or stored.get("code") != code:
        return {}
    results = stored.get("results")
    return results if isinstance(results, dict) else {}
