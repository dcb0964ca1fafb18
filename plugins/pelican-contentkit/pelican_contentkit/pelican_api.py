"""The Pelican entry points the kit calls, with types, and its one use of Pelican's internals.

Pelican ships no type information, so its functions are untyped for mypy; the shared layer is
checked strictly, and calls them only through these. Pelican is imported when they run, not
when the kit is, as the commands did before.

:func:`replace_intrasite_links` is Pelican's own link replacement (``{filename}``,
``{static}``, ``{category}``... as in an article), reached through private internals:
``Content._update_content(content, siteurl)`` and what its ``_link_replacer`` reads from the
content object (``settings``, ``_context``, ``source_path``), and the warning it logs for a
link to nothing ("Unable to find ...", on the ``pelican.contents`` logger). They are guarded by the Pelican
releases this was tested with (:data:`TESTED_PELICAN_VERSIONS`);
``tests/test_links.py`` checks they still exist.
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)

TESTED_PELICAN_VERSIONS = ("4.12.0",)


def init_logging(level: int, fatal: str = "") -> None:
    """``pelican.log.init``: Pelican's log handler and format; ``fatal`` as its ``--fatal``."""
    from pelican.log import init

    init(level=level, fatal=fatal)  # type: ignore[no-untyped-call]


def run_pelican(settings: dict[str, Any]) -> None:
    """``Pelican(settings).run()``: one whole build, or with the check's settings its reading."""
    from pelican import Pelican

    Pelican(settings).run()  # type: ignore[no-untyped-call]


def intrasite_links_supported() -> bool:
    """Whether this Pelican is one :func:`replace_intrasite_links` was tested with, with the
    internals it uses in place."""
    import pelican
    from pelican.contents import Content

    return pelican.__version__ in TESTED_PELICAN_VERSIONS and all(
        callable(getattr(Content, name, None)) for name in ("_update_content", "_link_replacer")
    )


def replace_intrasite_links(
    html: str, source_path: str, settings: dict[str, Any], context: dict[str, Any], siteurl: str
) -> str:
    """``html``'s ``{filename}``, ``{static}`` (and other placeholder) links replaced as Pelican
    replaces them in an article written at ``source_path``: relative paths are taken from that
    file's folder, ``/``-paths from the content folder. Addresses start with ``siteurl``; a link
    to nothing is left as written (Pelican logs "Unable to find ..."). ``context`` is the build's
    shared context, complete (``generated_content`` and ``static_content``) once every
    generator has read its content."""
    from pelican.contents import Content

    if not intrasite_links_supported():
        logger.warning(
            "[content] this Pelican is not one whose link replacement Networker was tested with "
            "(%s): links in %s are left as written",
            ", ".join(TESTED_PELICAN_VERSIONS),
            source_path,
        )
        return html
    # A content object with only what the link replacement reads: created without __init__,
    # so no content_object_init signal reaches other plugins for a piece that is no article.
    piece = Content.__new__(Content)
    piece.settings = settings
    piece._context = context
    piece.source_path = source_path
    # Pelican's "Unable to find ..." names no file; the caller reports those links itself.
    pelican_contents = logging.getLogger("pelican.contents")
    pelican_contents.addFilter(_not_found_left_to_the_caller)
    try:
        replaced: str = piece._update_content(html, siteurl)
    finally:
        pelican_contents.removeFilter(_not_found_left_to_the_caller)
    return replaced


def _not_found_left_to_the_caller(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith("Unable to find")
