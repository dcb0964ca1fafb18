"""The metadata header of a Markdown file as the author wrote it: field names with their
line numbers, and the header and body split as Pelican's Markdown reader splits them.

Pelican's Markdown reader keeps every field (unknown ones too) but not where it was
written; the content check needs the line to point at, and the name as spelt. This is a
scan of the header lines only, read as Python-Markdown's ``meta`` extension reads them;
bodies are never parsed here. :func:`read_header` is the same scan for readers: the GFM reader
and the plugins' data files (QuoteActions, newsletter notes) read their header with it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

HEADER_LINE = re.compile(r"^ {0,3}([A-Za-z0-9_-]+):\s*(.*?)\s*$")


@dataclass(frozen=True)
class Field:
    value: str
    line: int


@dataclass(frozen=True)
class Header:
    fields: dict[str, Field]  # lowercase name -> value and line number
    body_first_line: int

    def value(self, key: str) -> str:
        field = self.fields.get(key)
        return field.value if field else ""

    def line_of(self, key: str) -> int | None:
        field = self.fields.get(key)
        return field.line if field else None


@dataclass(frozen=True)
class MetadataHeader:
    """A file split as Python-Markdown's ``meta`` extension splits it (the header Pelican's
    Markdown reader reads): each field's definitions in order, and the body below."""

    definitions: dict[str, list[str]]  # lowercase name -> each definition, continuation lines after "\n"
    body: str
    body_line: int = 1  # the line number of the body's first line in the file


HEADER_BEGIN = re.compile(r"^-{3}")  # as the meta extension matches them: the start of the line
HEADER_END = re.compile(r"^(-{3}|\.{3})")
CONTINUATION = re.compile(r"^ {4,}(.*)$")


def read_header(text: str) -> MetadataHeader:
    """The metadata header at the top of ``text`` and the body below it.

    Lines ``Name: value`` up to the first blank line (an optional ``---`` line before, a
    ``---`` or ``...`` line after); a line indented four spaces or more continues the
    definition above it. A first line of another form means the file has no header: all of
    it is body.
    """
    entries, body_index, _ = _split(text)
    definitions: dict[str, list[str]] = {}
    last_key = None
    for _, key, value in entries:
        if key is None:
            if last_key is not None:
                values = definitions[last_key]
                values[-1] = f"{values[-1]}\n{value}" if values[-1] else value
            continue
        definitions.setdefault(key, []).append(value)
        last_key = key
    return MetadataHeader(definitions, _lines_from(text, body_index), body_index + 1)


def scan_header(text: str) -> Header:
    """The fields at the top of ``text`` (as :func:`~pelican_contentkit.reading.read_content_file`
    returns it) and the line number its body starts on. A field written twice is the last
    one; a continuation line is joined to its field's value with a space."""
    entries, _, body_first_line = _split(text)
    fields: dict[str, Field] = {}
    last_key = None
    for line, key, value in entries:
        if key is None:
            if last_key is not None:
                previous = fields[last_key]
                fields[last_key] = Field(f"{previous.value} {value}".strip(), previous.line)
            continue
        fields[key] = Field(value, line)
        last_key = key
    return Header(fields, body_first_line)


def _split(text: str) -> tuple[list[tuple[int, str | None, str]], int, int]:
    """The header's lines as (line number, lowercase field name or None for a continuation
    line, stripped value), the index of the body's first line in ``text.split("\\n")``, and
    the line number :attr:`Header.body_first_line` reports."""
    entries: list[tuple[int, str | None, str]] = []
    lines = _header_lines(text)
    first = next(lines, None)
    if first is None:
        return entries, 0, 1
    index = 0
    if HEADER_BEGIN.match(first):
        index = 1
        first = next(lines, None)
    last_key = None
    line = first
    while line is not None:
        line = line.expandtabs(4)
        if not line.strip() or HEADER_END.match(line):
            return entries, index + 1, index + 1 + (0 if not line.strip() else 1)
        match = HEADER_LINE.match(line)
        continuation = CONTINUATION.match(line)
        if match:
            last_key = match.group(1).lower()
            entries.append((index + 1, last_key, match.group(2)))
        elif continuation and last_key:
            entries.append((index + 1, None, continuation.group(1).strip()))
        else:
            return entries, index, index + 1
        index += 1
        line = next(lines, None)
    return entries, index, index + 1


def _header_lines(text: str) -> Iterator[str]:
    """``text.split("\\n")``, one line at a time: a header is a few lines of a long file."""
    start = 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end]
        start = end + 1


def _lines_from(text: str, index: int) -> str:
    """``"\\n".join(text.split("\\n")[index:])`` without splitting the body."""
    start = 0
    for _ in range(index):
        end = text.find("\n", start)
        if end < 0:
            return ""
        start = end + 1
    return text[start:]


def header_fields(header: MetadataHeader) -> dict[str, str]:
    """Each field of a data file's header as one string: its lines (continuation lines, and
    the lines of a field written twice) joined with spaces."""
    return {
        key: " ".join(line.strip() for value in values for line in value.split("\n")).strip()
        for key, values in header.definitions.items()
    }


def unknown_field_fix(key: str, labels: Mapping[str, str]) -> str:
    """The fix for a header field ``key`` a data file does not know: the closest known field
    (``labels`` maps each known field to the label authors write), or the list of them."""
    guess = difflib.get_close_matches(key, list(labels), n=1)
    if guess:
        return f"did you mean {labels[guess[0]]}:?"
    return "use only " + ", ".join(f"{label}:" for label in labels.values())
