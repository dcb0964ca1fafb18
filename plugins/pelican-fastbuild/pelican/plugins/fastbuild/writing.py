"""fastbuild's writer: the render cache described here, or, without it, pages kept for
:mod:`pelican.plugins.fastbuild.rendering` to render on every core.

Pelican's content cache saves re-reading unchanged files, but every page is still
rendered on every build. With ``CACHE_CONTENT`` on, this writer records for each page
it writes what the page was rendered from:

- the *site key*: the settings and the whole shared context (every article's and page's
  fields, tags, categories, QuoteActions, prompts, newsletter issues...), every template's
  source, the Jinja filters and globals, and the code of Pelican, Jinja, Markdown and
  every plugin;
- the *page key*: the site key plus the values handed to this one page (its article,
  its slice of a paginated list, its relative ``SITEURL``...);
- the bodies it actually read: every ``content`` (or summary made from content) that the
  template asked for while rendering, found by watching ``Content.get_content`` for the
  length of that page's rendering (:func:`pelican.plugins.fastbuild.compat.watching_bodies`);
- a digest of the file it wrote.

With ``LOAD_CONTENT_CACHE`` on, a page whose page key and read bodies are unchanged, and
whose file is still the one written, is not rendered again: the writer leaves the file
as it is (its size and modification time say it is the one written; otherwise its
digest must match, and it is written again), and Pelican's own bookkeeping and signals
run as usual. Editing one article's body therefore re-renders the pages that show that body (its own page,
the feeds and lists that carry it); editing anything else that pages show (a title, a
date, a QuoteAction, a prompt, a template, a setting) changes the site key and renders
everything. Anything without a stable fingerprint turns the cache off for that page (or
for the build) rather than risk a stale page.

What it assumes: templates read article and page bodies through ``content`` or
``summary`` (never ``_content``), and generators do not change the shared context in
place after the first page is written (Pelican's own generators do not).
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.metadata
import logging
import os
import pickle
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pelican.contents import Content
from pelican.generators import Generator
from pelican.utils import sanitised_join

from pelican_contentkit.build import BUILD_SETTING, leave_in_place
from pelican_contentkit.problems import gate as content_gate
from pelican_contentkit.stages import content_page_paths, content_pages_written, hold_content_pages

from . import compat, quick
from .fingerprint import Fingerprinter, Unstable, body_digest, content_key, digest_of
from .rendering import JobMaker, PageJob, render_job, render_jobs
from .settings import fastbuild_settings

logger = logging.getLogger(__name__)
LOG_PREFIX = "[fastbuild]"
RECORDS_FILE = "fastbuild-render.pickle"
RECORDS_FORMAT = 1
# Context entries that are not inputs of any page: the writer's per-page bookkeeping, and
# the static generator's list of linked files.
# The build's own id and staging (pelican_contentkit.build's BUILD_SETTING) change with every
# build and are never rendered: fingerprinted, they would make every page look changed.
CONTEXT_KEYS_LEFT_OUT = frozenset({compat.LOCAL_SITEURL, "output_file", "static_links", BUILD_SETTING})
# Mappings Pelican fills in file-system order, which differs from run to run: taken sorted.
CONTEXT_KEYS_UNORDERED = frozenset({"generated_content", "static_content"})
LIBRARIES = ("pelican", "jinja2", "markdown", "cmarkgfm", "markupsafe")
_UNSET = object()


@dataclass(frozen=True)
class PageRecord:
    key: str
    bodies: tuple[tuple[str, str], ...]  # (content key, body digest) of each body the page read
    output: str  # digest of the file written
    stat: tuple[int, int] = (-1, -1)  # the file's size and mtime (ns) once written


# ---------------------------------------------------------------- which bodies a page reads


@contextlib.contextmanager
def _bodies_read() -> Iterator[dict[str, Content]]:
    """The bodies read while the block renders a page (``Content.get_content`` is watched
    for the length of the block only)."""
    read: dict[str, Content] = {}

    def note(content: Content) -> None:
        read[content_key(content)] = content

    with quick.own_reads(), compat.watching_bodies(note):
        yield read


# ---------------------------------------------------------------- the site key


def code_digest(settings: dict[str, Any]) -> str:
    """Versions of the libraries that render, and the source of every plugin."""
    parts = [f"{name}={importlib.metadata.version(name)}" for name in LIBRARIES]
    parts.append(sys.version)
    folders = set()
    for plugin in settings.get("PLUGINS") or []:
        name = plugin if isinstance(plugin, str) else getattr(plugin, "__name__", "")
        module = sys.modules.get(name) or sys.modules.get(f"pelican.plugins.{name}")
        source_file = getattr(module, "__file__", None)  # None for no module, or a namespace package
        if source_file:
            folders.add(Path(source_file).parent)
    for folder in sorted(folders):
        for source in sorted(folder.rglob("*.py")):
            parts.append(f"{source}:{digest_of(source.read_bytes())}")
    return digest_of("\n".join(parts).encode())


def templates_digest(environment, fingerprinter: Fingerprinter) -> str:
    """Every template's source, and the filters, tests and globals templates can call."""
    parts = []
    for name in sorted(environment.list_templates()):
        source, _, _ = environment.loader.get_source(environment, name)
        parts.append(f"{name}:{digest_of(source.encode('utf-8'))}")
    parts.append(fingerprinter.digest([environment.filters, environment.tests, environment.globals]))
    return digest_of("\n".join(parts).encode())


