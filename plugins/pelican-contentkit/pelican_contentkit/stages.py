"""A moment of a build that Pelican has no signal for: every article's and page's own file is
on disk; and the background processes a plugin starts for a build, ended with it.

Pelican writes each article and page as it goes, so its ``page_writer_finalized`` (the
pages generator, which comes after the articles one) is that moment. A writer that keeps
pages to render them later (fastbuild's rendering on every core) says so with
:func:`hold_content_pages` when it is made, and calls :func:`content_pages_written` once it
has written them. A plugin that wants the moment (the search index, which reads only these
files) connects with :func:`when_content_pages_written` and calls :func:`content_pages_ready`
from its own ``page_writer_finalized`` handler: the receiver is called once, when the files
are there, whatever order Blinker calls the handlers in.

:func:`content_page_paths` lists the files: the ``save_as`` of every article, page, draft
and translation the build read (the context's ``generated_content``).

A process started in the background for a build (:func:`track`) must not outlive it:
:func:`end_background` kills and reaps every one still running; ``build_site`` calls it on
every exit path, and it also runs at the interpreter's exit (plain ``pelican``), then calls
each process's cleanup (its scratch folder goes).
"""

from __future__ import annotations

import atexit
import logging
import subprocess
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

ContentPagesReceiver = Callable[[dict[str, Any], dict[str, Any]], None]
_receivers: list[ContentPagesReceiver] = []
# The settings object of the build whose writer holds the content pages, if any.
_held_for: dict[str, Any] | None = None
# Each background process, with what to do once it has ended (remove its scratch folder...).
_background: list[tuple[subprocess.Popen[Any], Callable[[], None] | None]] = []


def when_content_pages_written(receiver: ContentPagesReceiver) -> None:
    """Call ``receiver(settings, context)`` when a build's content pages are written."""
    if receiver not in _receivers:
        _receivers.append(receiver)


def stop_receiving(receiver: ContentPagesReceiver) -> None:
    """Undo :func:`when_content_pages_written`."""
    if receiver in _receivers:
        _receivers.remove(receiver)


def hold_content_pages(settings: dict[str, Any]) -> None:
    """The writer of the build with these settings writes the content pages later, and calls
    :func:`content_pages_written` when it has."""
    global _held_for
    _held_for = settings


def content_pages_ready(settings: dict[str, Any], context: dict[str, Any]) -> None:
    """``page_writer_finalized``: Pelican has written the content pages, unless a writer
    holds them."""
    if _held_for is not settings:
        _announce(settings, context)


def content_pages_written(settings: dict[str, Any], context: dict[str, Any]) -> None:
    """The writer that held the content pages has written them."""
    global _held_for
    if _held_for is settings:
        _held_for = None
    _announce(settings, context)


def _announce(settings: dict[str, Any], context: dict[str, Any]) -> None:
    for receiver in list(_receivers):
        receiver(settings, context)


def content_page_paths(context: dict[str, Any]) -> list[str]:
    """Where every article, page, draft and translation the build read is written, relative
    to the output folder (those that are not written have no ``save_as``)."""
    paths = {
        str(save_as)
        for content in (context.get("generated_content") or {}).values()
        if (save_as := getattr(content, "save_as", ""))
    }
    return sorted(paths)


def track(process: subprocess.Popen[Any], cleanup: Callable[[], None] | None = None) -> None:
    """End ``process`` with the build, however the build ends, then call ``cleanup``."""
    _background.append((process, cleanup))


def untrack(process: subprocess.Popen[Any]) -> None:
    """``process`` is ended by its owner: leave it out of :func:`end_background`."""
    _background[:] = [entry for entry in _background if entry[0] is not process]


def end_background() -> None:
    """Kill and reap every background process still running."""
    global _held_for
    _held_for = None
    while _background:
        process, cleanup = _background.pop()
        if process.poll() is None:
            logger.debug("ending the background process %d (%s)", process.pid, process.args)
            process.kill()
        process.wait()
        if cleanup is not None:
            cleanup()


atexit.register(end_background)
