"""Run a Pelican build the way Networker's commands need it.

- The content is read once (:mod:`pelican_contentkit.problems`): when the reading found
  problems the build stops before writing, prints the same list as ``invoke check``
  and returns 1, never a traceback. A :class:`~pelican_contentkit.errors.ContentError`
  raised anywhere else in the build ends it the same way.
- Errors logged by Pelican (a broken ``{filename}`` link, say) fail the build too.
- A clean build (``DELETE_OUTPUT_DIRECTORY``, as in publishconf.py) is made in a
  sibling folder (``output.partial``) and swapped into place only when the whole build
  succeeded, so a failed build never leaves a half-written ``output/`` behind. The
  output it replaces is kept as ``output.old``, and the next clean build makes its
  ``output.partial`` of it: it writes over those folders and files (making a file or a
  folder costs several times what writing over one does, most of all right after thousands
  were deleted), then removes every file it did not write and the folders left empty
  (:func:`_sweep`), so the result is what a build into an empty folder writes. A writer
  that leaves a file it finds as it is says so (:func:`leave_in_place`); with
  ``STATIC_CHECK_IF_MODIFIED`` (Pelican's static files left in place when up to date) the
  staging folder starts empty instead. Development builds write in place, for speed.
- Folders a plugin writes beside the output that belong with it (the newsletter's campaign
  files) are staged the same way (:func:`staged_folder`: a copy of the folder, made over
  the files of its ``.old`` copy) and swapped in with it. Every build
  has an id (:func:`build_stamp`), written to ``output/.build-id`` and into what plugins
  write (``campaign.json``), so a reader of those files can tell that they come from the
  build of the site beside them. The output is swapped in with one atomic exchange (Linux's
  ``renameat2``), then the staged folders; a note beside the output (``output.swap``)
  lists them while they are swapped, and a build killed in between has its swap finished
  by the next build, before anything else. A build killed earlier leaves the previous
  output and folders as they were.
- Two builds of one output never overlap: a lock (``output.lock``, ``fcntl.flock``) is
  taken for the whole build; the second build says it is waiting, and waits.
- Any other exception ends the build with one message naming the file it was about, exit
  1; ``-v`` adds the traceback.
- Every build that succeeds ends by writing its build stamp into the output
  (:mod:`pelican_contentkit.build_stamp`): what ``invoke deploy`` checks before deploying.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import logging
import os
import secrets
import shutil
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .files import write_over

logger = logging.getLogger(__name__)

# What pelican.log.FatalLogger raises once an error has been logged with fatal="errors".
PELICAN_FATAL_LOG_MESSAGE = "Warning or error encountered"
# The build's id, final output folder and staged folders, in the settings of a build_site build.
BUILD_SETTING = "CONTENT_BUILD"
BUILD_STAMP = ".build-id"


def reset_log_deduplication() -> None:
    """Let every build show its own warnings: Pelican's log filter drops a warning it has
    already shown in this process, which hides them on the second build of a live-reload
    session (and in tests)."""
    from pelican.log import LimitFilter

    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()


def build_site(
    settings_file: str | Path, overrides: dict[str, Any] | None = None, verbose: bool = False
) -> int:
    """Build the site described by ``settings_file``; return a process exit code."""
    from pelican.settings import read_settings

    from pelican_contentkit.pelican_api import init_logging

    init_logging(level=logging.INFO if verbose else logging.WARNING, fatal="errors")
    reset_log_deduplication()
    settings = read_settings(str(settings_file), override=dict(overrides or {}))
    final_output = Path(settings["OUTPUT_PATH"]).resolve()
    with build_lock(final_output):
        finish_interrupted_swap(final_output)
        return _build_locked(settings, Path(settings_file), final_output, verbose)


def _build_locked(settings: dict[str, Any], settings_file: Path, final_output: Path, verbose: bool) -> int:
    from pelican_contentkit.build_stamp import stamp_for, write_stamp
    from pelican_contentkit.check import format_text
    from pelican_contentkit.errors import ContentError, ContentErrors
    from pelican_contentkit.pelican_api import run_pelican
    from pelican_contentkit.problems import stop_reading
    from pelican_contentkit.rebuild import build_ended, quick_rebuild
    from pelican_contentkit.stages import end_background

    staged = bool(settings.get("DELETE_OUTPUT_DIRECTORY"))
    staging_output = final_output.with_name(final_output.name + ".partial") if staged else final_output
    build_id = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}"
    # Staged folders: final path -> [staging path, time the previous contents were copied].
    folders: dict[str, list[Any]] = {}
    settings[BUILD_SETTING] = {
        # The settings before Pelican and the plugins add to them, which a quick rebuild
        # compares (only development builds, in place, are quick).
        "as_read": None if staged else _copy_of(settings),
        "id": build_id,
        "output": str(final_output),
        "staged": staged,
        "folders": folders,
        "left_in_place": set(),
    }
    recycled: dict[str, tuple[int, int]] = {}
    if staged:
        if settings.get("STATIC_CHECK_IF_MODIFIED"):
            _remove_in_background(_previous(final_output))
            _start_empty(staging_output)
        else:
            recycled = _recycle(_previous(final_output), staging_output)
        settings["OUTPUT_PATH"] = str(staging_output)
        # Pelican would empty the staging folder; the sweep after the build removes instead
        # what this build did not write.
        settings["DELETE_OUTPUT_DIRECTORY"] = False

    started = time.perf_counter()
    started_ns = time.time_ns()
    succeeded = False
    try:
        try:
            # A development build after an edit of bodies alone: from the previous build.
            if staged or not quick_rebuild(settings):
                run_pelican(settings)
        except OSError as error:
            if not recycled:
                raise
            # A folder of the output written over where this build writes a file, or the
            # other way round (the site's addresses changed): build again into an empty folder.
            logger.info("Building again into an empty folder: the older output was in the way (%s)", error)
            end_background()
            _start_empty(staging_output)
            recycled = {}
            settings[BUILD_SETTING]["left_in_place"].clear()
            reset_log_deduplication()
            run_pelican(settings)
        (staging_output / BUILD_STAMP).write_text(build_id + "\n", encoding="utf-8")
        succeeded = True
    except ContentErrors as errors:
        end_background()
        _discard(staging_output, staged, folders)
        print(format_text(errors.errors), file=sys.stderr)
        print("Build stopped before writing anything.", file=sys.stderr)
        return errors.exitcode
    except ContentError as error:
        end_background()
        _discard(staging_output, staged, folders)
        print(f"Build failed: {error}", file=sys.stderr)
        return error.exitcode
    except Exception as error:
        end_background()
        _discard(staging_output, staged, folders)
        if isinstance(error, RuntimeError) and str(error) == PELICAN_FATAL_LOG_MESSAGE:
            # Pelican's fatal logger raised this after printing the logged error.
            print("Build failed: an error was logged (see the messages above).", file=sys.stderr)
        else:
            print(f"Build failed: {unexpected_message(error, settings)}", file=sys.stderr)
            if verbose:
                traceback.print_exception(error, file=sys.stderr)
        return 1
    finally:
        # A process a plugin started for this build (the search index) ends with it; on a
        # failure, before the staged output it reads is removed.
        end_background()
        stop_reading()
        if not succeeded:
            build_ended(settings, succeeded=False)

    if staged:
        _sweep(staging_output, recycled, settings[BUILD_SETTING]["left_in_place"])
    write_stamp(staging_output, stamp_for(settings, settings_file, started_ns))
    if staged:
        _swap_in(staging_output, final_output, folders, build_id)
    build_ended(settings, succeeded=True)
    print(f"Built {final_output} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


def _copy_of(settings: dict[str, Any]) -> dict[str, Any] | None:
    """A deep copy of the settings, or None for settings that cannot be copied."""
    import copy

    try:
        return copy.deepcopy(settings)
    except Exception:  # a value that cannot be copied: no quick rebuild compares these
        return None


def unexpected_message(error: BaseException, settings: dict[str, Any] | None, switch: str = "-v") -> str:
    """One line for an exception nothing else handled: where it happened (the file it names,
    the template and line, the content file being worked on, as far as the traceback shows
    them), and what it says. Files are named from the site root where ``settings`` are known;
    ``switch`` is the command's option that shows the traceback."""
    from pelican_contentkit.paths import site_label

    def label(path: str) -> str:
        return site_label(path, settings) if settings else path

    named = getattr(error, "filename", None)
    content = template = None
    for frame, line in traceback.walk_tb(error.__traceback__):
        code_file = frame.f_code.co_filename
        if not code_file.endswith(".py") and os.path.isfile(code_file):
            template = f"{label(code_file)}:{line}"  # Jinja shows templates as frames
        value = frame.f_locals.get("source_path")
        if isinstance(value, str | os.PathLike) and os.path.isfile(value):
            content = label(os.fsdecode(value))
    places = [label(os.fsdecode(named))] if named else []
    places += [f"template {template}"] if template else []
    places += [f"while writing {content}"] if content else []
    said = getattr(error, "strerror", None) or str(error) or "no message"
    return (
        f"{', '.join(places) or 'the build'}: {type(error).__name__}: {said}. "
        f"Fix: this is not a known content problem; run with {switch} for the details and report it"
    )


