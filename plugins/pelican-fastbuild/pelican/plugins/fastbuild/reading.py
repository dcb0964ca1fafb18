"""Markdown conversion in worker processes.

Pelican reads every article and page one after the other and spends about half of a build
in Markdown conversion, building a new ``Markdown`` object per file. Here:

- ``readers_init`` registers :class:`MarkdownReader` (same name as Pelican's, so the content's
  ``reader`` metadata stays ``markdown``) for the Markdown extensions;
- when the first Markdown file of a build is read, every Markdown file the articles and pages
  generators will read (their own ``get_files``), less those whose content-cache entry is
  still valid, is queued; ``FASTBUILD_WORKERS - 1`` worker processes
  (:mod:`pelican.plugins.fastbuild.markdown_worker`, which imports only Markdown) take files from the back
  of the queue while the build process converts from the front, as it reads them;
- the reader turns a worker's plain result (HTML, raw meta values, formatted fields' HTML)
  into metadata exactly as Pelican's own reader does, in the build process
  (:func:`pelican.plugins.fastbuild.compat.markdown_metadata`);
- any failure (a worker's or a reused converter's) makes the reader fall back to Pelican's
  own ``read()``, so an unreadable file fails with Pelican's error, and is skipped with its
  "Could not process" log.

Workers exit by themselves once the queue is empty; ``finalized`` (or the next build, or
interpreter exit, if a build raised) stops them and forgets the build's converters, so a
changed MARKDOWN setting is never served by a stale one.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import pickle
import subprocess
import sys
import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pelican import readers as pelican_readers
from pelican.generators import ArticlesGenerator
from pelican.utils import file_suffix

from . import compat
from .markdown_worker import Converted, MarkdownConverter, read_source
from .settings import fastbuild_settings

logger = logging.getLogger(__name__)
LOG_PREFIX = "[fastbuild]"

# Fewer files than this are converted in the build process: starting a worker costs more.
MIN_FILES_FOR_WORKERS = 24
# Files sent ahead to each worker, so it never waits for the build process to feed it.
WORKER_PIPELINE_DEPTH = 2
WORKER_SCRIPT = Path(__file__).with_name("markdown_worker.py")


def worker_command() -> list[str]:
    """How a worker process is started (-P: the script's folder is not put on sys.path)."""
    return [sys.executable, "-P", str(WORKER_SCRIPT)]


class MarkdownReader(pelican_readers.MarkdownReader):
    """Pelican's Markdown reader, fed by the current build's converters."""

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        converted = _build.converted(source_path, self.settings) if _build else None
        if converted is None:
            return super().read(source_path)
        html, meta, formatted = converted
        return html, compat.markdown_metadata(self, meta, formatted, source_path)


# ---------------------------------------------------------------- signal handlers


def use_parallel_markdown_reader(readers) -> None:
    """``readers_init``: read Markdown with :class:`MarkdownReader`."""
    for extension in pelican_readers.MarkdownReader.file_extensions:
        if readers.reader_classes.get(extension) is pelican_readers.MarkdownReader:
            readers.reader_classes[extension] = MarkdownReader


def start_build(generator) -> None:
    """``article_generator_init``: the articles generator is the first of every build."""
    global _build
    stop_workers(None)
    _build = BuildConversions(fastbuild_settings(generator.settings).workers)
    _build.generators.append(generator)


def add_generator(generator) -> None:
    """``page_generator_init``: its files are queued too."""
    if _build is not None:
        _build.generators.append(generator)


def stop_workers(pelican_object=None) -> None:
    """``finalized``, and the start of the next build: stop the build's workers and forget
    its converters."""
    global _build
    build, _build = _build, None
    if build is not None:
        build.stop()


_build: BuildConversions | None = None
atexit.register(stop_workers, None)


# ---------------------------------------------------------------- one build's conversions


class BuildConversions:
    """The converters of one build: a reused one in the build process, workers for the rest."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self.generators: list[Any] = []
        self.converted_here = 0
        self._queue: ConversionQueue | None = None
        self._local: MarkdownConverter | None = None
        self._started = False

    def converted(self, path: str, settings: dict[str, Any]) -> Converted | None:
        """The file converted, or None when Pelican's own reader must read it."""
        if not self._started:
            self._started = True
            self._start_workers(settings)
        reply = self._queue.take(path) if self._queue else None
        if reply is not None:
            status, payload = reply
            if status == "ok":
                return payload
            logger.debug("%s a worker could not convert %s (%s)", LOG_PREFIX, path, payload)
            return None
        try:
            if self._local is None:
                self._local = MarkdownConverter(settings["MARKDOWN"], settings["FORMATTED_FIELDS"])
            converted = self._local.convert(read_source(path))
        except Exception:
            return None  # Pelican's reader raises its own error for this file
        self.converted_here += 1
        return converted

    def _start_workers(self, settings: dict[str, Any]) -> None:
        if self.processes < 2:
            return
        paths = list(_files_to_convert(self.generators))
        if len(paths) < MIN_FILES_FOR_WORKERS:
            return
        setup = ("settings", list(sys.path), settings["MARKDOWN"], list(settings["FORMATTED_FIELDS"]))
        try:
            setup_message = pickle.dumps(setup, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:
            logger.info(
                "%s MARKDOWN settings cannot be sent to workers (%s); converting here", LOG_PREFIX, error
            )
            return
        self._queue = ConversionQueue(paths, setup_message, self.processes - 1)

    def stop(self) -> None:
        converted_in_workers = self._queue.stop() if self._queue else 0
        logger.debug(
            "%s converted %d Markdown files (%d in worker processes)",
            LOG_PREFIX,
            self.converted_here + converted_in_workers,
            converted_in_workers,
        )


def _files_to_convert(generators: list[Any]) -> list[str]:
    """Absolute paths of the Markdown files the generators will read, in their reading order,
    less those served from Pelican's content cache (generator or reader layer)."""
    paths: list[str] = []
    for generator in generators:
        kind = "ARTICLE" if isinstance(generator, ArticlesGenerator) else "PAGE"
        settings = generator.settings
        for relative in generator.get_files(settings[f"{kind}_PATHS"], exclude=settings[f"{kind}_EXCLUDES"]):
            if not isinstance(generator.readers.readers.get(file_suffix(relative)), MarkdownReader):
                continue
            if generator.get_cached_data(relative, None) is not None:
                continue
            path = os.path.abspath(os.path.join(generator.path, relative))
            if generator.readers.get_cached_data(path, (None, None))[0] is not None:
                continue
            paths.append(path)
    return paths


# ---------------------------------------------------------------- the workers


@dataclass
class _Job:
    path: str
    state: str = "queued"  # then "here" (the build process converts it) or "sent"
    reply: tuple[str, Any] | None = None
    done: threading.Event = field(default_factory=threading.Event)


class ConversionQueue:
    """Files to convert; the build process takes them from the front as it reads them,
    worker processes (one feeding thread each) from the back."""

    def __init__(self, paths: list[str], setup_message: bytes, processes: int) -> None:
        self._lock = threading.Lock()
        self._jobs = {path: _Job(path) for path in paths}
        self._backlog = deque(self._jobs.values())
        self._stopping = False
        self.converted = 0
        self._threads = []
        for number in range(processes):
            try:
                process = subprocess.Popen(worker_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            except OSError as error:
                logger.warning("%s could not start a worker process: %s", LOG_PREFIX, error)
                break
            thread = threading.Thread(
                target=self._feed,
                args=(process, setup_message),
                name=f"fastbuild-worker-{number}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)

    def take(self, path: str) -> tuple[str, Any] | None:
        """The worker's reply for ``path``, waiting for it if a worker has it; None when the
        build process must convert it (not queued, or no worker took it yet)."""
        with self._lock:
            job = self._jobs.pop(path, None)
            if job is None:
                return None
            if job.state == "queued":
                job.state = "here"
                return None
        job.done.wait()
        return job.reply

    def _next_for_worker(self) -> _Job | None:
        with self._lock:
            while self._backlog and not self._stopping:
                job = self._backlog.pop()
                if job.state == "queued":
                    job.state = "sent"
                    return job
            return None

    def _feed(self, process: subprocess.Popen[bytes], setup_message: bytes) -> None:
        sent: deque[_Job] = deque()
        try:
            requests, replies = process.stdin, process.stdout
            assert requests is not None and replies is not None  # started with stdin and stdout PIPE
            requests.write(setup_message)
            while True:
                while len(sent) < WORKER_PIPELINE_DEPTH and (job := self._next_for_worker()):
                    pickle.dump(("convert", job.path), requests, protocol=pickle.HIGHEST_PROTOCOL)
                    sent.append(job)
                requests.flush()
                if not sent:
                    break
                reply = pickle.load(replies)
                job = sent.popleft()
                job.reply = reply
                if reply[0] == "ok":
                    with self._lock:
                        self.converted += 1
                job.done.set()
        except Exception as error:  # the worker died or spoke nonsense: the build process converts
            logger.debug("%s a worker process failed: %r", LOG_PREFIX, error)
        finally:
            for job in sent:
                job.done.set()  # reply None: converted in the build process
            _end(process)

    def stop(self) -> int:
        """Stop feeding the workers, wait for them to exit; return how many files they converted."""
        with self._lock:
            self._stopping = True
        for thread in self._threads:
            thread.join()
        return self.converted


def _end(process: subprocess.Popen[bytes]) -> None:
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
