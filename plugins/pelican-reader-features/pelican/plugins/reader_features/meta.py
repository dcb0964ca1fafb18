"""Head metadata: plain-text descriptions and JSON-LD, as pure functions."""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from markupsafe import Markup

_BLOCK_TAG = re.compile(
    r"</?(?:p|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|div|section|blockquote|pre|figure|figcaption|table|tr|td|th)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
# Characters that could end or confuse a <script> element, written as JSON escapes instead.
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def plain_text(markup: str) -> str:
    """``markup`` as one line of plain text: tags removed (block tags leave a space), entities
    decoded, runs of white space (no-break spaces too) made one space."""
    text = _TAG.sub("", _BLOCK_TAG.sub(" ", markup or ""))
    return _SPACE.sub(" ", html.unescape(text)).strip()


def striptags(value: Any) -> str:
    """Jinja's ``striptags`` filter (comments and tags removed, entities decoded, white space
    made one space), kept per text: a list page strips the summary of every article it
    shows, and every page the site's name, the same texts again and again."""
    if hasattr(value, "__html__"):
        value = value.__html__()
    return _stripped(str(value))


@functools.lru_cache(maxsize=4096)
def _stripped(markup: str) -> str:
    return Markup(markup).striptags()


def meta_description(markup: str, max_length: int = 160) -> str:
    """A plain-text description of at most ``max_length`` characters, cut at a word with "…"
    (kept per text: an article's page asks twice, its share links once more)."""
    return _description(markup or "", max_length)


@functools.lru_cache(maxsize=4096)
def _description(markup: str, max_length: int) -> str:
    text = plain_text(markup)
    if len(text) <= max_length:
        return text
    cut = text[: max_length - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-–—") + "…"


def blog_posting(
    *,
    headline: str,
    url: str,
    published: datetime,
    modified: datetime | None,
    authors: list[str],
    description: str,
    site_name: str,
    site_url: str,
    people: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """schema.org BlogPosting for an article, as a plain dict. ``people`` adds what is known
    of an author by name (``url``, ``sameAs``: from an author profile) to their ``Person``."""
    return {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": headline,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": published.isoformat(),
        "dateModified": (modified or published).isoformat(),
        "author": [{"@type": "Person", "name": name, **(people or {}).get(name, {})} for name in authors],
        "description": description,
        "publisher": {"@type": "Organization", "name": site_name, "url": site_url},
    }


def json_ld_script(data: dict[str, Any]) -> Markup:
    """A ``<script type="application/ld+json">`` element, safe to put in HTML as it is."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=None)
    for char, escaped in _SCRIPT_UNSAFE.items():
        text = text.replace(char, escaped)
    return Markup(f'<script type="application/ld+json">{text}</script>')