@contextmanager
def build_lock(output: Path) -> Iterator[None]:
    """Hold ``output.lock`` (beside ``output``) for a build: one build of a folder at a time.
    A second build says it is waiting, and waits; the lock goes with the process that held
    it, however that ends."""
    lock_path = output.with_name(output.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(
                f"Another build of {output} is running (it holds {lock_path.name}); waiting for it to end...",
                file=sys.stderr,
                flush=True,
            )
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_stamp(settings: dict[str, Any]) -> tuple[str, Path] | None:
    """(this build's id, its final output folder) in a :func:`build_site` build, else None
    (plain ``pelican``: nothing is stamped)."""
    build = settings.get(BUILD_SETTING)
    if not isinstance(build, dict):
        return None
    return str(build["id"]), Path(build["output"])


def staged_folder(settings: dict[str, Any], final: Path) -> Path:
    """Where a plugin writes ``final``, a folder outside the output that belongs with it (the
    newsletter's campaign files): in a clean :func:`build_site` build, ``final.partial``,
    which starts as a copy of ``final`` and is swapped in with the output; otherwise
    ``final`` itself."""
    build = settings.get(BUILD_SETTING)
    if not isinstance(build, dict) or not build.get("staged"):
        return final
    final = final.resolve()
    output = Path(build["output"])
    if final.is_relative_to(output):  # inside the output: staged with it already
        return Path(settings["OUTPUT_PATH"]) / final.relative_to(output)
    folders: dict[str, list[Any]] = build["folders"]
    if str(final) not in folders:
        staging = final.with_name(final.name + ".partial")
        since = time.time()
        _recycle(_previous(final), staging, identities=False)
        if final.is_dir():
            _mirror(final, staging)
        else:
            _clear(staging)
        folders[str(final)] = [str(staging), since]
    return Path(folders[str(final)][0])


def leave_in_place(settings: dict[str, Any], path: str | Path) -> None:
    """Say that this build keeps the file at ``path`` (or every file in the folder ``path``)
    in its output as it found it (an unchanged preview, a page the render cache keeps, the
    search index's files it reused), so that the sweep of a clean :func:`build_site` build,
    which removes every file the build did not write, keeps it."""
    build = settings.get(BUILD_SETTING)
    if isinstance(build, dict) and build.get("staged"):
        build["left_in_place"].add(os.path.abspath(path))


def finish_interrupted_swap(output: Path) -> None:
    """Finish the swap of a build killed after its output was swapped in and before its
    staged folders were: they are complete (they carry the output's build id); move them in."""
    journal = _journal(output)
    if not journal.exists():
        return
    try:
        note = json.loads(journal.read_text(encoding="utf-8"))
        pending = [(Path(staging), Path(final)) for staging, final in note["folders"]]
    except (ValueError, KeyError, TypeError):
        pending = []
        note = {}
    if note and _stamp(output) == note.get("id"):
        for staging, final in pending:
            if _stamp(staging) == note["id"]:
                _replace_dir(staging, final, keep_old=False)
                logger.warning("Finished swapping in %s from the interrupted build %s", final, note["id"])
    journal.unlink()


def _swap_in(staging_output: Path, final_output: Path, folders: dict[str, list[Any]], build_id: str) -> None:
    pending = [(Path(staging), Path(final), float(since)) for final, (staging, since) in folders.items()]
    for staging, final, since in pending:
        _carry_changes(final, staging, since)
        (staging / BUILD_STAMP).write_text(build_id + "\n", encoding="utf-8")
    if pending:
        journal = {"id": build_id, "folders": [[str(staging), str(final)] for staging, final, _ in pending]}
        _journal(final_output).write_text(json.dumps(journal), encoding="utf-8")
    logger.debug("swap: the output goes in")
    _replace_dir(staging_output, final_output)  # the moment the new build is in
    logger.debug("swap: the output is in")
    for staging, final, _ in pending:
        _replace_dir(staging, final)  # the replaced copy is the next build's staging folder
    if pending:
        _journal(final_output).unlink()
    logger.debug("swap: done")


def _carry_changes(final: Path, staging: Path, since: float) -> None:
    """Files changed in ``final`` while the build ran (a publisher's record, say) go into
    ``staging`` too, so that the swap loses none of them."""
    if not final.is_dir():
        return
    for folder, _, names in os.walk(final):
        for name in names:
            path = Path(folder) / name
            if path.stat().st_mtime >= since:
                target = staging / path.relative_to(final)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)


