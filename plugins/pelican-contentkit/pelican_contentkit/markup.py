"""Markdown for the small pieces the plugins convert: QuoteAction actions, connector prompt
texts, newsletter notes. The site's engine (:mod:`pelican_contentkit.gfm`), as for articles.

A piece is converted as it is: no header is read from it (a prompt ``Tip: think of two
people`` is text, not a field), and Mailchimp merge tags (``*|UNSUB|*``) are kept as written.
Data files with a header (QuoteActions, newsletter notes) read it first with
:func:`pelican_contentkit.header.read_header`, as the site's reader reads an article's.
Headings in a piece get no ``id``: the piece is shown inside a page that has its own.
"""

from __future__ import annotations

import functools
import re

import html2text

from pelican_contentkit import gfm

_BLANK_LINES = re.compile(r"\n{3,}")
# Text with no tag and no entity, alone or as one paragraph (a title, a summary): html2text
# makes its runs of white space one space, and nothing else; asked for every article.
_PLAIN = re.compile(r"(?:<p>)?([^<&]*)(?:</p>\n?)?")
PIECE = gfm.GfmOptions(heading_ids=False, keep_merge_tags=True)


def piece_html(text: str) -> str:
    """A piece of Markdown (an action, a note) as HTML."""
    return gfm.to_html(text, PIECE).strip()


def inline_html(text: str) -> str:
    """A piece of Markdown as HTML, without the wrapping <p> of a single paragraph."""
    return gfm.inline_html(text, PIECE)


# Asked for every article's title and summary in every build (the newsletter's issues), and
# again on every live-reload rebuild: a piece seen before is answered without converting.
@functools.lru_cache(maxsize=8192)
def html_to_text(rendered: str) -> str:
    """Plain text of a piece of rendered HTML, for the email's text part (html2text).

    What the HTML says by its structure stays visible: headings as ``## Heading``, list items
    numbered or bulleted, quotes as ``> ``, code blocks indented and kept on their lines,
    tables as rows, links as ``[text](address)`` (the address kept). Not wrapped: the email's
    template wraps. Entities are decoded; the result is text, never markup.
    """
    rendered = rendered or ""
    plain = _PLAIN.fullmatch(rendered)
    if plain is not None and rendered.startswith("<p>") == rendered.rstrip("\n").endswith("</p>"):
        return " ".join(plain.group(1).split())
    return converted_to_text(rendered)


def converted_to_text(rendered: str) -> str:
    """:func:`html_to_text` through html2text, whatever ``rendered`` is."""
    converter = _PlainText(bodywidth=0)
    converter.unicode_snob = True  # “quotes” and accents stay as written
    converter.ignore_emphasis = True  # *emphasis* marks are noise in a plain-text email
    converter.ignore_images = False
    text = converter.handle(rendered)
    lines = [line.rstrip() for line in text.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n").rstrip()


class _PlainText(html2text.HTML2Text):
    """html2text without its Markdown escapes (``2026\\.``, ``\\-``): this text is read by
    people, never parsed again."""

    def handle_data(self, data: str, entity_char: bool = False) -> None:
        super().handle_data(data, entity_char=True)  # True: html2text leaves the text as it is
