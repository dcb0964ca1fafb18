"""The quick rebuild (:mod:`pelican_contentkit.rebuild`): after an edit of articles' or pages'
bodies alone, the live-reload rebuild writes again only what read those bodies.

A development build with the render cache on (``CACHE_CONTENT`` and ``LOAD_CONTENT_CACHE``,
written in place: ``invoke livereload``) is *recorded*: the files it read (every file under
the content and theme folders and the template folders, by size, time and inode), the
fingerprint of its settings, its generators, and for every page and feed it wrote how to
write it again (the template and values, or the feed's arguments) and which bodies it read.
A body read anywhere else (a newsletter carrying an article in full, say) is noted too.

The next ``build_site`` of the same site in the same process is quick when:

- the settings have the same fingerprint and the day is the same (the content check's date
  rules depend on it);
- no file was added or removed, and every changed file is the source of a published article
  or page of the recorded build;
- each changed file, read again with the build's own reader, has the same fields as before
  (only its body changed), links to no static file the build did not copy and has no
  ``{attach}`` link (which moves the file it links to), and passes the
  content check's checks of one file (:func:`pelican_contentkit.content_checks.one_file_problems`),
  with nothing logged;
- nothing but pages and feeds read its body, and every plugin loaded has declared what it
  derives from a body (:func:`pelican_contentkit.rebuild.declare_body_edits`), which is the
  same as before the edit (a reading time that changed means a whole rebuild).

Then the new bodies are put into the recorded articles and pages, and only the pages and
feeds that read them are written again (a file whose text is unchanged is left alone). In
every other case nothing is written and the whole build runs, which records afresh. A quick
rebuild that fails drops the record, and so does any build fastbuild does not record (plain
Pelican, fastbuild off, a production build): the next build is whole.
"""

from __future__ import annotations

import contextlib
import datetime
import fnmatch
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.contents import Content
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.utils import sanitised_join

from pelican_contentkit.build import BUILD_SETTING
from pelican_contentkit.files import write_over
from pelican_contentkit.paths import site_label
from pelican_contentkit.rebuild import declared

from . import compat
from .fingerprint import Fingerprinter, Unstable, body_digest, content_key, digest_of
from .settings import fastbuild_settings

logger = logging.getLogger(__name__)
LOG_PREFIX = "[fastbuild]"
# The build's own id and folders: new in every build, no input of any page.
SETTINGS_LEFT_OUT = frozenset({BUILD_SETTING})
# What a content object holds besides its fields: compared for nothing.
CONTENT_NOT_COMPARED = compat.CONTENT_INTERNAL_FIELDS | {"settings"}
# Editors' backup and autosave files: no reader takes them (see not_inputs).
EDITOR_FILES = ("*~", "#*#")
_UNSET = object()


@dataclass
class PageReplay:
    """How one page was written: its template, the shared context and the values of its own."""

    template: Any
    context: dict[str, Any]
    own: dict[str, Any]
    bodies: frozenset[str]  # content keys of the bodies it read


@dataclass
class FeedReplay:
    writer: Any
    arguments: tuple[Any, ...]
    bodies: frozenset[str]


@dataclass
class Recording:
    """What a recorded build wrote and read (see the module's docstring)."""

    settings: dict[str, Any]
    digest: str
    day: datetime.date
    folders: tuple[str, ...]
    skipped: tuple[str, ...]  # names of files that are no input (not_inputs)
    inputs: dict[str, tuple[int, int, int]]
    plugins: tuple[str, ...]
    generators: list[Any] = field(default_factory=list)
    cache: Any = None  # the render cache (its records are kept up to date)
    pages: dict[str, PageReplay] = field(default_factory=dict)
    feeds: dict[str, FeedReplay] = field(default_factory=dict)
    elsewhere: set[str] = field(default_factory=set)
    twice: set[str] = field(default_factory=set)
    sources: dict[str, tuple[Any, Content]] | None = None  # by real path, made when first needed


_recording: Recording | None = None  # the build being recorded
_previous: Recording | None = None  # the last build that succeeded, recorded
_pending: Recording | None = None  # recorded, not yet known to have succeeded
_quick_for: dict[str, Any] | None = None  # the settings of the quick rebuild just made
_page_reads = 0  # > 0 while a page's or a feed's own reads are recorded


# ---------------------------------------------------------------- recording a build


def records(settings: dict[str, Any]) -> bool:
    """Whether a build with these settings is recorded: in place, with the render cache."""
    build = settings.get(BUILD_SETTING) or {}
    if (
        not build
        or build.get("staged")
        or not (settings.get("CACHE_CONTENT") and settings.get("LOAD_CONTENT_CACHE"))
    ):
        return False
    options = fastbuild_settings(settings)
    return options.render_cache and options.quick_rebuild