def _journal(output: Path) -> Path:
    return output.with_name(output.name + ".swap")


def _stamp(folder: Path) -> str | None:
    try:
        return (folder / BUILD_STAMP).read_text(encoding="utf-8").strip()
    except OSError:
        return None


def _discard(staging_output: Path, staged: bool, folders: dict[str, list[Any]] | None = None) -> None:
    if staged:
        shutil.rmtree(staging_output, ignore_errors=True)
    for staging, _ in (folders or {}).values():
        shutil.rmtree(staging, ignore_errors=True)


def _previous(target: Path) -> Path:
    return target.with_name(target.name + ".old")


def _remove_in_background(folder: Path) -> None:
    """Delete ``folder`` (the output two builds ago) in a thread while this build runs. It is
    renamed first, so the name is free for this build's swap at once; the thread is not a
    daemon, so the process waits for it before exiting."""
    doomed = folder.with_name(folder.name + ".deleting")
    if folder.exists():
        shutil.rmtree(doomed, ignore_errors=True)  # left by a run that was killed meanwhile
        folder.rename(doomed)
    if doomed.exists():
        remover = threading.Thread(
            target=shutil.rmtree, args=(doomed,), kwargs={"ignore_errors": True}, name="remove-old-output"
        )
        # It holds no lock a forked process could need: fastbuild may fork beside it.
        remover.fork_safe = True  # type: ignore[attr-defined]
        remover.start()


