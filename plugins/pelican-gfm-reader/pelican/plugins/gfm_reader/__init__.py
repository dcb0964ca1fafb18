"""GitHub-flavoured Markdown for Pelican's Markdown files (``.md``, ``.markdown``, ``.mkd``,
``.mdown``), converted by cmark-gfm (:mod:`pelican_contentkit.gfm`).

The header is Pelican's (``Title: ...`` lines up to the first blank line), read as Pelican's
Markdown reader reads it and processed by Pelican (:mod:`.reader`). ``GFM_READER_ENABLED =
False`` gives the files back to Pelican's Python-Markdown reader.
"""

from pelican import signals

from pelican_contentkit.rebuild import declare_body_edits

from . import reader


def register():
    declare_body_edits(__name__)  # it reads bodies; it derives nothing from them
    signals.readers_init.connect(reader.use_gfm_reader)
