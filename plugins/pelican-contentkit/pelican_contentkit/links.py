"""Links in the small pieces of HTML the plugins convert (a QuoteAction's action, a newsletter
note), resolved as Pelican resolves them in articles, with absolute addresses.

A piece is shown on many pages at once (every article of its month, an archive page, the
issue's page) and in the email, so every address in it must work from anywhere: each
``<a href>`` and ``<img src>`` is made absolute (``SITEURL``).

- ``{filename}``, ``{static}`` and Pelican's other placeholders: Pelican's own replacement
  (:func:`pelican_contentkit.pelican_api.replace_intrasite_links`), paths taken from the
  piece's file as in an article (``{filename}../articles/x.md``, or ``{filename}/articles/x.md``
  from the content folder);
- a relative path (``images/map.png``, ``../articles/x.md``) is what it would be written with
  ``{static}`` (``{filename}`` for a Markdown file): relative addresses cannot work on every
  page the piece is shown on;
- a site path (``/about/``) gets ``SITEURL`` in front;
- full addresses, ``#fragments``, ``mailto:`` and Mailchimp's ``*|MERGE|*`` tags are kept.

This works on the HTML the converter produced, whichever converter that is. The links that
point to no file are returned, for :func:`link_problems` to report with file, line and fix.
"""

from __future__ import annotations

import difflib
import html
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from pelican_contentkit.errors import ContentError
from pelican_contentkit.gfm import MARKDOWN_SUFFIXES
from pelican_contentkit.pelican_api import replace_intrasite_links

# An <a href> or <img src> with a quoted value (Python-Markdown always quotes them).
_LINK = re.compile(
    r"""(?P<start><(?P<tag>a|img)\b[^>]*?\s(?:href|src)\s*=\s*)(?P<quote>["'])(?P<value>.*?)(?P=quote)""",
    re.IGNORECASE | re.DOTALL,
)
_PLACEHOLDER = re.compile(r"^(?:\{(\w+)\}|\|(\w+)\|)")


@dataclass(frozen=True)
class DeadLink:
    """A link or image in a piece that points to no file: as written, and what it was read as."""

    tag: str  # "a" or "img"
    written: str
    placeholder: str  # the {filename} or {static} form Pelican looked up


def absolute_links(
    piece_html: str, source_file: Path, settings: dict[str, Any], context: dict[str, Any]
) -> tuple[str, list[DeadLink]]:
    """(``piece_html`` with every link and image address absolute, the links to no file).

    ``source_file`` is the file the piece was written in (absolute); ``context`` the build's
    shared context, complete once every generator has read its content (at
    ``all_generators_finalized``)."""
    site_url = str(settings.get("SITEURL") or "").rstrip("/")
    written: dict[str, tuple[str, str]] = {}  # placeholder -> (tag, as written)

    def placeholder_for(match: re.Match[str]) -> str:
        tag = match.group("tag").lower()
        value = html.unescape(match.group("value"))
        if _PLACEHOLDER.match(value):
            written[value] = (tag, value)
            return match.group(0)
        if _kept_as_written(value):
            return match.group(0)
        if value.startswith("/"):
            replacement = f"{site_url}{value}"
        else:
            kind = "filename" if _is_markdown_link(tag, value) else "static"
            replacement = f"{{{kind}}}{value}"
            written[replacement] = (tag, value)
        quote = match.group("quote")
        return f"{match.group('start')}{quote}{html.escape(replacement, quote=True)}{quote}"

    prepared = _LINK.sub(placeholder_for, piece_html)
    if not written and prepared == piece_html:
        return piece_html, []
    resolved = replace_intrasite_links(prepared, str(source_file), settings, context, site_url or "/")
    dead = []
    for match in _LINK.finditer(resolved):
        value = html.unescape(match.group("value"))
        if _PLACEHOLDER.match(value) and value in written:
            tag, as_written = written[value]
            dead.append(DeadLink(tag=tag, written=as_written, placeholder=value))
    return resolved, dead


