"""Syntax only Python-Markdown understood, found in a Markdown file now read as
GitHub-flavoured Markdown: the content check's migration warnings.

A site moving from Pelican's Python-Markdown reader (with the ``extra`` and ``toc``
extensions) to cmark-gfm keeps most of its text as it was; these constructs are the ones
that now render differently, usually as literal text:

- attribute lists (``{: .class #id }``, ``## Heading {#id}``);
- ``[TOC]`` (the table of contents);
- definition lists (a ``: definition`` line under its term);
- abbreviations (``*[HTML]: HyperText Markup Language``);
- ``markdown="1"`` in an HTML block (Markdown read inside the HTML);
- nested list items indented four spaces where CommonMark needs another indentation (the
  column where the text of the item above starts: ``10. item`` or ``-   item``), or more
  than four spaces beyond it, which CommonMark reads as code or as the item's text.

Lines inside fenced code blocks are never looked at, nor code spans. The warnings name the
file and line and say what to write instead; they never stop a build.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pelican_contentkit.errors import ContentError
from pelican_contentkit.header import read_header

FIELD = "Markdown"
SWITCH_BACK = "or keep Python-Markdown for the whole site with GFM_READER_ENABLED = False"

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_ATTRIBUTE = r"(?:[#.][\w-]+|[\w-]+=(?:\"[^\"]*\"|'[^']*'|\S+))"
_MORE = r"(?:[ \t]+" + _ATTRIBUTE + r")*[ \t]*\}"
# {: anything attribute-like } or {#id ...} / {.class ...}; Pelican's {filename} is neither.
_ATTRIBUTE_LIST = re.compile(r"\{:[ \t]*(?:" + _ATTRIBUTE + _MORE + r"|\})|\{[ \t]*[#.][\w-]+" + _MORE)
_TOC = re.compile(r"^ {0,3}\[TOC\]\s*$")
_DEFINITION = re.compile(r"^ {0,3}:[ \t]+\S")
_ABBREVIATION = re.compile(r"^ {0,3}\*\[[^\]]+\]:")
_MARKDOWN_IN_HTML = re.compile(r"<[A-Za-z][^>]*\smarkdown\s*=\s*[\"']?(?:1|block|span)\b", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)])( +|$)")
# Where one of the constructs above may be: most files and lines have none and are passed
# over without the regexes above (see _may_need_a_look).
_BRACE = re.compile(r"\{[ \t]*[:#.`]")
_LINE_START = re.compile(r"\n(?:[ \t]*:[ \t]|(?: {4}| *\t)[ \t]*(?:[-*+]|\d{1,9}[.)]))")


@dataclass(frozen=True)
class _Item:
    indent: int
    content: int  # the column of the item's text, where CommonMark nests what follows


def migration_warnings(label: str, text: str) -> list[ContentError]:
    """Every construct of ``text`` (a whole Markdown file, header included) that only
    Python-Markdown understood, with its line."""
    if not _may_need_a_look(text):
        return []
    header = read_header(text)
    lines = header.body.split("\n")
    return [
        ContentError(label, FIELD, problem, fix, header.body_line + index)
        for index, problem, fix in _found(lines)
    ]


def _found(lines: list[str]) -> Iterator[tuple[int, str, str]]:
    fence: str | None = None
    items: list[_Item] = []
    previous_blank = True
    for index, raw in enumerate(lines):
        line = raw.expandtabs(4)
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        if not line.strip():
            previous_blank = True
            continue
        if _may_need_a_look(line):
            yield from _in_line(index, line)
        item = _LIST_ITEM.match(line)
        indent = len(line) - len(line.lstrip(" "))
        if item:
            nested = _nesting(items, indent)
            if nested is not None:
                yield index, *nested
            items = [kept for kept in items if kept.indent < indent] + [_list_item(item)]
        elif indent == 0 and previous_blank:
            items = []  # a paragraph after the list ends it
        previous_blank = False


def _may_need_a_look(text: str) -> bool:
    """Whether one of the constructs may be in ``text``. It says yes more often than they are
    there (in code too, tabs before their expansion, a `{` before a code span, which the
    attribute list check takes out), never no when one is. Each test starts at a literal
    character, which the regular expression engine finds fast."""
    return (
        "[TOC]" in text
        or "*[" in text
        or ("{" in text and _BRACE.search(text) is not None)
        or ("<" in text and _MARKDOWN_IN_HTML.search(text) is not None)
        or _LINE_START.search("\n" + text) is not None
    )


def _in_line(index: int, line: str) -> Iterator[tuple[int, str, str]]:
    if _TOC.match(line):
        yield (
            index,
            "[TOC] is Python-Markdown's table of contents; it now shows as the text [TOC]",
            "remove it, or write the list of links by hand (every heading has an id, the slug of "
            f"its text, to link to with #slug), {SWITCH_BACK}",
        )
        return
    if _ABBREVIATION.match(line):
        yield (
            index,
            "a line '*[...]: ...' is a Python-Markdown abbreviation; it now shows as text",
            f'remove it, or write <abbr title="...">...</abbr> where the word is used, {SWITCH_BACK}',
        )
        return
    if _DEFINITION.match(line) and index > 0:  # under its term
        yield (
            index,
            "a line starting with ': ' is a Python-Markdown definition list; it now shows as a "
            "paragraph starting with a colon",
            f"write the term in bold and its definition after it, or a <dl> in HTML, {SWITCH_BACK}",
        )
        return
    if _MARKDOWN_IN_HTML.search(line):
        yield (
            index,
            'markdown="1" asks Python-Markdown to read the Markdown inside an HTML block; '
            "CommonMark ignores it",
            'remove markdown="1" and leave a blank line after the opening tag and one before the '
            "closing tag: CommonMark reads the Markdown between them",
        )
        return
    found = _ATTRIBUTE_LIST.search(_CODE_SPAN.sub("", line))
    if found:
        yield (
            index,
            f"{found.group(0)} is a Python-Markdown attribute list; it now shows as text",
            "remove it, or write the element in HTML with its attributes (a heading's id is the "
            f"slug of its text already), {SWITCH_BACK}",
        )


def _list_item(match: re.Match[str]) -> _Item:
    indent = len(match.group(1))
    spaces = len(match.group(3))
    # A marker followed by five spaces or more is followed by one, then indented code.
    after = 1 if spaces == 0 or spaces > 4 else spaces
    return _Item(indent, indent + len(match.group(2)) + after)


def _nesting(items: list[_Item], indent: int) -> tuple[str, str] | None:
    """A list item indented ``indent`` spaces under ``items`` (the open list items, outermost
    first): why CommonMark does not nest it where Python-Markdown did, or None."""
    parents = [item for item in items if item.indent < indent]
    if not parents:
        return None
    parent = parents[-1]
    python_markdown_nests = indent >= parent.indent + 4
    commonmark_nests = parent.content <= indent < parent.content + 4
    if not python_markdown_nests or commonmark_nests:
        return None
    return (
        f"this list item is indented {indent} spaces: Python-Markdown nested it under the item "
        f"above, CommonMark does not (it nests what starts at the column of that item's text, "
        f"{parent.content} spaces in)",
        f"indent it {parent.content} spaces",
    )
