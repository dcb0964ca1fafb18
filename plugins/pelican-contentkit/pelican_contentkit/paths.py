"""Where a site's files are, from its settings alone, never from the current directory.

The *site root* is the folder that holds the content folder: the parent of ``PATH``
(``content/`` in Networker, so the project folder). File names in messages and in the
campaign files are written relative to it, and relative paths of the plugins' own
settings (``NEWSLETTER_CAMPAIGNS_PATH``) are resolved against it, so a build started from
any folder writes the same files and says the same things.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def site_root(settings: Mapping[str, Any]) -> Path:
    """The folder that holds the content folder (the parent of ``PATH``), absolute."""
    return Path(settings["PATH"]).resolve().parent


def site_label(path: str | Path, settings: Mapping[str, Any]) -> str:
    """``path`` as messages name it: relative to the site root (``content/articles/x.md``);
    a file outside the site keeps its absolute path."""
    # Links are named as written (a file read through a linked folder keeps the link's name),
    # so the path is made absolute without resolving; only then is it tried resolved.
    # The usual case (no link to resolve) in strings: asked for every file, several times.
    absolute = os.path.abspath(path)
    as_given = os.path.dirname(os.path.abspath(settings["PATH"]))
    if absolute == as_given:
        return "."
    within = as_given if as_given.endswith(os.sep) else as_given + os.sep
    if absolute.startswith(within):
        return absolute[len(within) :].replace(os.sep, "/")
    root = site_root(settings)
    for candidate in (Path(absolute), Path(absolute).resolve()):
        if candidate.is_relative_to(root):
            return candidate.relative_to(root).as_posix()
    return str(path)


def real_path(path: str) -> str:
    """``os.path.realpath(path)``, asked once per build for an absolute path
    (:func:`forget_real_paths` at its start): the reading and the checks ask it several
    times for every file."""
    return _real_absolute_path(path) if os.path.isabs(path) else os.path.realpath(path)


@functools.lru_cache(maxsize=65536)
def _real_absolute_path(path: str) -> str:
    # A file that is no link is where its folder really is: one lstat, not one per folder of
    # its path (the folders are asked once, for all the files in them).
    folder, name = os.path.split(path)
    if name in ("", ".", "..") or folder == path or os.path.islink(path):
        return os.path.realpath(path)
    return os.path.join(_real_absolute_path(folder), name)


def forget_real_paths() -> None:
    """A new build: links may have changed since the last one in this process."""
    _real_absolute_path.cache_clear()


def resolved_label(path: str | Path, root: str | Path) -> str:
    """``Path(path).resolve().relative_to(Path(root).resolve()).as_posix()``, in strings, or
    ``path`` as given when it is not under ``root``."""
    resolved, base = real_path(os.fspath(path)), real_path(os.fspath(root))
    if resolved == base:
        return "."
    within = base if base.endswith(os.sep) else base + os.sep
    if resolved.startswith(within):
        return resolved[len(within) :].replace(os.sep, "/")
    return str(Path(path))


def site_path(value: str | Path, settings: Mapping[str, Any]) -> Path:
    """A path setting as a file path: relative values are taken from the site root."""
    path = Path(value)
    return path if path.is_absolute() else site_root(settings) / path
