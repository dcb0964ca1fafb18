"""GitHub-flavoured Markdown to HTML: the one Markdown engine of a Networker build.

The engine is cmark-gfm, GitHub's C implementation of CommonMark (through ``cmarkgfm``):
CommonMark with GitHub's tables, strikethrough, autolinks and task lists, plus footnotes
and smart punctuation. Raw HTML is passed through as written, as Pelican's own Markdown
reader passes it (the author is trusted; GitHub's ``tagfilter`` extension, which escapes
``<script>``, ``<iframe>`` and ``<style>``, would break the embeds authors write on purpose).

On top of cmark-gfm, three things the engine does not do:

- every Markdown heading gets an ``id``: the slug of its text (as Python-Markdown's ``toc``
  extension makes it, so anchors written for the old reader keep working), unique in the
  page with ``-1``, ``-2`` suffixes;
- Pelican's link placeholders (``{filename}``, ``{static}``, ``{tag}``, ``|filename|``...)
  in ``href`` and ``src`` are given back with their braces, which cmark-gfm percent-encodes;
  Pelican replaces them after reading;
- with ``keep_merge_tags``, Mailchimp merge tags (``*|UNSUB|*``, ``*|FNAME|*``) come out as
  written instead of as emphasis.

Pure functions over strings; :class:`GfmOptions` says what to do.

cmarkgfm's own ``markdown_to_html_with_extensions`` never frees the document tree nor the
rendered string (about 60 KiB per article: 300 MiB over 5,000 conversions). :func:`to_html`
makes the same calls through cmarkgfm's compiled module (``cmarkgfm._cmark``) and frees both;
when that module is not the one this was written for (another cmarkgfm), it falls back to
cmarkgfm's function, with one warning.
"""

from __future__ import annotations

import ctypes
import functools
import html
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import cmarkgfm
from cmarkgfm import _cmark
from cmarkgfm.cmark import Options

logger = logging.getLogger(__name__)

EXTENSIONS = ("table", "strikethrough", "autolink", "tasklist")
# The names of Markdown files, as Pelican's Markdown reader knows them (without the dot).
MARKDOWN_FILE_EXTENSIONS = ("md", "markdown", "mkd", "mdown")
MARKDOWN_SUFFIXES = frozenset(f".{extension}" for extension in MARKDOWN_FILE_EXTENSIONS)


@dataclass(frozen=True)
class GfmOptions:
    smart: bool = True  # "quotes" and -- dashes, as Python-Markdown's smarty did
    footnotes: bool = True
    heading_ids: bool = True
    keep_merge_tags: bool = False  # Mailchimp's *|TAG|* survive Markdown


DEFAULT = GfmOptions()

_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.DOTALL)
# Ids already in the page (footnotes', raw HTML's): a literal start keeps the search fast;
# a data-id="..." is taken too, which only costs a suffix.
_IDS = (re.compile(r'id="([^"]*)"'), re.compile(r"id='([^']*)'"))
_TAG = re.compile(r"<[^>]*>")
_SLUG_DROPPED = re.compile(r"[^\w\s-]")
_SLUG_DASHES = re.compile(r"[-\s]+")
# What cmark-gfm made of a link placeholder at the start of an attribute value: the braces
# (or bars) are percent-encoded, the word between them is kept.
# The search starts at each `="` (a literal start, which the engine finds fast), then looks
# behind it for the attribute's name: four times faster than starting at every white space.
_ESCAPED_PLACEHOLDER = re.compile(
    r'(=")(?:(?<=\shref=")|(?<=\ssrc="))(?:%7B([A-Za-z_]+)%7D|%7C([A-Za-z_]+)%7C)', re.IGNORECASE
)
MERGE_TAG = re.compile(r"\*\|[^|\s*][^|\n]{0,98}\|\*")
_MERGE_TOKEN = "gfmmergetag{}x"


