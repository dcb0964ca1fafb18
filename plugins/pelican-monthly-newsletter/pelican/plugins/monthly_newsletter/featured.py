"""A featured article in full, for an issue's web page and its email: pure functions over HTML.

``Featured: <slug>`` in ``content/newsletters/YYYY-MM.md`` puts that article's whole body in the
issue. The web page takes the body as the site shows it, with absolute links and its headings
one level down (the article's title is the section's heading). The email takes it rewritten
for mail clients (:func:`email_body`):

- images at most :data:`EMAIL_IMAGE_MAX_WIDTH` px wide with ``width`` set (Outlook reads
  it) and no ``height``, styled to scale down with the column, an absolute ``src``, and alt
  text (an image without it is a problem, with the article's file and line);
- links absolute (and tracked, by the ``link`` function the issue gives), footnotes kept;
- no script, iframe, form, video, audio, object or embed: each is replaced by a link to the
  article on the web (a script, which shows nothing, is left out); no ``style`` or ``on*``
  attributes, no ``javascript:`` links;
- headings two levels down (the email's section label is a level-two heading, the title level three);
- HTML5's sectioning and inline semantic elements (the ``<section>`` of footnotes, ``<figure>``,
  ``<mark>``...), which Outlook for Windows does not know, written as ``<div>`` and ``<span>``.

Headings, lists, quotes, tables and code are styled by the email's CSS (``.featured-body ...``),
which css-inline writes into ``style`` attributes.
"""

from __future__ import annotations

import html
import re
import struct
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from pelican_contentkit.errors import ContentError
from pelican_contentkit.markup import html_to_text

# The email's column: the 600 px container less its 32 px padding on each side.
EMAIL_IMAGE_MAX_WIDTH = 536
# Elements that never reach an email, and what the link that replaces them says.
REPLACED = {
    "iframe": "See the embedded content",
    "video": "Watch the video",
    "audio": "Listen to the audio",
    "object": "See the embedded content",
    "embed": "See the embedded content",
    "form": "Use the form",
    "canvas": "See the illustration",
}
DROPPED = frozenset(
    {"script", "noscript", "style", "link", "meta", "template", "button", "input", "select", "textarea"}
)
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
KEPT_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "alt",
        "title",
        "id",
        "class",
        "colspan",
        "rowspan",
        "scope",
        "headers",
        "lang",
        "dir",
        "start",
        "reversed",
        "datetime",
        "cite",
        "abbr",
    }
)
# HTML5 semantic elements (caniemail's "HTML5 semantics") as the elements every client knows.
PLAIN_ELEMENTS = {
    **dict.fromkeys(
        ("article", "aside", "details", "figcaption", "figure", "footer", "header", "main", "nav", "section"),
        "div",
    ),
    **dict.fromkeys(("mark", "summary", "time"), "span"),
}
_HEADING = re.compile(r"^h([1-6])$")
_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)
_BACKREF = re.compile(r'<a\b[^>]*class="footnote-backref"[^>]*>.*?</a>', re.DOTALL)
_IN_PAGE_LINK = re.compile(r'<a\b[^>]*href="#[^"]*"[^>]*>(.*?)</a>', re.DOTALL)
_IMG_ALT = re.compile(r"<img\b[^>]*?\balt=\"([^\"]*)\"[^>]*>", re.IGNORECASE)


ImageWidth = Callable[[str], int | None]  # absolute src -> natural width in px, if known


def shift_headings(markup: str, levels: int) -> str:
    """Every heading ``levels`` levels down (h2 -> h3 for 1), at most h6."""
    return _HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + levels)}", markup)


def email_body(
    markup: str,
    *,
    article_url: str,
    title_text: str,
    link: Callable[[str], str],
    image_width: ImageWidth,
) -> tuple[str, list[tuple[str, str]]]:
    """(the body for an email, [(src, problem)] for each image that cannot go in one)."""
    rewriter = _EmailRewriter(article_url, title_text, link, image_width)
    rewriter.feed(markup)
    rewriter.close()
    return "".join(rewriter.out), rewriter.problems


def plain_text(email_html: str) -> str:
    """The body as plain text: images by their alt text, links with their address."""
    without_backrefs = _BACKREF.sub("", email_html)
    in_page = _IN_PAGE_LINK.sub(r"\1", without_backrefs)  # "#fn:1" means nothing in plain text
    with_images = _IMG_ALT.sub(lambda m: f"<p>[Image: {m.group(1)}]</p>", in_page)
    return html_to_text(with_images)