# ---------------------------------------------------------------- the cache


class RenderCache:
    """The records of one build, and those of the build before it."""

    def __init__(self, records_path: Path, output_path: str, previous: dict[str, PageRecord]):
        self.records_path = records_path
        self.output_path = output_path
        self.previous = previous
        self.records: dict[str, PageRecord] = {}
        self.rendered = 0
        self.reused = 0
        self.fingerprinter = Fingerprinter()
        self.off_reason = ""
        self._site_values: dict[str, Any] | None = None
        self._site_key = ""
        self._known_contents: frozenset[str] = frozenset()
        self._templates: dict[int, str] = {}
        self._bodies: dict[str, str] = {}
        self._left: set[str] = set()  # pages whose file is left as it is (its stat is the recorded one)

    @classmethod
    def open(cls, settings: dict[str, Any], output_path: str) -> RenderCache:
        records_path = Path(settings["CACHE_PATH"]) / RECORDS_FILE
        previous: dict[str, PageRecord] = {}
        if settings.get("LOAD_CONTENT_CACHE"):
            previous = _load_records(records_path)
        return cls(records_path, output_path, previous)

    def save(self) -> None:
        for name, record in self.records.items():
            if name in self._left:
                continue  # left as it was: its file's stat is the one recorded
            stat = self._file_stat(name)
            if stat is not None:
                self.records[name] = dataclasses.replace(record, stat=stat)
        self.write_records()
        logger.info("%s rendered %d pages, kept %d unchanged", LOG_PREFIX, self.rendered, self.reused)

    def write_records(self) -> None:
        self.records_path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.records_path.with_suffix(".partial")
        with partial.open("wb") as stream:
            pickle.dump(
                {"format": RECORDS_FORMAT, "records": self.records}, stream, protocol=pickle.HIGHEST_PROTOCOL
            )
        partial.replace(self.records_path)

    def render(
        self, template, context: dict[str, Any], localcontext: dict[str, Any], may_leave_file: bool
    ) -> str | None:
        """The page's text, or None when its file is left as it is (``may_leave_file``)."""
        name = localcontext["output_file"]
        self._left.discard(name)  # written again, when it was left before (an override)
        try:
            key = self._page_key(template, context, localcontext)
        except Unstable as why:
            logger.debug("%s %s is rendered every time: %s", LOG_PREFIX, name, why)
            self.rendered += 1
            return template.render(localcontext)
        previous = self.previous.get(name)
        if previous is not None and previous.key == key and self._bodies_unchanged(previous.bodies):
            if may_leave_file and self._file_stat(name) == previous.stat:
                self.records[name] = previous
                self._left.add(name)
                self.reused += 1
                return None
            kept = self._file_text(name, previous.output)
            if kept is not None:
                self.records[name] = previous
                self.reused += 1
                return kept
        with _bodies_read() as read:
            output = template.render(localcontext)
        for content_name, content in read.items():
            self.fingerprinter.contents.setdefault(content_name, content)
        bodies = tuple(sorted((content_name, self._body(content_name)) for content_name in read))
        self.records[name] = PageRecord(key, bodies, digest_of(output.encode("utf-8")))
        self.rendered += 1
        return output

    def _page_key(self, template, context: dict[str, Any], localcontext: dict[str, Any]) -> str:
        if self.off_reason:
            raise Unstable(self.off_reason)
        site = self._site_values
        if site is None:
            site = self._digest_site(template, context)
        in_site = site.get
        own = {
            name: localcontext[name]
            for name in sorted(
                [name for name, value in localcontext.items() if in_site(name, _UNSET) is not value]
            )
        }
        fingerprinter = self.fingerprinter
        page = fingerprinter.digest(own)
        new_contents, _ = fingerprinter.contents_digest(self._known_contents)
        return digest_of(
            f"{self._site_key}|{self._template_digest(template)}|{template.name}|{page}|{new_contents}".encode()
        )

    def _digest_site(self, template, context: dict[str, Any]) -> dict[str, Any]:
        """Digest the site's context (the same for every page) once; return the values digested."""
        settings_and_context = {
            name: dict(sorted(value.items()))
            if name in CONTEXT_KEYS_UNORDERED and isinstance(value, dict)
            else value
            for name, value in context.items()
            if name not in CONTEXT_KEYS_LEFT_OUT
        }
        try:
            values = self.fingerprinter.digest(settings_and_context)
            contents, self._known_contents = self.fingerprinter.contents_digest()
            code = code_digest(context)
        except Unstable as why:
            self.off_reason = f"the site's context has no stable fingerprint ({why})"
            logger.info("%s render cache off for this build: %s", LOG_PREFIX, self.off_reason)
            raise
        self._site_values = dict(context)
        self._site_key = digest_of(f"{values}|{contents}|{code}".encode())
        return self._site_values

    def _template_digest(self, template) -> str:
        environment = template.environment
        if id(environment) not in self._templates:
            self._templates[id(environment)] = templates_digest(environment, self.fingerprinter)
        return self._templates[id(environment)]

    def _body(self, content_name: str) -> str:
        if content_name not in self._bodies:
            self._bodies[content_name] = body_digest(self.fingerprinter.contents[content_name])
        return self._bodies[content_name]

    def _bodies_unchanged(self, bodies: tuple[tuple[str, str], ...]) -> bool:
        contents = self.fingerprinter.contents
        return all(name in contents and self._body(name) == digest for name, digest in bodies)

    def _file_stat(self, name: str) -> tuple[int, int] | None:
        try:
            stat = os.stat(sanitised_join(self.output_path, name))
        except OSError:
            return None
        return (stat.st_size, stat.st_mtime_ns)

    def _file_text(self, name: str, expected: str) -> str | None:
        try:
            data = Path(sanitised_join(self.output_path, name)).read_bytes()
        except OSError:
            return None
        return data.decode("utf-8") if digest_of(data) == expected else None


