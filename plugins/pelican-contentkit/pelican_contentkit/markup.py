"""Markdown for the small pieces the plugins convert: QuoteAction actions, connector prompt
texts, newsletter notes. The site's engine (:mod:`pelican_contentkit.gfm`), as for articles.

A piece is converted as it is: no header is read from it (a prompt ``Tip: think of two
people`` is text, not a field), and Mailchimp merge tags (``*|UNSUB|*``) are kept as written.
Data files with a header (QuoteActions, newsletter notes) read it first with
:func:`pelican_contentkit.header.read_header`, as the site's reader reads an article's.
Headings in a piece get no ``id``: the piece is shown inside a page that has its own.
"""

from __future__ import annotations

import html
import re

from pelican_contentkit import gfm

_TAG = re.compile(r"<[^>]+>")
PIECE = gfm.GfmOptions(heading_ids=False, keep_merge_tags=True)


def piece_html(text: str) -> str:
    """A piece of Markdown (an action, a note) as HTML."""
    return gfm.to_html(text, PIECE).strip()


def inline_html(text: str) -> str:
    """A piece of Markdown as HTML, without the wrapping <p> of a single paragraph."""
    return gfm.inline_html(text, PIECE)


def html_to_text(rendered: str) -> str:
    """Plain text of a small piece of rendered Markdown: links keep their address."""
    with_links = re.sub(
        r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>',
        lambda m: f"{m.group(2)} ({m.group(1)})" if m.group(1) != m.group(2) else m.group(1),
        rendered,
        flags=re.DOTALL,
    )
    text = _TAG.sub("", re.sub(r"</p>\s*<p>", "\n\n", with_links))
    return "\n\n".join(" ".join(part.split()) for part in html.unescape(text).split("\n\n")).strip()