def _replace_dir(new: Path, target: Path, keep_old: bool = True) -> None:
    """Put ``new`` in place of ``target`` at once: the two are exchanged in one step where the
    system can (Linux), so there is no moment without ``target``. The replaced folder becomes
    ``target.old`` (deleted by the next build), or is deleted now without ``keep_old``."""
    old = _previous(target) if keep_old else target.with_name(target.name + ".replaced")
    shutil.rmtree(old, ignore_errors=True)  # only if the start of this build could not move it
    if target.exists() and _exchange(new, target):
        new.rename(old)
    else:
        if target.exists():
            target.rename(old)
        new.rename(target)
    if not keep_old:
        shutil.rmtree(old, ignore_errors=True)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders' names in one atomic step (Linux ``renameat2``); False where the
    system cannot."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    done = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    return bool(done == 0)


def _recycle(previous: Path, staging: Path, identities: bool = True) -> dict[str, tuple[int, int]]:
    """Make the staging folder ``staging`` of the folder two builds old (``previous``), whose
    folders and files the build writes over; a staging folder a killed build left is taken
    instead. With ``identities``, return each file's identity there (inode, change time),
    for :func:`_sweep`."""
    if not staging.is_dir():
        if previous.is_dir():
            previous.rename(staging)
        else:
            staging.mkdir(parents=True)
    _remove_in_background(previous)  # when the staging folder was there already
    found: dict[str, tuple[int, int]] = {}
    stack = [str(staging)] if identities else []
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                else:
                    info = entry.stat(follow_symlinks=False)
                    found[entry.path] = (info.st_ino, info.st_ctime_ns)
    return found