def _load_records(path: Path) -> dict[str, PageRecord]:
    try:
        with path.open("rb") as stream:
            stored = pickle.load(stream)  # our own cache file, in CACHE_PATH
    except FileNotFoundError:
        return {}
    except Exception as error:  # a damaged cache is rebuilt, never trusted
        logger.warning("%s ignoring the render cache %s: %s", LOG_PREFIX, path, error)
        return {}
    if not isinstance(stored, dict) or stored.get("format") != RECORDS_FORMAT:
        return {}
    return stored["records"]


# ---------------------------------------------------------------- the writer


class _CachedTemplate:
    """What Pelican's writer calls ``render`` on: the cache decides whether to render."""

    def __init__(self, template, context: dict[str, Any], writer: FastWriter, override: bool):
        self._template = template
        self._context = context
        self._writer = writer
        self._override = override

    def render(self, localcontext: dict[str, Any]) -> str:
        writer = self._writer
        cache = writer.render_cache
        assert cache is not None  # made only for a writer with a render cache (FastWriter.write_file)
        path = sanitised_join(writer.output_path, localcontext["output_file"])
        text = cache.render(
            self._template, self._context, localcontext, writer.writes_plainly(path, self._override)
        )
        name = localcontext["output_file"]
        record = cache.records.get(name)
        if record is not None:  # how to write it again, for a quick rebuild
            quick.page_written(
                writer.settings,
                name,
                self._template,
                self._context,
                localcontext,
                (content_name for content_name, _ in record.bodies),
            )
        if text is None:
            writer.leave_as_it_is(path)  # unchanged: the file stays as it is
            leave_in_place(writer.settings, path)
            return ""
        return text

    def __getattr__(self, name: str) -> Any:
        return getattr(self._template, name)