def static_links(piece_html: str, source_file: Path, settings: dict[str, Any]) -> set[str]:
    """The files ``piece_html`` links with ``{static}`` (or a relative path read as one), as
    content-relative paths: added to the context's ``static_links`` before Pelican's static
    generator runs, they are copied to the site even outside ``STATIC_PATHS``, as an article's
    are."""
    content_root = Path(settings["PATH"]).resolve()
    folder = _folder_in_content(source_file, content_root)
    found = set()
    for match in _LINK.finditer(piece_html):
        tag = match.group("tag").lower()
        value = html.unescape(match.group("value"))
        placeholder = _PLACEHOLDER.match(value)
        if placeholder:
            if (placeholder.group(1) or placeholder.group(2)) not in ("static", "attach"):
                continue
            path = value[placeholder.end() :]
        elif _kept_as_written(value) or value.startswith("/") or _is_markdown_link(tag, value):
            continue
        else:
            path = value
        path = unquote(urlsplit(path).path)
        if path:
            found.add(
                path.lstrip("/") if path.startswith("/") else posixpath.normpath(posixpath.join(folder, path))
            )
    # A file that is not there is the dead link :func:`link_problems` reports, not Pelican's.
    return {path for path in found if not path.startswith("..") and (content_root / path).is_file()}


def link_problems(
    label: str, source_file: Path, text: str, dead: list[DeadLink], content_root: Path
) -> list[ContentError]:
    """One problem per dead link of a piece written in ``source_file`` (named ``label``, its raw
    ``text`` for the line): what points nowhere, and the file it was probably meant to be."""
    problems = []
    content_files = None
    for link in dead:
        match = _PLACEHOLDER.match(link.placeholder)
        kind = (match.group(1) or match.group(2)) if match else "static"
        path = unquote(urlsplit(link.placeholder[match.end() :] if match else link.written).path)
        content_files = content_files or sorted(
            p.relative_to(content_root).as_posix() for p in content_root.rglob("*") if p.is_file()
        )
        folder = (
            source_file.parent.relative_to(content_root).as_posix()
            if source_file.is_relative_to(content_root)
            else ""
        )
        wanted = (
            path.lstrip("/") if path.startswith("/") else posixpath.normpath(posixpath.join(folder, path))
        )
        fix_kind = "static" if link.tag == "img" or kind == "static" else "filename"
        if wanted in content_files:  # there, but neither read nor copied by Pelican
            fix = "link an article or page with {filename}, a file to copy with {static}"
        elif path.lstrip("/") in content_files and not path.startswith("/"):
            fix = f"paths are taken from the file's folder, as in articles: write {{{fix_kind}}}/{path}"
        else:
            guess = difflib.get_close_matches(wanted, content_files, n=1, cutoff=0.6)
            fix = (
                f"did you mean {{{fix_kind}}}/{guess[0]}?"
                if guess
                else "link to a file under the content folder ({filename}/articles/name.md, "
                "{static}/images/name.png) or write a full address"
            )
        what = "image" if link.tag == "img" else "link"
        problems.append(
            ContentError(
                label,
                what,
                f"{link.written} points to {wanted}, which the site neither builds nor copies"
                if wanted in content_files
                else f"{link.written} points to no file ({wanted} is not in {content_root.name}/)",
                fix,
                _line_of(text, link.written),
            )
        )
    return problems


def _folder_in_content(source_file: Path, content_root: Path) -> str:
    """The folder of ``source_file`` relative to the content folder ('' when outside it)."""
    source, root = source_file.resolve(), content_root.resolve()
    return source.parent.relative_to(root).as_posix() if source.is_relative_to(root) else ""


def _kept_as_written(value: str) -> bool:
    """Full addresses, fragments, mail and phone links, data and Mailchimp's merge tags."""
    return not value or value.startswith(("#", "*|", "mailto:", "tel:", "data:")) or _is_address(value)


def _is_markdown_link(tag: str, value: str) -> bool:
    return tag == "a" and Path(urlsplit(value).path).suffix.lower() in MARKDOWN_SUFFIXES


def _is_address(value: str) -> bool:
    parts = urlsplit(value)
    return bool(parts.scheme or parts.netloc)


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return None