def _start_empty(staging: Path) -> None:
    """An empty staging folder; what was there is deleted in the background."""
    _remove_in_background(staging)
    staging.mkdir(parents=True)


def _sweep(staging: Path, recycled: dict[str, tuple[int, int]], left_in_place: set[str]) -> None:
    """Remove from ``staging`` each file this build did not write (its inode and change time
    are still those :func:`_recycle` found, and no writer left it in place), then the
    folders that leaves empty: what remains is what a build into an empty folder writes."""
    emptied: set[str] = set()
    for path, identity in recycled.items():
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            continue
        if (info.st_ino, info.st_ctime_ns) == identity and not _left(path, left_in_place):
            os.unlink(path)
            emptied.add(os.path.dirname(path))
    top = str(staging)
    for folder in sorted(emptied, key=len, reverse=True):
        while folder != top and folder.startswith(top):
            try:
                os.rmdir(folder)
            except OSError:  # not empty
                break
            folder = os.path.dirname(folder)


def _left(path: str, left_in_place: set[str]) -> bool:
    """Whether ``path``, or a folder it is in, was left in place (:func:`leave_in_place`)."""
    while path not in left_in_place:
        parent = os.path.dirname(path)
        if parent == path:
            return False
        path = parent
    return True


def _mirror(source: Path | str, target: Path | str) -> None:
    """Make ``target`` a copy of ``source`` as ``shutil.copytree(source, target,
    symlinks=True)`` makes it, writing over the files already in ``target``."""
    os.makedirs(target, exist_ok=True)
    with os.scandir(target) as entries:
        existing = {entry.name: entry for entry in entries}
    with os.scandir(source) as entries:
        for entry in entries:
            present = existing.pop(entry.name, None)
            destination = os.path.join(target, entry.name)
            if entry.is_symlink():
                _remove(present)
                os.symlink(os.readlink(entry.path), destination)
            elif entry.is_dir():
                if present is not None and not present.is_dir(follow_symlinks=False):
                    _remove(present)
                _mirror(entry.path, destination)
            else:
                if present is not None and not present.is_file(follow_symlinks=False):
                    _remove(present)
                write_over(destination, Path(entry.path).read_bytes())
                shutil.copystat(entry.path, destination)
    for leftover in existing.values():
        _remove(leftover)
    shutil.copystat(source, target)


def _remove(entry: os.DirEntry[str] | None) -> None:
    if entry is None:
        return
    if entry.is_dir(follow_symlinks=False):
        shutil.rmtree(entry.path)
    else:
        os.unlink(entry.path)


def _clear(folder: Path) -> None:
    with os.scandir(folder) as entries:
        for entry in list(entries):
            _remove(entry)
