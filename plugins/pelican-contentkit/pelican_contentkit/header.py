"""The metadata header of a Markdown file as the author wrote it: field names with their
line numbers.

Pelican's Markdown reader keeps every field (unknown ones too) but not where it was
written; the content check needs the line to point at, and the name as spelt. This is a
scan of the header lines only, read as Python-Markdown's ``meta`` extension reads them;
bodies are never parsed here.
"""

from __future__ import annotations

import re
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


def scan_header(text: str) -> Header:
    """The fields at the top of ``text`` (as :func:`~pelican_contentkit.reading.read_content_file`
    returns it) and the line number its body starts on."""
    lines = text.split("\n")
    fields: dict[str, Field] = {}
    index = 1 if lines and lines[0].strip() == "---" else 0
    last_key = None
    while index < len(lines):
        line = lines[index]
        if not line.strip() or line.strip() in ("---", "..."):
            index += 1 if line.strip() in ("---", "...") else 0
            break
        match = HEADER_LINE.match(line)
        if match:
            last_key = match.group(1).lower()
            fields[last_key] = Field(match.group(2), index + 1)
        elif line.startswith("    ") and last_key:
            previous = fields[last_key]
            fields[last_key] = Field(f"{previous.value} {line.strip()}".strip(), previous.line)
        else:
            break
        index += 1
    return Header(fields, index + 1)
