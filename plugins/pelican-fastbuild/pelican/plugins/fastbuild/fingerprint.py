"""Stable fingerprints of the values a page is rendered from.

A fingerprint is a digest of a value's parts, the same in every process for the same
value: strings, numbers, dates, lists and dicts in their order, dataclasses by field,
Pelican's tags, categories and paginators by what they hold. A content object (an
article, a page) appears by reference; its own fields are taken once, by
:meth:`Fingerprinter.contents_digest`. Its body is never part of a fingerprint: the
render cache records which bodies a page actually read (see :mod:`pelican.plugins.fastbuild.writing`).

Anything without a stable form (an object whose repr carries a memory address, say)
raises :class:`Unstable`, and the caller renders instead of guessing.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import functools
import hashlib
import types
from pathlib import PurePath
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup
from pelican.contents import Content
from pelican.paginator import Page, Paginator
from pelican.urlwrappers import URLWrapper

from . import compat

# What a content object carries that is not its own data: the settings (fingerprinted as
# part of the context), the shared context, and the body (recorded per page when read).
CONTENT_FIELDS_LEFT_OUT = frozenset({"settings"}) | compat.CONTENT_INTERNAL_FIELDS
MAX_DEPTH = 12


class Unstable(Exception):
    """A value with no stable fingerprint."""


def content_key(content: Content) -> str:
    """How a content object is named in fingerprints and in recorded dependencies."""
    where = content.source_path or getattr(content, "save_as", "") or getattr(content, "url", "")
    return f"{type(content).__name__}:{where}:{getattr(content, 'lang', '')}"


def body_digest(content: Content) -> str:
    """The digest of a content object's body as read (before link rewriting); a static file has none."""
    body = compat.raw_body(content)
    return "-" if body is None else digest_of(body.encode("utf-8"))


