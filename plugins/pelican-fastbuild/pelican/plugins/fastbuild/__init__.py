"""Fast builds: Networker's build-speed plugin.

- Markdown is converted in worker processes on every core (:mod:`pelican.plugins.fastbuild.reading`);
- a rebuild renders only the pages whose inputs changed (:mod:`pelican.plugins.fastbuild.writing`),
  when Pelican's content cache is on (``CACHE_CONTENT`` / ``LOAD_CONTENT_CACHE``);
- otherwise pages are rendered on every core once every generator has written
  (:mod:`pelican.plugins.fastbuild.rendering`).

All produce byte for byte what a plain sequential cold build produces; the tests hold
them to it. Settings: ``FASTBUILD_*`` (:mod:`pelican.plugins.fastbuild.settings`).
"""

from pelican import signals

from . import reading, writing


def register():
    signals.readers_init.connect(reading.use_parallel_markdown_reader)
    signals.article_generator_init.connect(reading.start_build)
    signals.page_generator_init.connect(reading.add_generator)
    signals.get_writer.connect(writing.provide_writer)
    signals.get_generators.connect(writing.render_generator)
    signals.finalized.connect(writing.finish_build)
    signals.finalized.connect(reading.stop_workers)