def start(pelican_object) -> contextlib.AbstractContextManager[None] | None:
    """``get_generators`` of a build that is recorded: the files before it reads them; returns
    the watch of bodies read outside pages and feeds, to be held until ``finalized``."""
    global _recording, _previous
    _previous = None  # a whole build: what it replaces is stale
    settings = pelican_object.settings
    try:
        # The settings as build_site read them: Pelican and plugins add to them as they start.
        digest = settings_digest(settings[BUILD_SETTING]["as_read"])
    except (Unstable, KeyError, TypeError):
        _recording = None
        return None
    folders, skipped = input_folders(settings), not_inputs(settings)
    _recording = Recording(
        settings=settings,
        digest=digest,
        day=datetime.date.today(),
        folders=folders,
        skipped=skipped,
        inputs=snapshot(folders, skipped),
        plugins=tuple(sorted(module.__name__ for module in getattr(pelican_object, "plugins", ()))),
    )
    return _watching_elsewhere()


@contextlib.contextmanager
def _watching_elsewhere() -> Iterator[None]:
    def note(content: Content) -> None:
        if _page_reads == 0 and _recording is not None:
            _recording.elsewhere.add(content_key(content))

    with compat.watching_bodies(note):
        yield


def generators_done(generators) -> None:
    """``all_generators_finalized``: the generators of the build being recorded."""
    if _recording is not None and generators and generators[0].settings is _recording.settings:
        _recording.generators = list(generators)


@contextlib.contextmanager
def own_reads() -> Iterator[None]:
    """The block records a page's or a feed's reads itself: they are not read "elsewhere"."""
    global _page_reads
    _page_reads += 1
    try:
        yield
    finally:
        _page_reads -= 1


def page_written(settings, name: str, template, context, localcontext, bodies) -> None:
    """The writer wrote (or kept) the page ``name``."""
    recording = _recording
    if recording is None or settings is not recording.settings:
        return
    if name in recording.pages:
        recording.twice.add(name)
    own = {key: value for key, value in localcontext.items() if context.get(key, _UNSET) is not value}
    for key in (compat.LOCAL_SITEURL, "SITEURL", "output_file"):
        own[key] = localcontext.get(key)
    recording.pages[name] = PageReplay(template, context, own, frozenset(bodies))


def feed_written(settings, writer, arguments: tuple[Any, ...], bodies) -> None:
    recording = _recording
    if recording is None or settings is not recording.settings:
        return
    path = arguments[2]
    if path in recording.feeds:
        recording.twice.add(path)
    recording.feeds[path] = FeedReplay(writer, arguments, frozenset(bodies))


def finish(pelican_object, cache) -> None:
    """``finalized``: the recording is complete; it counts once the build succeeded."""
    global _recording, _pending
    recording, _recording = _recording, None
    if recording is not None and recording.settings is pelican_object.settings and cache is not None:
        recording.cache = cache
        _pending = recording


def forget() -> None:
    """The next build is a whole one."""
    global _previous, _pending
    _previous = _pending = None


def abandon() -> None:
    """A build stopped before ``finalized``: nothing it recorded is kept."""
    global _recording
    _recording = None


# ---------------------------------------------------------------- the rebuilder


class QuickRebuilder:
    """What ``build_site`` asks (:class:`pelican_contentkit.rebuild.QuickRebuilder`)."""

    def rebuild(self, settings: dict[str, Any]) -> bool:
        global _previous, _quick_for
        previous, _previous = _previous, None  # put back only by a quick rebuild that succeeds
        if previous is None or not quick_rebuild(previous, settings):
            return False
        _previous, _quick_for = previous, settings
        return True

    def ended(self, settings: dict[str, Any], succeeded: bool) -> None:
        global _previous, _pending, _quick_for
        pending, _pending = _pending, None
        if _quick_for is settings:
            _quick_for = None
            if not succeeded:
                _previous = None
        elif succeeded and pending is not None and pending.settings is settings:
            _previous = pending
        elif not succeeded:
            _previous = None


REBUILDER = QuickRebuilder()


def quick_rebuild(previous: Recording, settings: dict[str, Any]) -> bool:
    """Rebuild from ``previous`` when only bodies changed; False (nothing written) otherwise."""
    why = _not_quick(previous, settings)
    if why is None:
        return True
    logger.info("%s whole rebuild: %s", LOG_PREFIX, why)
    return False


