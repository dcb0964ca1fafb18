"""Markdown for QuoteAction bodies and prompt texts, configured like Pelican's reader."""

from __future__ import annotations

import copy
import re
from typing import Any, cast

import html2text
from markdown import Markdown

_ONE_PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.DOTALL)
_BLANK_LINES = re.compile(r"\n{3,}")


def markdown_from_settings(markdown_settings: dict[str, Any], with_metadata: bool = False) -> Markdown:
    """A Markdown converter with the site's MARKDOWN extensions (and the meta extension)."""
    config = copy.deepcopy(markdown_settings)
    config.setdefault("extension_configs", {})
    extensions = list(config.get("extensions", []))
    for name in config["extension_configs"]:
        if name not in extensions:
            extensions.append(name)
    if with_metadata and "markdown.extensions.meta" not in extensions:
        extensions.append("markdown.extensions.meta")
    config["extensions"] = extensions
    return Markdown(**config)


def metadata_fields(md: Markdown) -> dict[str, str]:
    """The fields the meta extension read in ``md``'s last conversion, each value's lines joined.

    The extension sets ``md.Meta``, which the Markdown stubs do not declare; a converter
    without the extension is a mistake in the calling code, not in the content.
    """
    meta = getattr(md, "Meta", None)
    if meta is None:
        raise TypeError("metadata_fields needs a converter with the meta extension (with_metadata=True)")
    lines_by_key = cast(dict[str, list[str]], meta)
    return {key: " ".join(line.strip() for line in lines).strip() for key, lines in lines_by_key.items()}


def inline_html(md: Markdown, text: str) -> str:
    """Markdown to HTML without the wrapping <p> of a single paragraph."""
    md.reset()
    rendered = md.convert(text.strip())
    match = _ONE_PARAGRAPH.match(rendered)
    return match.group(1) if match and "<p>" not in match.group(1) else rendered


def html_to_text(rendered: str) -> str:
    """Plain text of a piece of rendered HTML, for the email's text part (html2text).

    What the HTML says by its structure stays visible: headings as ``## Heading``, list items
    numbered or bulleted, quotes as ``> ``, code blocks indented and kept on their lines,
    tables as rows, links as ``[text](address)`` (the address kept). Not wrapped: the email's
    template wraps. Entities are decoded; the result is text, never markup.
    """
    converter = _PlainText(bodywidth=0)
    converter.unicode_snob = True  # “quotes” and accents stay as written
    converter.ignore_emphasis = True  # *emphasis* marks are noise in a plain-text email
    converter.ignore_images = False
    text = converter.handle(rendered or "")
    lines = [line.rstrip() for line in text.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n").rstrip()


class _PlainText(html2text.HTML2Text):
    """html2text without its Markdown escapes (``2026\\.``, ``\\-``): this text is read by
    people, never parsed again."""

    def handle_data(self, data: str, entity_char: bool = False) -> None:
        super().handle_data(data, entity_char=True)  # True: html2text leaves the text as it is
