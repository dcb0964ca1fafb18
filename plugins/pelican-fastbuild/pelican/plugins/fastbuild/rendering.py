"""Pages rendered on every core.

Pelican renders one page after the other, about a third of a cold build. With
``FASTBUILD_WORKERS`` above 1 (and the render cache not in use), the writer does what
Pelican does for each page (its bookkeeping, the ``content_written`` signal) but keeps
the rendering for later: a :class:`PageJob` with the template, the page's context and
where it goes. The articles' and pages' own files are rendered as soon as the pages
generator has written (``page_writer_finalized``, so that the search index can start on
them), the rest when every generator has written: each time :func:`render_jobs` forks the
build process (each child sees the site as it is, no copying) and the processes render and
write their share of the pages; the build process takes the first share.

The output is byte for byte what Pelican writes: each page is rendered from the same
context, with the shared ``localsiteurl`` (which Pelican's writer sets before each page and
Pelican's content uses for its links) put back as it was when the page was written.

If a child fails in any way, the build process renders that child's pages itself, so an
error in a template is raised and logged by the build as usual. A page written twice keeps
Pelican's order: the kept rendering of the first write is done before the second.

What it assumes, as the render cache does: generators do not change, in place, a value a
page was handed after writing that page (Pelican's own generators and this project's do
not; the tests compare whole output trees with Pelican's).
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import sys
import threading
from dataclasses import dataclass
from typing import Any

from pelican_contentkit.files import write_over

from .compat import LOCAL_SITEURL, forget_bodies

logger = logging.getLogger(__name__)
LOG_PREFIX = "[fastbuild]"
_ABSENT = object()
# Fewer pages than this are rendered in the build process: a fork costs more.
MIN_PAGES_FOR_FORK = 64


def other_threads() -> list[threading.Thread]:
    """The threads besides this one that a fork could leave a lock held for: all but those
    marked ``fork_safe`` (the build's deletion of an old output folder, which takes no lock
    a child needs; it used to keep the articles' pages of every repeated build on one core)."""
    here = threading.current_thread()
    return [t for t in threading.enumerate() if t is not here and not getattr(t, "fork_safe", False)]


@dataclass(frozen=True)
class PageJob:
    template: Any
    context: dict[str, Any]  # the shared context, whose localsiteurl the page's links read
    localsiteurl: Any  # its value when Pelican wrote the page (or _ABSENT)
    shared: dict[str, Any]  # a copy of the shared context, the same for many pages
    own: dict[str, Any]  # what the page's context has that the copy has not
    path: str

    def localcontext(self) -> dict[str, Any]:
        """The context Pelican handed the template for this page."""
        return {**self.shared, **self.own}


class JobMaker:
    """Keeps pages for later without a copy of the whole context for each: pages share one
    copy of the shared context for as long as it does not change, and keep only their own
    values (Pelican's writer copies the context for every page)."""

    def __init__(self) -> None:
        self._source: dict[str, Any] | None = None
        self._copy: dict[str, Any] = {}

    def job(self, template, context: dict[str, Any], localcontext: dict[str, Any], path: str) -> PageJob:
        shared = self._shared(context)
        own = {name: value for name, value in localcontext.items() if shared.get(name, _ABSENT) is not value}
        return PageJob(template, context, context.get(LOCAL_SITEURL, _ABSENT), shared, own, path)

    def _shared(self, context: dict[str, Any]) -> dict[str, Any]:
        copy = self._copy
        unchanged = (
            context is self._source
            and len(context) == len(copy)
            # localsiteurl changes with every page; each job keeps its own
            and all(
                name == LOCAL_SITEURL or copy.get(name, _ABSENT) is value for name, value in context.items()
            )
        )
        if not unchanged:
            self._source, self._copy = context, dict(context)
        return self._copy


def render_job(job: PageJob) -> None:
    """Render and write one page as Pelican's writer would have."""
    if job.localsiteurl is _ABSENT:
        job.context.pop(LOCAL_SITEURL, None)
    else:
        job.context[LOCAL_SITEURL] = job.localsiteurl
    output = job.template.render(job.localcontext())
    write_over(job.path, output.encode("utf-8"))
    forget_bodies()  # each page's body once, not every body until the build ends


def render_jobs(jobs: list[PageJob], processes: int) -> None:
    """Render every job, ``processes`` at a time (forked children and this process)."""
    # A fork copies only the thread that makes it: with others running, render here.
    if processes < 2 or len(jobs) < MIN_PAGES_FOR_FORK or not hasattr(os, "fork") or other_threads():
        for job in jobs:
            render_job(job)
        return
    # The objects the build made so far are frozen (gc.freeze) while the processes render: no
    # collection, in a child or here, walks them, so the memory pages holding them stay shared
    # instead of being copied into each process (less system time and memory).
    gc.freeze()
    try:
        _render_forked(jobs, processes)
    finally:
        gc.unfreeze()
    logger.debug("%s rendered %d pages in %d processes", LOG_PREFIX, len(jobs), processes)


def _render_forked(jobs: list[PageJob], processes: int) -> None:
    shares = [jobs[number::processes] for number in range(processes)]
    children: dict[int, list[PageJob]] = {}
    for share in shares[1:]:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: render its share, leave without the parent's exit handlers
            _child(share)
        children[pid] = share
    try:
        for job in shares[0]:
            render_job(job)
    except BaseException:  # the build stops here: stop the children too, leave no process behind
        for pid in children:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        raise
    failed: list[PageJob] = []
    for pid, share in children.items():
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            logger.warning(
                "%s a rendering process failed; rendering its %d pages here", LOG_PREFIX, len(share)
            )
            failed += share
    for job in failed:
        render_job(job)


def _child(share: list[PageJob]) -> None:
    code = 0
    try:
        for job in share:
            render_job(job)
    except BaseException:  # the parent renders these pages again and reports the error itself
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