class _EmailRewriter(HTMLParser):
    def __init__(
        self, base: str, title_text: str, link: Callable[[str], str], image_width: ImageWidth
    ) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.title_text = title_text
        self.link = link
        self.image_width = image_width
        self.out: list[str] = []
        self.problems: list[tuple[str, str]] = []
        self.skipping: list[str] = []  # the dropped or replaced element being skipped, nested

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        if self.skipping:
            if tag == self.skipping[0] and not closed and tag not in VOID:
                self.skipping.append(tag)
            return
        if tag in REPLACED or tag in DROPPED:
            if tag in REPLACED:
                self.out.append(
                    f'<p class="featured-replaced"><a href="{html.escape(self.link(self.base))}">'
                    f"{REPLACED[tag]} in “{html.escape(self.title_text)}” on the web</a></p>"
                )
            if not closed and tag not in VOID:
                self.skipping.append(tag)
            return
        kept = {name: value or "" for name, value in attrs if name in KEPT_ATTRIBUTES}
        tag = PLAIN_ELEMENTS.get(tag, tag)
        heading = _HEADING.match(tag)
        if heading:
            tag = f"h{min(6, int(heading.group(1)) + 2)}"
        if tag == "a" and "href" in kept:
            href = kept["href"].strip()
            if href.lower().startswith(("javascript:", "data:", "vbscript:")):
                del kept["href"]
            elif not href.startswith("#"):
                kept["href"] = self.link(urljoin(self.base, href))
        if tag == "img":
            image = self._image(kept, dict(attrs))
            if image is None:
                return
            kept = image
        rendered = "".join(f' {name}="{html.escape(value)}"' for name, value in kept.items())
        self.out.append(f"<{tag}{rendered}>")

    def _image(self, kept: dict[str, str], attrs: dict[str, str | None]) -> dict[str, str] | None:
        src = urljoin(self.base, kept.get("src", "").strip())
        alt = (attrs.get("alt") or "").strip()
        if not kept.get("src"):
            return None
        if not alt:
            self.problems.append((kept.get("src", ""), "an image without alt text"))
        declared = attrs.get("width") or ""
        natural = int(declared) if declared.isdigit() else self.image_width(src)
        width = min(natural or EMAIL_IMAGE_MAX_WIDTH, EMAIL_IMAGE_MAX_WIDTH)
        return {
            "src": src,
            "alt": alt,
            "width": str(width),
            **({"title": kept["title"]} if "title" in kept else {}),
            "class": "featured-image",
            # A percentage width lets a table cell narrower than the image shrink it (a max-width
            # alone does not); the max-width keeps it from growing past its own size.
            "style": f"width: 100%; max-width: {width}px; height: auto;",
        }

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[0]:
                self.skipping.pop()
            return
        if tag in DROPPED or tag in REPLACED or tag in VOID:
            return
        tag = PLAIN_ELEMENTS.get(tag, tag)
        heading = _HEADING.match(tag)
        if heading:
            tag = f"h{min(6, int(heading.group(1)) + 2)}"
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(html.escape(data, quote=False))


def image_width_in(content_root: Path, site_url: str) -> ImageWidth:
    """Natural widths of the site's own images (PNG, GIF, JPEG), read from the content folder."""
    prefix = site_url.rstrip("/") + "/"

    def width(src: str) -> int | None:
        if not src.startswith(prefix):
            return None
        path = content_root / urlsplit(src[len(prefix) :]).path
        try:
            return image_width(path.read_bytes()[:65536])
        except OSError:
            return None

    return width


def image_width(data: bytes) -> int | None:
    """The width in px from the first bytes of a PNG, GIF or JPEG file."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return int(struct.unpack(">I", data[16:20])[0])
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return int(struct.unpack("<H", data[6:8])[0])
    if data.startswith(b"\xff\xd8"):
        index = 2
        while index + 9 < len(data):
            if data[index] != 0xFF:
                return None
            marker = data[index + 1]
            length = struct.unpack(">H", data[index + 2 : index + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
                return int(struct.unpack(">H", data[index + 7 : index + 9])[0])
            index += 2 + length
    return None


def image_problems(
    problems: list[tuple[str, str]], label: str, raw_text: str, first_line: int | None
) -> list[ContentError]:
    """ContentErrors for the images ``email_body`` refused, each at its line in the article."""
    found = []
    lines = raw_text.split("\n")
    for src, problem in problems:
        name = urlsplit(src).path.rsplit("/", 1)[-1]
        line = next((number for number, text in enumerate(lines, 1) if name and name in text), first_line)
        found.append(
            ContentError(
                label,
                "image",
                f"{problem} ({src}); the article is featured in a newsletter, "
                "and mail clients that block images show their alt text",
                "write what the image shows between the brackets: ![A hand-drawn map of ten names](...)",
                line,
            )
        )
    return found