class _DeferredTemplate(_CachedTemplate):
    """What Pelican's writer calls ``render`` on when pages are rendered at the end."""

    def render(self, localcontext: dict[str, Any]) -> str:
        writer = self._writer
        path = sanitised_join(writer.output_path, localcontext["output_file"])
        if writer.writes_plainly(path, self._override):
            writer.jobs.append(writer.job_maker.job(self._template, self._context, localcontext, path))
            writer.leave_as_it_is(path)  # written when rendered
            return ""
        # A second write to one file (Pelican overrides or refuses it): keep the order of writes.
        writer.render_pending(path)
        return self._template.render(localcontext)


class FastWriter(compat.Writer):
    """Pelican's writer, with the render cache in front of every template it renders, or
    (without it, with more than one process) each page's rendering kept for the end."""

    render_cache: RenderCache | None = None
    processes = 1
    created: list[FastWriter]  # this build's writers, for finish_build

    def __init__(self, output_path: str, settings: dict[str, Any] | None = None) -> None:
        super().__init__(output_path, settings=settings)
        self.jobs: list[PageJob] = []
        self.job_maker = JobMaker()
        self.created.append(self)

    def write_file(
        self,
        name,
        template,
        context,
        relative_urls=False,
        paginated=None,
        template_name=None,
        override_output=False,
        url=None,
        **kwargs,
    ):
        if template is not None and self.render_cache is not None:
            template = _CachedTemplate(template, context, self, override_output)
        elif template is not None and self.processes > 1:
            template = _DeferredTemplate(template, context, self, override_output)
        return super().write_file(
            name, template, context, relative_urls, paginated, template_name, override_output, url, **kwargs
        )

    def write_feed(
        self,
        elements,
        context,
        path=None,
        url=None,
        feed_type="atom",
        override_output=False,
        feed_title=None,
    ):
        arguments = (elements, context, path, url, feed_type, override_output, feed_title)
        if self.render_cache is None or not path:
            return super().write_feed(*arguments)
        with _bodies_read() as read:
            feed = super().write_feed(*arguments)
        quick.feed_written(self.settings, self, arguments, read)  # how to write it again
        return feed

    def render_pending(self, path: str) -> None:
        """Render the page kept for the end that goes to ``path``, if any, now and here."""
        pending = [job for job in self.jobs if job.path == path]
        if pending:
            self.jobs = [job for job in self.jobs if job.path != path]
        for job in pending:
            render_job(job)

    def render_kept_pages(self, paths: set[str] | None = None) -> None:
        """Render every page kept for the end (only those going to ``paths``, when given), on
        every core."""
        if paths is None:
            jobs, self.jobs = self.jobs, []
        else:
            jobs = [job for job in self.jobs if job.path in paths]
            self.jobs = [job for job in self.jobs if job.path not in paths]
        render_jobs(jobs, self.processes)

    def render_content_pages(self, context: dict[str, Any]) -> None:
        """Render the articles and pages kept so far (every article's and page's own file,
        :func:`pelican_contentkit.stages.content_page_paths`) now, before the rest; the
        shared context's ``localsiteurl`` is left as Pelican's writer left it."""
        paths = {sanitised_join(self.output_path, path) for path in content_page_paths(context)}
        contexts = {id(job.context): job.context for job in self.jobs if job.path in paths}
        before = {key: shared.get(compat.LOCAL_SITEURL, _UNSET) for key, shared in contexts.items()}
        try:
            self.render_kept_pages(paths)
        finally:
            for key, shared in contexts.items():
                if before[key] is _UNSET:
                    shared.pop(compat.LOCAL_SITEURL, None)
                else:
                    shared[compat.LOCAL_SITEURL] = before[key]