def _not_quick(previous: Recording, settings: dict[str, Any]) -> str | None:
    """Make the quick rebuild; None when made, else why not (before anything was written)."""
    if not records(settings):
        return "not a development build with the render cache"
    try:
        if settings_digest(settings[BUILD_SETTING]["as_read"]) != previous.digest:
            return "the settings changed"
    except Unstable as why:
        return f"the settings have no stable fingerprint ({why})"
    if datetime.date.today() != previous.day:
        return "a new day"
    now = snapshot(previous.folders, previous.skipped)
    if now.keys() != previous.inputs.keys():
        return "files were added or removed"
    changed = sorted(path for path, stat in now.items() if previous.inputs[path] != stat)
    if not changed:
        return "no file changed"
    if not _output_as_written(previous):
        return "the output is not what the previous build wrote"
    if previous.sources is None:
        previous.sources = _published_sources(previous.generators)
    sources = previous.sources
    refreshers = []
    for plugin in previous.plugins:
        refresh = declared(plugin)
        if (
            refresh is None
            and plugin.rsplit(".", 1)[-1] not in fastbuild_settings(settings).quick_rebuild_also_for
        ):
            return f"the plugin {plugin} has not declared what it derives from a body"
        if refresh is not None:
            refreshers.append(refresh)
    edits = []
    for path in changed:
        label = site_label(path, previous.settings)
        source = sources.get(os.path.realpath(path))
        if source is None:
            return f"{label} is not the source of a published article or page"
        generator, old = source
        if content_key(old) in previous.elsewhere:
            return f"the body of {label} is read outside pages and feeds"
        new = _read_again(generator, old)
        if isinstance(new, str):
            return new
        edits.append((generator, old, new))

    for _generator, old, new in edits:
        compat.put_body(old, new)
    for _generator, old, _new in edits:
        label = site_label(old.source_path or "", previous.settings)
        for refresh in refreshers:
            fields = refresh(old, previous.settings)
            if fields is None:
                return f"a plugin cannot rebuild {label} quickly"
            changed_fields = sorted(
                name for name, value in fields.items() if getattr(old, name, _UNSET) != value
            )
            if changed_fields:
                return f"what plugins derive from the body of {label} changed ({', '.join(changed_fields)})"
    written = _write_again(previous, {content_key(old) for _generator, old, _new in edits})
    if written is None:
        return "a page that reads an edited body was written twice"
    for path in changed:
        previous.inputs[path] = now[path]
    logger.info(
        "%s quick rebuild: %s; %d pages and feeds read the new bodies, %d written",
        LOG_PREFIX,
        ", ".join(site_label(path, previous.settings) for path in changed),
        written[0],
        written[1],
    )
    return None


def _output_as_written(previous: Recording) -> bool:
    """Whether every page the previous build recorded is still the file it wrote (its size and
    time), and every feed it wrote is there: nothing removed the output or changed it by hand."""
    output_path = previous.settings["OUTPUT_PATH"]
    for name, record in previous.cache.records.items():
        try:
            stat = os.stat(sanitised_join(output_path, name))
        except OSError:
            return False
        if (stat.st_size, stat.st_mtime_ns) != record.stat:
            return False
    return all(
        os.path.isfile(sanitised_join(feed.writer.output_path, path)) for path, feed in previous.feeds.items()
    )


def _published_sources(generators) -> dict[str, tuple[Any, Content]]:
    sources: dict[str, tuple[Any, Content]] = {}
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            names = ("articles", "translations")
        elif isinstance(generator, PagesGenerator):
            names = ("pages", "translations")
        else:
            continue
        for name in names:
            for content in getattr(generator, name, ()):
                sources[os.path.realpath(content.source_path)] = (generator, content)
    return sources


def _read_again(generator, old: Content) -> Content | str:
    """The file of ``old`` read again as its generator reads it, or why it cannot be used."""
    from pelican_contentkit.content_checks import one_file_problems

    article = isinstance(generator, ArticlesGenerator)
    label = site_label(old.source_path or "", generator.settings)
    said: list[logging.LogRecord] = []
    catcher = _Catcher(said)
    pelican_logger = logging.getLogger("pelican")
    pelican_logger.addHandler(catcher)
    try:
        new = compat.read_again(
            generator,
            old,
            (signals.article_generator_preread, signals.article_generator_context)
            if article
            else (signals.page_generator_preread, signals.page_generator_context),
        )
        problems, warnings = one_file_problems(generator.context, "article" if article else "page", new)
        static = new.get_static_links()
    except Exception as error:  # the whole build says what it is
        return f"{label} could not be read again ({type(error).__name__})"
    finally:
        pelican_logger.removeHandler(catcher)
    if said or problems or warnings:
        return f"{label} has something to report"
    if not static <= generator.context.get("static_links", set()):
        return f"{label} links to a static file the build did not copy"
    if compat.attaches(old) or compat.attaches(new):
        return f"{label} has an {{attach}} link (it moves the file it links to)"
    for name, value in vars(new).items():
        if name not in CONTENT_NOT_COMPARED and getattr(old, name, _UNSET) != value:
            return f"{label}: {name} changed"
    return new


