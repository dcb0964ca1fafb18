"""The one way the plugins read a content file of their own (QuoteActions, the prompts YAML,
newsletter files, and the header scan of articles and pages).

Read the way Pelican's readers read (``pelican.utils.pelican_open``): UTF-8, a leading
byte-order mark dropped, CRLF and CR line ends read as LF. Bytes that are not UTF-8 are a
:class:`~pelican_contentkit.errors.ContentError` naming the file and the line, never a
``UnicodeDecodeError``.
"""

from __future__ import annotations

from pathlib import Path

from pelican_contentkit.errors import ContentError

BOM = "\ufeff"
NOT_UTF8_FIX = "save the file as UTF-8 in your editor"


def read_content_file(path: str | Path, label: str | Path) -> str:
    """The text of ``path``; ``label`` names it in the error (its path as the author sees it)."""
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ContentError(label, None, "is not UTF-8 text", NOT_UTF8_FIX, line) from None
    return text.removeprefix(BOM).replace("\r\n", "\n").replace("\r", "\n")
