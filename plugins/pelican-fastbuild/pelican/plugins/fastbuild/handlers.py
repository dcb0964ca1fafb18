"""fastbuild's signal handlers, and what they share: whether fastbuild runs in this build.

A build starts at ``get_generators``, the first signal of ``Pelican.run`` (``initialized``
comes once per Pelican object, and ``pelican --autoreload`` runs one object many times).
There fastbuild decides, once for the build, whether it runs:

- only when this build's ``PLUGINS`` names it (handlers stay connected once registered, so
  a later build in the same process without fastbuild reaches them too), or when
  ``PLUGINS`` is not set (Pelican then loads every installed namespace plugin);
- only on a Pelican it was tested with that still has every internal it relies on
  (:func:`pelican.plugins.fastbuild.compat.unsupported_reason`); on any other, it logs one
  warning naming the version and the build is plain Pelican's.

fastbuild patches Pelican's content class only while pages are written: the body watch
for the length of one page (:func:`pelican.plugins.fastbuild.compat.watching_bodies`), and
the memoized ``url`` and ``save_as`` (:func:`pelican.plugins.fastbuild.compat.memoize_urls`)
from ``get_writer`` (every generator's context is complete, the content check has passed)
to ``finalized``, or to the next build's start when a build raised before ``finalized``.

In a cached build (``CACHE_CONTENT``: a live-reload rebuild), Python's automatic garbage
collection is paused from ``get_generators`` to ``finalized`` (:func:`pause_collector`): a
rebuild runs in the process of the builds before it, and the automatic collections walked
their large heap. What a paused build makes stays in the young generations, so the next
build starts with one collection of those: it frees the previous build's garbage cycles (its
articles link to each other) without walking the whole heap. A build that raised before
``finalized`` leaves collection paused until the next build starts.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import compat, compiled, quick, writing

logger = logging.getLogger(__name__)
LOG_PREFIX = "[fastbuild]"
PLUGIN_NAMES = frozenset({"fastbuild", __package__})


@dataclass(frozen=True)
class Build:
    settings: dict[str, Any]  # the build's settings object (every generator and reader holds it)
    on: bool


_build: Build | None = None
# Puts Pelican's Content.url and save_as back (compat.memoize_urls), while pages are written.
_forget_urls: Callable[[], None] | None = None
_collector_paused = False  # by this module, for a cached build (pause_collector)
# A recorded build's watch of bodies read outside pages and feeds (quick.start), to finalized.
_watch: contextlib.ExitStack | None = None


def begin_build(pelican_object) -> type | None:
    """``get_generators``: a build starts; fastbuild's last generator when it runs. A
    development build is recorded for the quick rebuild after it (:mod:`.quick`)."""
    global _watch
    if not _begin(pelican_object.settings).on:
        quick.forget()
        return None
    if quick.records(pelican_object.settings):
        watch = quick.start(pelican_object)
        if watch is not None:
            _watch = contextlib.ExitStack()
            _watch.enter_context(watch)
    else:
        quick.forget()  # another kind of build ran since: the next quick rebuild starts afresh
    return writing.RenderKeptPages


def generators_done(generators) -> None:
    """``all_generators_finalized``: the generators of a recorded build."""
    quick.generators_done(generators)


def provide_writer(pelican_object) -> type | None:
    """``get_writer``: fastbuild's writer (the content check's gate first); URLs memoized
    from here to ``finalized``."""
    global _forget_urls
    if not _runs(pelican_object.settings):
        return None
    writer = writing.writer_class(pelican_object)
    _stop_memoizing_urls()
    _forget_urls = compat.memoize_urls()
    return writer


def generator_made(generator) -> None:
    """``generator_init``: the build's generators share their compiled templates."""
    build = _build
    if build is not None and build.on and build.settings is generator.settings:
        compiled.share_compiled_templates(generator)


def content_pages_kept(generator, writer=None) -> None:
    """``page_writer_finalized``: render the kept articles and pages first."""
    build = _build
    if build is not None and build.on and build.settings is generator.settings:
        writing.render_content_pages(generator, writer)


def end_build(pelican_object) -> None:
    """``finalized``: render what was kept for the end, keep the render cache."""
    global _build
    build = _build
    try:
        if build is not None and build.on and build.settings is pelican_object.settings:
            writing.finish_build(pelican_object)
    finally:
        _build = None
        _stop_watching()
        _stop_memoizing_urls()
        resume_collector()


def _stop_watching() -> None:
    global _watch
    if _watch is not None:
        watch, _watch = _watch, None
        watch.close()


def pause_collector() -> None:
    """Free the garbage cycles of the young generations (the previous build's: what a paused
    build makes stays young), then no automatic garbage collection until
    :func:`resume_collector`."""
    global _collector_paused
    if gc.isenabled():
        gc.collect(1)
        gc.disable()
        _collector_paused = True


def resume_collector() -> None:
    """Automatic collection on again."""
    global _collector_paused
    if _collector_paused:
        _collector_paused = False
        gc.enable()


def _stop_memoizing_urls() -> None:
    global _forget_urls
    if _forget_urls is not None:
        forget, _forget_urls = _forget_urls, None
        forget()


def listed(plugins: Any) -> bool:
    """Whether a ``PLUGINS`` setting loads fastbuild."""
    if plugins is None:
        return True
    names = {plugin if isinstance(plugin, str) else getattr(plugin, "__name__", "") for plugin in plugins}
    return not names.isdisjoint(PLUGIN_NAMES)


def _begin(settings: dict[str, Any]) -> Build:
    global _build
    _stop_memoizing_urls()  # left on by a build that raised before finalized
    _stop_watching()
    quick.abandon()
    compat.forget_memos()  # the builds before this one are garbage, unless these hold them
    resume_collector()
    on = listed(settings.get("PLUGINS")) and _supported()
    _build = Build(settings, on)
    if on and settings.get("CACHE_CONTENT"):
        pause_collector()
    return _build


def _runs(settings: dict[str, Any]) -> bool:
    """Whether fastbuild runs in the build these settings belong to (a writer asked for
    without ``Pelican.run`` starts a build of its own)."""
    build = _build
    if build is None or build.settings is not settings:
        build = _begin(settings)
    return build.on


def _supported() -> bool:
    reason = compat.unsupported_reason()
    if reason is None:
        return True
    logger.warning("%s turned off: %s; this build is plain Pelican's", LOG_PREFIX, reason)
    return False