class _Catcher(logging.Handler):
    def __init__(self, said: list[logging.LogRecord]) -> None:
        super().__init__(logging.WARNING)
        self.said = said

    def emit(self, record: logging.LogRecord) -> None:
        self.said.append(record)


def _write_again(previous: Recording, edited: set[str]) -> tuple[int, int] | None:
    """Write again the pages and feeds that read an edited body: (how many read one, how many
    files changed), or None when one of them was written twice in the recorded build."""
    from .writing import PageRecord, _bodies_read

    pages = {name: page for name, page in previous.pages.items() if page.bodies & edited}
    feeds = {path: feed for path, feed in previous.feeds.items() if feed.bodies & edited}
    if any(name in previous.twice for name in [*pages, *feeds]):
        return None
    cache = previous.cache
    output_path = previous.settings["OUTPUT_PATH"]
    changed = 0
    forget_urls = compat.memoize_urls()
    try:
        for name, page in sorted(pages.items()):
            localcontext = {**page.context, **page.own}
            if localcontext.get(compat.LOCAL_SITEURL):
                page.context[compat.LOCAL_SITEURL] = localcontext[compat.LOCAL_SITEURL]
            with own_reads(), _bodies_read() as read:
                text = page.template.render(localcontext)
            page.bodies = frozenset(read)
            data = text.encode("utf-8")
            path = sanitised_join(output_path, name)
            record = cache.records.get(name)
            output = digest_of(data)
            if record is None or record.output != output or not os.path.isfile(path):
                write_over(path, data)
                changed += 1
            if record is not None:
                bodies = tuple(sorted((key, body_digest(content)) for key, content in read.items()))
                stat = os.stat(path)
                cache.records[name] = PageRecord(record.key, bodies, output, (stat.st_size, stat.st_mtime_ns))
        for path, feed in sorted(feeds.items()):
            writer = feed.writer
            full_path = sanitised_join(writer.output_path, path)
            before = _file_digest(full_path)
            compat.may_write_again(writer, full_path)
            with own_reads(), _bodies_read() as read:
                writer.write_feed(*feed.arguments)
            feed.bodies = frozenset(read)
            changed += _file_digest(full_path) != before
    finally:
        forget_urls()
    cache.write_records()
    return len(pages) + len(feeds), changed


def _file_digest(path: str) -> str:
    try:
        return digest_of(Path(path).read_bytes())
    except OSError:
        return ""


# ---------------------------------------------------------------- inputs


def settings_digest(settings: dict[str, Any] | None) -> str:
    if settings is None:
        raise Unstable("the settings could not be copied")
    return Fingerprinter().digest(
        {name: value for name, value in sorted(settings.items()) if name not in SETTINGS_LEFT_OUT}
    )


def input_folders(settings: dict[str, Any]) -> tuple[str, ...]:
    """The folders whose files a build reads: content, theme, template overrides."""
    folders = [settings["PATH"], settings.get("THEME", "")]
    folders += list(settings.get("THEME_TEMPLATES_OVERRIDES") or [])
    return tuple(sorted({os.path.realpath(folder) for folder in folders if folder}))


def not_inputs(settings: dict[str, Any]) -> tuple[str, ...]:
    """Names of files that are no input of a build: those Pelican ignores (``IGNORE_FILES``,
    dot files by default: an editor's swap and lock files) and editors' backups and
    autosaves, which no reader takes (``notes.md~``, ``#notes.md#``). Folders are walked
    whatever their name: the QuoteAction and newsletter folders are in IGNORE_FILES, and
    their plugins read them."""
    return (*(settings.get("IGNORE_FILES") or ()), *EDITOR_FILES)


def snapshot(folders: tuple[str, ...], skipped: tuple[str, ...] = ()) -> dict[str, tuple[int, int, int]]:
    """Every file under ``folders`` (real paths; links followed) whose name matches none of
    the ``skipped`` patterns, by its path there: size, mtime, inode (of the file a link
    leads to)."""
    found: dict[str, tuple[int, int, int]] = {}
    skip = re.compile("|".join(fnmatch.translate(pattern) for pattern in skipped)) if skipped else None
    for folder in folders:
        for root, dirs, files in os.walk(folder, followlinks=True):
            dirs.sort()
            for name in files:
                if skip is not None and skip.match(name):
                    continue
                path = os.path.join(root, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                found[path] = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
    return found


__all__ = ["REBUILDER", "Recording", "forget", "records", "start"]
