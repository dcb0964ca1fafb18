"""Markdown bodies converted on every core, for the content check.

The check converts every article and page body to find its links and images: most of its
time on a large site. Bodies are converted by forked worker processes when there are
enough of them to be worth it and nothing else runs in this process (a fork copies only
the thread that makes it); otherwise here, one after the other, with one converter.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import threading
from typing import Any

from pelican_contentkit.markup import markdown_from_settings

# Fewer bodies than this are converted here: starting workers costs more.
MIN_BODIES_FOR_WORKERS = 48
CHUNK = 16

_converter = None  # the worker process's own converter (set by _start_worker)


def convert_bodies(markdown_settings: dict[str, Any], bodies: list[str]) -> list[str]:
    """The HTML of each body, in order, as one reused converter (reset per body) makes it."""
    processes = os.cpu_count() or 1
    if processes < 2 or len(bodies) < MIN_BODIES_FOR_WORKERS or threading.active_count() > 1:
        md = markdown_from_settings(markdown_settings)
        return [_convert_with(md, body) for body in bodies]
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=processes, mp_context=context, initializer=_start_worker, initargs=(markdown_settings,)
    ) as pool:
        return list(pool.map(_convert, bodies, chunksize=CHUNK))


def _convert_with(md, body: str) -> str:
    md.reset()
    return md.convert(body)


def _start_worker(markdown_settings: dict[str, Any]) -> None:
    global _converter
    _converter = markdown_from_settings(markdown_settings)


def _convert(body: str) -> str:
    return _convert_with(_converter, body)