class RenderKeptPages(Generator):
    """The last of the plugins' generators: renders the pages the writer kept for the end,
    before Pelican's static files and ``finalized``."""

    def generate_context(self) -> None:
        pass

    def generate_output(self, writer) -> None:
        if isinstance(writer, FastWriter):
            writer.render_kept_pages()


def writer_class(pelican_object):
    """The render-cache writer when the content cache is on; else, with more than one
    process, the writer that renders pages on every core; else None (Pelican's own)."""
    settings = pelican_object.settings
    options = fastbuild_settings(settings)
    # Blinker calls get_writer's receivers in no set order: the content gate first, so a build
    # it stops never installs the body watch below (undone only at finalized).
    content_gate(pelican_object)
    pelican_object.fastbuild_writers = created = []
    if options.render_cache and settings.get("CACHE_CONTENT"):
        cache = RenderCache.open(settings, pelican_object.output_path)
        pelican_object.fastbuild_render_cache = cache
        return type("FastWriter", (FastWriter,), {"render_cache": cache, "created": created})
    if options.workers > 1:
        # The articles and pages are rendered at page_writer_finalized (render_content_pages).
        hold_content_pages(settings)
        return type("FastWriter", (FastWriter,), {"processes": options.workers, "created": created})
    return None


def render_content_pages(generator, writer) -> None:
    """``page_writer_finalized``: with pages kept for the end, render the articles and pages
    first, now, and say they are written (:mod:`pelican_contentkit.stages`: the search index
    starts on them while the rest of the site renders)."""
    if isinstance(writer, FastWriter) and writer.render_cache is None and writer.processes > 1:
        writer.render_content_pages(generator.context)
        content_pages_written(generator.settings, generator.context)


def finish_build(pelican_object) -> None:
    """``finalized``: render the pages kept for the end that no :class:`RenderKeptPages` took
    (a plugin listed after fastbuild writes after it), then keep the render cache's records."""
    for writer in getattr(pelican_object, "fastbuild_writers", ()):
        if writer.jobs:
            writer.render_kept_pages()
    pelican_object.fastbuild_writers = []
    save_render_cache(pelican_object)


def save_render_cache(pelican_object) -> None:
    """Keep this build's render-cache records for the next one."""
    cache = getattr(pelican_object, "fastbuild_render_cache", None)
    quick.finish(pelican_object, cache)
    if cache is not None:
        cache.save()
        pelican_object.fastbuild_render_cache = None
        pelican_object.fastbuild_render_counts = {"rendered": cache.rendered, "kept": cache.reused}


__all__ = [
    "FastWriter",
    "PageRecord",
    "RenderCache",
    "RenderKeptPages",
    "finish_build",
    "render_content_pages",
    "writer_class",
]
