"""The content check's per-file results, kept from one cached build to the next
(:mod:`pelican_contentkit.memo`): a live-reload rebuild checks again only the files whose
inputs changed.

Three checks of :mod:`pelican_contentkit.content_checks` are kept, each by a digest of all
it reads, and the file's text and header as the check read them (``_source``), by the file's
path, size, modification time and inode:

- :func:`~pelican_contentkit.content_checks.metadata_problems`: the file (path, name, kind,
  text), the dates Pelican read from it, the required and known fields, and today's date;
- :func:`~pelican_contentkit.content_checks.body_problems`: the file, the HTML Pelican
  made of it, and the list of every file in the content folder (a link to another file is
  only as good as that file: adding, renaming or deleting any file checks every link
  again). A content folder with a linked folder in it is not listed (what it links to can
  change unseen): its links are checked in full every build;
- :func:`~pelican_contentkit.migration.migration_warnings`: the file's name and text.

The checks that look at all files at once (two outputs on one path, Markdown files Pelican
does not read, symbolic-link loops) run in full every build.
"""

from __future__ import annotations

import dataclasses
import os
from datetime import date
from pathlib import Path
from typing import Any

from pelican_contentkit.errors import ContentError
from pelican_contentkit.memo import Memo, key

MEMO_NAME = "content-check"
# The code of the checks: the kit's own modules, and Pelican (its dates, its slugs).
CODE = ("pelican_contentkit.content_checks",)
LIBRARIES = ("pelican",)


class CheckCache:
    """The kept results of one check of the content folder ``content_root``."""

    def __init__(self, settings: dict[str, Any], content_root: Path) -> None:
        self.memo = Memo.open(settings, MEMO_NAME, CODE, LIBRARIES)
        self.content_root = content_root
        self.tree = content_tree(content_root) if self.memo.path is not None else None
        self._sources: dict[int, tuple[Any, str]] = {}

    def source(
        self, kind: str, path: Path, content: Any, problems: list[ContentError], context: dict[str, Any]
    ) -> Any:
        from pelican_contentkit.content_checks import _source

        try:
            stat = os.stat(path)
        except OSError:
            stat = None
        if self.memo.path is None or stat is None:
            return _source(kind, path, content, problems, context)
        digest = key(
            "source", kind, str(path), str(context["PATH"]), stat.st_mtime_ns, stat.st_size, stat.st_ino
        )
        found: list[ContentError] = []
        kept, said = self.memo.get(digest, lambda: (_source(kind, path, None, found, context), found))
        problems += said
        return None if kept is None else dataclasses.replace(kept, content=content)

    def metadata_problems(
        self, source: Any, required: tuple[str, ...], known: frozenset[str], today: date
    ) -> list[ContentError]:
        from pelican_contentkit.content_checks import metadata_problems

        if self.memo.path is None:  # a build that keeps nothing: no digest to make
            return metadata_problems(source, required, known, today)
        read = source.content.metadata if source.content is not None else None
        dates = None if read is None else (read.get("date"), read.get("modified"))
        digest = key("metadata", self._source_key(source), dates, required, sorted(known), today)
        return self.memo.get(digest, lambda: metadata_problems(source, required, known, today))

    def body_problems(self, source: Any, content: Path, body_html: str) -> list[ContentError]:
        from pelican_contentkit.content_checks import body_problems

        if self.tree is None:
            return body_problems(source, content, body_html)
        digest = key("body", self._source_key(source), str(content), body_html, self.tree)
        return self.memo.get(digest, lambda: body_problems(source, content, body_html))

    def migration_warnings(self, label: str, text: str) -> list[ContentError]:
        from pelican_contentkit.migration import migration_warnings

        if self.memo.path is None:
            return migration_warnings(label, text)
        return self.memo.get(key("migration", label, text), lambda: migration_warnings(label, text))

    def save(self) -> None:
        self.memo.save()

    def _source_key(self, source: Any) -> str:
        kept = self._sources.get(id(source))
        if kept is None or kept[0] is not source:
            kept = (source, key(source.kind, str(source.path), source.label, source.text))
            self._sources = {id(source): kept}  # one file is checked at a time: keep no other's text
        return kept[1]


def content_tree(content_root: Path) -> str | None:
    """The digest of every file and folder name under ``content_root`` (what a link can reach),
    or None when anything in it is a symbolic link (what it points to can change unseen)."""
    names: list[str] = []
    pending = [str(content_root)]
    while pending:
        folder = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            return None
        names.append(folder)
        for entry in entries:
            if entry.is_symlink():
                return None
            names.append(entry.name)
            if entry.is_dir():
                pending.append(entry.path)
    return key(*names)