class Fingerprinter:
    """Fingerprints values, remembering every content object met on the way."""

    def __init__(self) -> None:
        self.contents: dict[str, Content] = {}
        # Containers already fingerprinted in this build, by id: the same list of articles is
        # handed to every page of a tag, say. The object is kept so its id is not reused.
        self._done: dict[int, tuple[Any, str]] = {}
        # Content objects (by their key), and the dates and tags, categories and authors met
        # (their parts, which are slow to make: a URL is made from the settings on every
        # access), by id. The object is kept so its id is not reused.
        self._keys: dict[int, tuple[Any, str]] = {}
        # Pages of paginated lists, by (paginator id, number, name, URL); the paginator is kept.
        self._pages: dict[tuple[int, int, str, str], tuple[Any, str]] = {}
        self._met: list[str] = []  # content keys in the order first met, for contents_digest

    def digest(self, value: Any) -> str:
        parts: list[str] = []
        self._add(value, parts, 0, set())
        return _hash(parts)

    def contents_digest(self, known: frozenset[str] = frozenset()) -> tuple[str, frozenset[str]]:
        """The fields of every content object met so far and not in ``known``, and of those
        they refer to, in a stable order; returns the digest and the keys now known.

        A content without a ``Summary`` has its summary made from its body, so its body
        digest is included too."""
        if not any(key not in known for key in self._met):  # the common case: nothing new
            self._met.clear()
            return _hash([]), known
        done = set(known)
        parts: list[str] = []
        while todo := sorted({key for key in self._met if key not in done}):
            self._met.clear()
            for key in todo:
                done.add(key)
                content = self.contents[key]
                fields = {
                    name: value
                    for name, value in vars(content).items()
                    if name not in CONTENT_FIELDS_LEFT_OUT
                }
                parts.append(key)
                self._add(fields, parts, 1, set())
                if "summary" not in content.metadata:
                    parts.append(body_digest(content))
        return _hash(parts), frozenset(done)

    def _add(self, value: Any, parts: list[str], depth: int, active: set[int]) -> None:
        # The most common values first, by exact type: this runs for every value of every page.
        kind = type(value)
        if kind is str:
            parts.append("s" + value)
            return
        if kind is int or kind is bool or value is None:
            parts.append(repr(value))
            return
        known = self._keys.get(id(value))
        if known is not None and known[0] is value:
            parts.append(known[1])
            return
        if depth > MAX_DEPTH:
            raise Unstable(f"nested deeper than {MAX_DEPTH} levels")
        if value is None or isinstance(value, (bool, int, float, enum.Enum)):
            parts.append(repr(value))
        elif isinstance(value, str):  # Markup included
            parts.append(("M" if isinstance(value, Markup) else "s") + value)
        elif isinstance(value, (bytes, PurePath, ZoneInfo, datetime.timedelta)):
            parts.append(repr(value) if not isinstance(value, ZoneInfo) else f"tz:{value.key}")
        elif isinstance(value, (datetime.date, datetime.time)):
            part = f"{type(value).__name__}:{value.isoformat()}:{getattr(value, 'tzinfo', None)}"
            self._keys[id(value)] = (value, part)
            parts.append(part)
        elif isinstance(value, Content):  # met for the first time (see the top of this method)
            key = content_key(value)
            self._keys[id(value)] = (value, f"<{key}>")
            if key not in self.contents:
                self.contents[key] = value
                self._met.append(key)
            parts.append(f"<{key}>")
        elif isinstance(value, URLWrapper):
            part = f"{type(value).__name__}:{value.name}:{value.slug}:{value.url}:{value.save_as}"
            self._keys[id(value)] = (value, part)
            parts.append(part)
        elif isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type, types.MethodType)):
            parts.append(
                f"fn:{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', repr(value))}"
            )
        elif isinstance(value, types.ModuleType):
            parts.append(f"mod:{value.__name__}")
        else:
            marker = id(value)
            if marker in active:
                parts.append("<cycle>")
                return
            done = self._done.get(marker) if depth else None  # the top value is new every time
            if done is not None:
                parts.append(done[1])
                return
            active.add(marker)
            inner: list[str] = []
            try:
                self._add_container(value, inner, depth, active)
            finally:
                active.discard(marker)
            digest = "#" + _hash(inner)
            if depth:
                self._done[marker] = (value, digest)
            parts.append(digest)

    def _add_container(self, value: Any, parts: list[str], depth: int, active: set[int]) -> None:
        # Items met before (their part is kept by id: articles, dates, tags) and strings are
        # taken here, without a call each: lists of articles and dicts of fields are the
        # common long containers.
        keys = self._keys
        append = parts.append
        if isinstance(value, dict):
            append(f"{{{len(value)}")
            for key, item in value.items():
                if type(key) is str:
                    append("s" + key)
                else:
                    self._add(key, parts, depth + 1, active)
                if type(item) is str:
                    append("s" + item)
                    continue
                known = keys.get(id(item))
                if known is not None and known[0] is item:
                    append(known[1])
                else:
                    self._add(item, parts, depth + 1, active)
            append("}")
        elif isinstance(value, (list, tuple)):
            append(f"[{type(value).__name__}{len(value)}")
            for item in value:
                if type(item) is str:
                    append("s" + item)
                    continue
                known = keys.get(id(item))
                if known is not None and known[0] is item:
                    append(known[1])
                else:
                    self._add(item, parts, depth + 1, active)
            append("]")
        elif isinstance(value, (set, frozenset)):
            inner = []
            for item in value:
                item_parts: list[str] = []
                self._add(item, item_parts, depth + 1, active)
                inner.append("\x1e".join(item_parts))
            parts.append(f"set{len(value)}")
            parts.extend(sorted(inner))
        elif dataclasses.is_dataclass(value):
            cls: type = type(value)
            parts.append(f"dc:{cls.__qualname__}")
            for name in _field_names(cls):
                parts.append(name)
                self._add(getattr(value, name), parts, depth + 1, active)
        elif type(value) is Page:
            # One page of a paginated list: its paginator's list cut at its number (Pelican's
            # Paginator.page). The list pages of a site hand each page, and the pages before
            # and after it, as new objects: each (paginator, number, name) is taken once.
            marker = (id(value.paginator), value.number, value.full_name, value.base_url)
            known = self._pages.get(marker)
            if known is None or known[0] is not value.paginator:
                page_parts = [f"obj:{Page.__module__}.{Page.__qualname__}"]
                fields = {k: v for k, v in vars(value).items() if k != "settings"}
                self._add(fields, page_parts, depth + 1, active)
                known = self._pages[marker] = (value.paginator, _hash(page_parts))
            parts.append(known[1])
        elif isinstance(value, (Paginator, Page)) or _has_plain_dict(value):
            parts.append(f"obj:{type(value).__module__}.{type(value).__qualname__}")
            self._add({k: v for k, v in vars(value).items() if k != "settings"}, parts, depth + 1, active)
        else:
            text = repr(value)
            if " at 0x" in text or text.startswith("<"):
                raise Unstable(f"{type(value).__module__}.{type(value).__qualname__} has no stable form")
            parts.append(f"r:{type(value).__qualname__}:{text}")


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(cls))


def digest_of(data: bytes) -> str:
    """The digest every fingerprint, body and page record is made of."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def _hash(parts: list[str]) -> str:
    return digest_of("\x1f".join(parts).encode("utf-8", "surrogatepass"))


def _has_plain_dict(value: Any) -> bool:
    """An ordinary object whose state is its ``__dict__`` (no slots, no custom storage)."""
    return (
        hasattr(value, "__dict__")
        and not hasattr(type(value), "__slots__")
        and type(value).__module__ != "builtins"
    )
