"""The reading half of a build: every problem in the content, reported at once, before anything is written.

Pelican's ``Pelican.run`` reads everything (each generator's ``generate_context``), sends
``all_generators_finalized``, then asks for a writer (``get_writer``) and writes. Here:

- ``initialized``: a :class:`ContentProblems` ledger is put in the settings (so in the
  context every generator shares, ``context[PROBLEMS_KEY]``), and a logging handler on the
  ``pelican`` logger turns every warning or error logged while reading ("Could not process
  ...", "Skipping ...", duplicate items, a plugin's warning) into a problem naming the file;
- plugins validate what Pelican read and :func:`report` what is wrong, or :func:`warn` about
  what will build but may not show as the author meant (the Markdown migration warnings);
- ``get_writer`` is the gate: the handler is taken off, and when there are problems the run
  stops with :class:`~pelican_contentkit.errors.ContentErrors` before a file is written.
  With ``CONTENT_CHECK_ONLY = True`` (``invoke check``) it stops there either way, raising
  :class:`ReadingFinished` when the content is clean. Warnings never stop a build: the gate
  logs them, and the check lists them after the problems.

A feature plugin calls :func:`connect` and :func:`declare_fields` from its ``register()``.
The ledger lives in one build's settings; nothing here outlives a build.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pelican import signals

from pelican_contentkit.errors import ContentError, ContentErrors
from pelican_contentkit.paths import forget_real_paths, real_path, site_label

if TYPE_CHECKING:
    from pelican import Pelican

logger = logging.getLogger(__name__)

PROBLEMS_KEY = "CONTENT_PROBLEMS_FOUND"
CHECK_ONLY_SETTING = "CONTENT_CHECK_ONLY"
# "stop" (the default): problems stop the build before it writes. "warn": they are logged as
# warnings and the build goes on, as plain Pelican does (for a site adopting the plugins).
MODE_SETTING = "CONTENT_PROBLEMS"
MODES = ("stop", "warn")
LOG_PREFIX = "[content]"
LOGGED_FIX = "correct the file as the message says (Pelican could not use it as it is)"

# The plugins that use the reading half, and the fields each reads from articles and pages,
# by the plugin's module name: static declarations made by register(), like signal
# connections, which outlive a build as they do. Which of them count is decided per build
# by the plugins Pelican loaded.
_users: set[str] = set()
_declared_fields: dict[str, frozenset[str]] = {}


class ReadingFinished(Exception):
    """``CONTENT_CHECK_ONLY``: the content was read and is clean; nothing is written."""

    exitcode = 0


class LoggedProblem(ContentError):
    """A problem Pelican logged while reading, with every content file its message names
    (``files``) and the content paths it names that do not exist (``missing_files``: the
    target of a link or image, which the plugins' checks report on the file linking to it)."""

    def __init__(
        self,
        path: str,
        problem: str,
        files: tuple[str, ...] = (),
        missing_files: tuple[str, ...] = (),
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(path, field, problem, LOGGED_FIX, line)
        self.files = files
        self.missing_files = missing_files

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (
            LoggedProblem,
            (self.path, self.problem, self.files, self.missing_files, self.field, self.line),
        )


class ContentProblems:
    """One build's problems: those plugins reported, and those Pelican logged while reading.

    Plain data (it is pickled with the context when Pelican caches content)."""

    def __init__(self, content_path: str, fields: Iterable[str], plugins: Iterable[str] = ()) -> None:
        self.content_path = content_path
        self.plugin_fields = frozenset(fields)
        # The module names of the plugins this build loaded.
        self.plugins = frozenset(plugins)
        self.reported: list[ContentError] = []
        self.logged: list[LoggedProblem] = []
        self.warnings: list[ContentError] = []
        self.open = True
        # The raw text of each article and page looked at (for the header scan), by path.
        self.texts: dict[str, str | ContentError] = {}

    def add(self, problems: Iterable[ContentError]) -> None:
        for problem in problems:
            if isinstance(problem, ContentErrors):
                self.reported += problem.errors
            else:
                self.reported.append(problem)

    def all(self) -> list[ContentError]:
        """Every problem once, in file and line order. What Pelican logged about a file the
        plugins already reported is left out: their message is the more precise one."""
        named = {problem.path for problem in self.reported}
        said = " ".join(problem.message for problem in self.reported)
        logged = [
            p
            for p in self.logged
            if not named & {p.path, *p.files} and not any(missing in said for missing in p.missing_files)
        ]
        problems: dict[str, ContentError] = {}
        for problem in self.reported + logged:
            problems.setdefault(problem.message, problem)
        return sorted(problems.values(), key=lambda p: (p.path or "", p.line or 0, p.field or "", p.problem))


def connect(plugin: str) -> None:
    """Connect the reading half (the ledger, the log capture, the generic checks, the gate)
    for ``plugin`` (its module name). Idempotent: every feature plugin calls it. A build that
    loads none of these plugins is left alone."""
    from pelican_contentkit import content_checks

    _users.add(plugin)
    _quiet_content_errors(logging.getLogger("pelican"))
    signals.initialized.connect(start_reading)
    signals.all_generators_finalized.connect(content_checks.check_generators)
    signals.get_writer.connect(gate)


class _NoTracebackForContentErrors(logging.Filter):
    """Pelican's command logs the exception that ended a build with its traceback; a
    ContentError is the author's mistake, already said in full, so its traceback is left out.
    Any other exception is said in one line naming the file, template and line it was about
    (:func:`pelican_contentkit.build.unexpected_message`); ``pelican -D`` shows the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is None:
            return True
        if not isinstance(error, ContentError):
            if logging.getLogger("pelican").getEffectiveLevel() <= logging.DEBUG:
                return True  # -D: Pelican prints the traceback, as asked
            from pelican_contentkit.build import unexpected_message

            record.msg, record.args = "%s", (unexpected_message(error, None, "-D"),)
        record.exc_info = None
        record.exc_text = None
        return True


def _quiet_content_errors(logger: logging.Logger) -> None:
    if not any(isinstance(existing, _NoTracebackForContentErrors) for existing in logger.filters):
        logger.addFilter(_NoTracebackForContentErrors())


def declare_fields(plugin: str, fields: Iterable[str]) -> None:
    """Metadata fields ``plugin`` (its module name) reads from articles and pages: not typos."""
    _declared_fields[plugin] = frozenset(field.lower() for field in fields)


def ledger(settings_or_context: dict[str, Any]) -> ContentProblems | None:
    found = settings_or_context.get(PROBLEMS_KEY)
    return found if isinstance(found, ContentProblems) else None


def has_problems(settings_or_context: dict[str, Any]) -> bool:
    """Whether problems were reported so far in the build being read."""
    found = ledger(settings_or_context)
    return bool(found and found.reported)


def report(settings_or_context: dict[str, Any], problems: Iterable[ContentError]) -> None:
    """Report problems into the build being read. Outside such a build (no ledger, or past
    the gate) they are raised at once, all together."""
    problems = list(problems)
    if not problems:
        return
    found = ledger(settings_or_context)
    if found is not None and found.open:
        found.add(problems)
        return
    raise problems[0] if len(problems) == 1 else ContentErrors(problems)


def warn(settings_or_context: dict[str, Any], warnings: Iterable[ContentError]) -> None:
    """Warnings about the build being read: they name a file and line like problems, and
    never stop the build. Outside such a build they are logged at once."""
    warnings = list(warnings)
    found = ledger(settings_or_context)
    if found is not None and found.open:
        found.warnings += warnings
        return
    for warning in warnings:
        logger.warning("%s warning: %s", LOG_PREFIX, warning.message)


def sorted_warnings(found: ContentProblems) -> list[ContentError]:
    """The ledger's warnings once each, in file and line order."""
    unique: dict[str, ContentError] = {}
    for warning in found.warnings:
        unique.setdefault(warning.message, warning)
    return sorted(unique.values(), key=lambda w: (w.path or "", w.line or 0, w.problem))


def raw_text(settings_or_context: dict[str, Any], path: str | Path) -> str:
    """The raw text of an article or page, read once per build by the kit's reader (for the
    header scan: field names as spelt and their lines). Raises ContentError when the file
    is not UTF-8 or cannot be read."""
    from pelican_contentkit.reading import read_content_file

    found = ledger(settings_or_context)
    key = real_path(os.fspath(path))
    cached = found.texts.get(key) if found is not None else None
    if cached is None:
        try:
            cached = read_content_file(path, label(path, settings_or_context["PATH"]))
        except ContentError as error:
            cached = error
        except OSError as error:
            cached = ContentError(
                label(path, settings_or_context["PATH"]),
                None,
                f"cannot be read ({error.strerror})",
                "check that the file exists and can be read",
            )
        if found is not None:
            found.texts[key] = cached
    if isinstance(cached, ContentError):
        raise cached
    return cached


def keep_text(settings_or_context: dict[str, Any], path: str | Path, text: str) -> None:
    """A reader's raw text of an article or page (as :func:`raw_text` reads it: BOM dropped,
    line ends LF), kept for the header scan of ``invoke check``, which then reads no file
    twice. A build keeps none: the check reads each file again, one at a time, so the texts
    of all files are never held at once (at 5,000 articles, 73 MiB of the build's peak)."""
    found = ledger(settings_or_context)
    if found is not None and found.open and settings_or_context.get(CHECK_ONLY_SETTING):
        found.texts.setdefault(real_path(os.fspath(path)), text)


def forget_text(settings_or_context: dict[str, Any], path: str | Path) -> None:
    """Drop the kept raw text of an article or page, once the check is done with it."""
    found = ledger(settings_or_context)
    if found is not None:
        found.texts.pop(real_path(os.fspath(path)), None)


def field_line(settings_or_context: dict[str, Any], path: str | Path, key: str) -> int | None:
    """The line of field ``key`` in the header of an article or page, if it can be found."""
    from pelican_contentkit.header import scan_header

    try:
        return scan_header(raw_text(settings_or_context, path)).line_of(key.lower())
    except ContentError:
        return None


def label(path: str | Path, content_path: str | Path) -> str:
    """A file's name as the author sees it: relative to the site root (the folder holding the
    content folder ``content_path``, see :mod:`pelican_contentkit.paths`), else as given."""
    return site_label(path, {"PATH": content_path})


# ---------------------------------------------------------------- signal handlers


def start_reading(pelican_object: Pelican) -> None:
    """``initialized``: a fresh ledger in the settings, and Pelican's log captured."""
    from pelican_contentkit.build import reset_log_deduplication

    _stop_capture()  # a previous build in this process that raised before its gate
    forget_real_paths()
    settings = pelican_object.settings
    loaded = {getattr(plugin, "__name__", "") for plugin in getattr(pelican_object, "plugins", [])}
    if not loaded & _users:
        settings.pop(PROBLEMS_KEY, None)
        return
    mode = settings.get(MODE_SETTING, "stop")
    if mode not in MODES:
        raise ContentError(
            None,
            MODE_SETTING,
            f"{mode!r} is not one of {', '.join(map(repr, MODES))}",
            "set it to 'stop' (the default) or 'warn'",
        )
    fields = set().union(*(fields for name, fields in _declared_fields.items() if name in loaded))
    problems = ContentProblems(str(settings["PATH"]), fields, loaded)
    settings[PROBLEMS_KEY] = problems
    reset_log_deduplication()
    _LogCapture(problems, swallow=mode == "stop" or bool(settings.get(CHECK_ONLY_SETTING))).attach()


def gate(pelican_object: Pelican) -> None:
    """``get_writer``: stop before anything is written when the reading found problems."""
    problems = ledger(pelican_object.settings)
    if problems is None or not problems.open:
        return None
    _stop_capture()
    problems.open = False
    problems.texts.clear()
    found = problems.all()
    check_only = bool(pelican_object.settings.get(CHECK_ONLY_SETTING))
    if not check_only:  # the check lists them itself
        for warning in sorted_warnings(problems):
            logger.warning("%s warning: %s", LOG_PREFIX, warning.message)
    if found and pelican_object.settings.get(MODE_SETTING, "stop") == "warn" and not check_only:
        logged = {id(problem) for problem in problems.logged}  # Pelican showed those itself
        for problem in found:
            if id(problem) not in logged:
                logger.warning("%s %s", LOG_PREFIX, problem.message)
        return None
    if found:
        raise ContentErrors(found)
    if check_only:
        raise ReadingFinished()
    return None


# ---------------------------------------------------------------- Pelican's log while reading


class _LogCapture(logging.Handler):
    """On the ``pelican`` logger while reading: warnings and errors become problems. With
    ``swallow`` (problems stop the build) they are shown once, in the list of problems,
    rather than printed as they come, and a logged error no longer ends the build at once;
    the rest goes on to the usual handlers."""

    def __init__(self, problems: ContentProblems, swallow: bool) -> None:
        super().__init__(logging.DEBUG)
        self.problems = problems
        self.swallow = swallow
        self._target = logging.getLogger("pelican")

    def attach(self) -> None:
        from pelican.log import FatalLogger

        self._propagate = self._target.propagate
        self._fatal_level = FatalLogger.fatal_lvl
        if self.swallow:
            FatalLogger.fatal_lvl = logging.CRITICAL + 1  # a logged error is a problem now, not a crash
            self._target.propagate = False
        self._target.addHandler(self)

    def detach(self) -> None:
        from pelican.log import FatalLogger

        self._target.removeHandler(self)
        self._target.propagate = self._propagate
        FatalLogger.fatal_lvl = self._fatal_level

    def emit(self, record: logging.LogRecord) -> None:
        # Pelican's own warnings and errors, and any plugin's errors, are problems; a plugin's
        # warning (fastbuild turning itself off, say) is shown as it comes and builds on.
        passes = (
            record.levelno < logging.WARNING
            or record.name == __name__
            or (record.name.startswith("pelican.plugins.") and record.levelno < logging.ERROR)
        )
        if not self.swallow:
            if not passes:
                self.problems.logged.append(logged_problem(record, self.problems.content_path))
            return
        if passes:
            for handler in logging.getLogger().handlers:
                if record.levelno >= handler.level:
                    handler.handle(record)
            return
        self.problems.logged.append(logged_problem(record, self.problems.content_path))


def stop_reading() -> None:
    """Take the log capture off if a build stopped before its gate (an exception)."""
    _stop_capture()


def _stop_capture() -> None:
    for handler in list(logging.getLogger("pelican").handlers):
        if isinstance(handler, _LogCapture):
            handler.detach()


_ABSOLUTE_PATH = re.compile(r"(/[^\s'\"`:,;]+)")


def logged_problem(record: logging.LogRecord, content_path: str) -> LoggedProblem:
    """A problem for one record Pelican logged: the file it names (the first content file
    among its arguments or in its text), and what it says."""
    try:
        message = record.getMessage()
    except Exception:  # a plugin's malformed log call
        message = str(record.msg)
    # "Could not process %s" is logged from inside the except block, without the exception
    # (unless DEBUG): the exception being handled says why.
    handling = sys.exc_info()[1]
    if record.levelno >= logging.ERROR and handling is not None and record.exc_info is None:
        message = f"{message}: {handling}"
    content = os.path.realpath(content_path)
    args = record.args if isinstance(record.args, tuple) else ()
    candidates = [
        str(getattr(arg, "source_path", arg))
        for arg in args
        if isinstance(arg, str | os.PathLike) or hasattr(arg, "source_path")
    ]
    candidates += _ABSOLUTE_PATH.findall(message)
    source = named = None
    missing, files = [], []
    for candidate in candidates:
        path = candidate if os.path.isabs(candidate) else os.path.join(content, candidate)
        inside = os.path.realpath(path).startswith(content + os.sep)
        if inside and not os.path.exists(path):
            missing.append(os.path.relpath(os.path.realpath(path), content).replace(os.sep, "/"))
        elif inside and os.path.isfile(path):
            files.append(label(path, content_path))
            if source is None:
                source, named = path, candidate
    where = label(source, content_path) if source else label(content_path, content_path)
    if named:
        message = message.replace(named, where)
    text = "; ".join(line.strip() for line in message.strip().splitlines() if line.strip()).rstrip(".")
    field, line = _field_named(text, source, content_path)
    return LoggedProblem(where, f"Pelican: {text}", tuple(files), tuple(missing), field, line)


_DUPLICATE_FIELD = re.compile(r"^Duplicate definition of `([A-Za-z0-9_-]+)`")


def _field_named(message: str, source: str | None, content_path: str) -> tuple[str | None, int | None]:
    """The field (and its line, the last definition) of "Duplicate definition of `date` ..."."""
    from pelican_contentkit.header import scan_header
    from pelican_contentkit.reading import read_content_file

    match = _DUPLICATE_FIELD.match(message)
    if not match or source is None:
        return None, None
    key = match.group(1).lower()
    try:
        line = scan_header(read_content_file(source, label(source, content_path))).line_of(key)
    except (ContentError, OSError):
        line = None
    return key[:1].upper() + key[1:], line
