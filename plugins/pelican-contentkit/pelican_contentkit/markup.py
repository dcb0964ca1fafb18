"""Markdown for QuoteAction bodies and prompt texts, configured like Pelican's reader."""

from __future__ import annotations

import copy
import html
import re
from typing import Any, cast

from markdown import Markdown

_TAG = re.compile(r"<[^>]+>")
_ONE_PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.DOTALL)


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
    """Plain text of a small piece of rendered Markdown: links keep their address."""
    with_links = re.sub(
        r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>',
        lambda m: f"{m.group(2)} ({m.group(1)})" if m.group(1) != m.group(2) else m.group(1),
        rendered,
        flags=re.DOTALL,
    )
    text = _TAG.sub("", re.sub(r"</p>\s*<p>", "\n\n", with_links))
    return "\n\n".join(" ".join(part.split()) for part in html.unescape(text).split("\n\n")).strip()
