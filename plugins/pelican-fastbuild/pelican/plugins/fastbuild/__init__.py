"""Fast builds: Networker's build-speed plugin.

- a rebuild renders only the pages whose inputs changed (:mod:`pelican.plugins.fastbuild.writing`),
  when Pelican's content cache is on (``CACHE_CONTENT`` / ``LOAD_CONTENT_CACHE``);
- in every build, each template compiles once for all the generators, and a later build in the
  same process (live reload) reuses it while its source is unchanged
  (:mod:`pelican.plugins.fastbuild.compiled`);
- after an edit of bodies alone, a live-reload rebuild writes only the pages and feeds that
  read them, from the previous build in the same process (:mod:`pelican.plugins.fastbuild.quick`);
- otherwise pages are rendered on every core: the articles and pages as soon as the pages
  generator has written (``page_writer_finalized``; the search index starts on them), the
  rest once every generator has written (:mod:`pelican.plugins.fastbuild.rendering`).

All produce byte for byte what a plain sequential cold build produces; the tests hold
them to it. Settings: ``FASTBUILD_*`` (:mod:`pelican.plugins.fastbuild.settings`). Every use of
Pelican's private internals is in :mod:`pelican.plugins.fastbuild.compat`; on a Pelican it was
not tested with, fastbuild stays off (:mod:`pelican.plugins.fastbuild.handlers`).
"""

from pelican import signals

from pelican_contentkit.rebuild import declare_body_edits, offer_quick_rebuild

from . import handlers, quick


def register():
    declare_body_edits(__name__)
    offer_quick_rebuild(quick.REBUILDER)
    signals.get_generators.connect(handlers.begin_build)
    signals.all_generators_finalized.connect(handlers.generators_done)
    signals.generator_init.connect(handlers.generator_made)
    signals.get_writer.connect(handlers.provide_writer)
    signals.page_writer_finalized.connect(handlers.content_pages_kept)
    signals.finalized.connect(handlers.end_build)