def to_html(text: str, options: GfmOptions = DEFAULT) -> str:
    """``text`` (GitHub-flavoured Markdown) as HTML."""
    merge_tags: list[str] = []
    if options.keep_merge_tags:
        text = _hide_merge_tags(text, merge_tags)
    flags = Options.CMARK_OPT_UNSAFE
    if options.smart:
        flags |= Options.CMARK_OPT_SMART
    if options.footnotes:
        flags |= Options.CMARK_OPT_FOOTNOTES
    rendered = _converter()(text, flags)
    if "%7" in rendered:
        rendered = _ESCAPED_PLACEHOLDER.sub(_placeholder, rendered)
    if options.heading_ids and "<h" in rendered:
        rendered = with_heading_ids(rendered)
    if merge_tags:
        rendered = _show_merge_tags(rendered, merge_tags)
    return rendered


def inline_html(text: str, options: GfmOptions = DEFAULT) -> str:
    """``text`` as HTML without the ``<p>`` around it when it is one paragraph (a prompt, a
    line in a list)."""
    rendered = to_html(text.strip(), options).strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        return rendered[3:-4]
    return rendered


def slug(text: str) -> str:
    """The id of a heading with this (plain) text: Python-Markdown's ``toc`` slug."""
    if text.isascii():  # as it is after NFKD and dropping what is not ASCII
        ascii_text = text
    else:
        ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _SLUG_DASHES.sub("-", _SLUG_DROPPED.sub("", ascii_text).strip().lower())


def unique_ids(slugs: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """Each of ``slugs`` made unique among the others and ``taken``: ``a``, ``a-1``, ``a-2``."""
    used = set(taken)
    unique = []
    for wanted in slugs:
        base = wanted or "section"
        candidate, number = base, 0
        while candidate in used:
            number += 1
            candidate = f"{base}-{number}"
        used.add(candidate)
        unique.append(candidate)
    return unique


def with_heading_ids(rendered: str) -> str:
    """``rendered`` with an ``id`` on every heading that has no attributes (those cmark-gfm
    writes for Markdown headings), unique among the ids already in the page."""
    headings = list(_HEADING.finditer(rendered))
    if not headings:
        return rendered
    ids = unique_ids(
        (slug(html.unescape(_TAG.sub("", match.group(2)))) for match in headings),
        taken=[found for pattern in _IDS for found in pattern.findall(rendered)],
    )
    parts = []
    end = 0
    for match, heading_id in zip(headings, ids, strict=True):
        level = match.group(1)
        parts += [rendered[end : match.start()], f'<h{level} id="{heading_id}">{match.group(2)}</h{level}>']
        end = match.end()
    parts.append(rendered[end:])
    return "".join(parts)


def _placeholder(match: re.Match[str]) -> str:
    attribute, braced, barred = match.groups()
    return f"{attribute}{{{braced}}}" if braced else f"{attribute}|{barred}|"


def _hide_merge_tags(text: str, found: list[str]) -> str:
    def hide(match: re.Match[str]) -> str:
        found.append(match.group(0))
        return _MERGE_TOKEN.format(len(found) - 1)

    return MERGE_TAG.sub(hide, text)


def _show_merge_tags(rendered: str, found: list[str]) -> str:
    for number in range(len(found)):  # the x after the number: token 1 is no prefix of token 10
        rendered = rendered.replace(_MERGE_TOKEN.format(number), html.escape(found[number], quote=True))
    return rendered


# ---------------------------------------------------------------- the engine, freed

Converter = Callable[[str, int], str]
# What the freeing converter must render exactly as cmarkgfm's own function before it is used:
# every extension, footnotes, smart punctuation, raw HTML.
_PROBE = (
    '# "Title" -- one\n\n| a | b |\n| --- | :-: |\n| 1 | ~~2~~ |\n\n- [x] done\n\n'
    "www.example.com and a note.[^1]\n\n<div>raw</div>\n\n[^1]: The note.\n"
)


def _library_html(text: str, flags: int) -> str:
    """cmarkgfm's own conversion (which leaks what it allocates in C)."""
    rendered: str = cmarkgfm.markdown_to_html_with_extensions(
        text, options=flags, extensions=list(EXTENSIONS)
    )
    return rendered


@functools.cache
def _converter() -> Converter:
    """The freeing converter, checked against cmarkgfm's function on a probe; cmarkgfm's
    function (with one warning) when cmarkgfm's compiled module lacks what it needs."""
    try:
        converter = _freeing_converter()
        flags = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_SMART | Options.CMARK_OPT_FOOTNOTES
        if converter(_PROBE, flags) != _library_html(_PROBE, flags):
            raise ValueError("it renders a probe differently")
    except (AttributeError, OSError, TypeError, ValueError) as error:
        logger.warning(
            "cmarkgfm %s: converting with its markdown_to_html_with_extensions, which never "
            "frees the document tree nor the HTML (about 60 KiB per article); the freeing "
            "conversion does not work with it (%s). Install the version requirements.txt pins.",
            getattr(cmarkgfm, "__version__", "(unknown version)"),
            error,
        )
        return _library_html
    return converter


def _freeing_converter() -> Converter:
    """``markdown_to_html_with_extensions``'s calls, in its order, through cmarkgfm's compiled
    module, plus the two frees it leaves out. Its cdef declares neither ``cmark_node_free``
    nor the allocator: both are looked up in the same shared object (``dlopen`` of a loaded
    file gives the loaded copy), the allocator is read through the cdef's ``cmark_mem``."""
    ffi: Any = _cmark.ffi
    lib: Any = _cmark.lib
    compiled = ctypes.CDLL(_cmark.__file__)
    node_free = ffi.cast(
        "void (*)(cmark_node *)", ctypes.cast(compiled.cmark_node_free, ctypes.c_void_p).value
    )
    allocator = ctypes.CFUNCTYPE(ctypes.c_void_p)(("cmark_get_default_mem_allocator", compiled))
    # The parser's allocator (cmark_parser_new uses the default one), which the nodes and
    # cmark_render_html's string are allocated with.
    mem = ffi.cast("cmark_mem *", allocator())
    if mem == ffi.NULL:
        raise ValueError("cmark-gfm has no default allocator")
    lib.cmark_gfm_core_extensions_ensure_registered()
    extensions = []
    for name in EXTENSIONS:
        extension = lib.cmark_find_syntax_extension(name.encode("utf-8"))
        if extension == ffi.NULL:
            raise ValueError(f"cmark-gfm has no {name} extension")
        extensions.append(extension)
    none = lib.CMARK_NODE_NONE

    def convert(text: str, flags: int) -> str:
        encoded = text.encode("utf-8")
        parser = lib.cmark_parser_new(flags)
        if parser == ffi.NULL:
            raise MemoryError("cmark-gfm could not make a parser")
        try:
            for extension in extensions:
                lib.cmark_parser_attach_syntax_extension(parser, extension)
            lib.cmark_parser_feed(parser, encoded, len(encoded))
            # The document is the caller's: cmark_parser_finish detaches it from the parser,
            # and cmark_parser_free frees only the parser's own (new, empty) document.
            root = lib.cmark_parser_finish(parser)
            if root == ffi.NULL:
                raise ValueError("Error parsing markdown!")
            try:
                if lib.cmark_node_get_type(root) == none:
                    raise ValueError("Error parsing markdown!")
                html_string = lib.cmark_render_html(
                    root, flags, lib.cmark_parser_get_syntax_extensions(parser)
                )
                if html_string == ffi.NULL:
                    raise MemoryError("cmark-gfm could not render the document")
                try:
                    return str(ffi.string(html_string).decode("utf-8"))
                finally:
                    mem.free(html_string)
            finally:
                node_free(root)
        finally:
            lib.cmark_parser_free(parser)

    return convert
