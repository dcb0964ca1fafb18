"""Run a Pelican build the way Networker's commands need it.

- The content is read once (:mod:`pelican_contentkit.problems`): when the reading found
  problems the build stops before writing, prints the same list as ``invoke check``
  and returns 1, never a traceback. A :class:`~pelican_contentkit.errors.ContentError`
  raised anywhere else in the build ends it the same way.
- Errors logged by Pelican (a broken ``{filename}`` link, say) fail the build too.
- A clean build (``DELETE_OUTPUT_DIRECTORY``, as in publishconf.py) is made in a
  sibling folder (``output.partial``) and swapped into place only when the whole build
  succeeded, so a failed build never leaves a half-written ``output/`` behind. The
  output it replaces is kept as ``output.old`` until the next clean build, which deletes
  it in the background while it reads the content (deleting thousands of files takes
  seconds; nothing else would overlap it). Development builds write in place, for speed.
- Every build that succeeds ends by writing its build stamp into the output
  (:mod:`pelican_contentkit.build_stamp`): what ``invoke deploy`` checks before deploying.
"""

from __future__ import annotations

import logging
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

# What pelican.log.FatalLogger raises once an error has been logged with fatal="errors".
PELICAN_FATAL_LOG_MESSAGE = "Warning or error encountered"


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

    from pelican_contentkit.build_stamp import stamp_for, write_stamp
    from pelican_contentkit.check import format_text
    from pelican_contentkit.errors import ContentError, ContentErrors
    from pelican_contentkit.pelican_api import init_logging, run_pelican
    from pelican_contentkit.problems import stop_reading

    init_logging(level=logging.INFO if verbose else logging.WARNING, fatal="errors")
    reset_log_deduplication()
    settings = read_settings(str(settings_file), override=dict(overrides or {}))
    final_output = Path(settings["OUTPUT_PATH"]).resolve()
    staged = bool(settings.get("DELETE_OUTPUT_DIRECTORY"))
    staging_output = final_output.with_name(final_output.name + ".partial") if staged else final_output
    if staged:
        _remove_in_background(_previous(final_output))
        shutil.rmtree(staging_output, ignore_errors=True)
        settings["OUTPUT_PATH"] = str(staging_output)

    started = time.perf_counter()
    started_ns = time.time_ns()
    try:
        run_pelican(settings)
    except ContentErrors as errors:
        _discard(staging_output, staged)
        print(format_text(errors.errors), file=sys.stderr)
        print("Build stopped before writing anything.", file=sys.stderr)
        return errors.exitcode
    except ContentError as error:
        _discard(staging_output, staged)
        print(f"Build failed: {error}", file=sys.stderr)
        return error.exitcode
    except RuntimeError as error:
        if str(error) != PELICAN_FATAL_LOG_MESSAGE:
            raise
        # Pelican's fatal logger raised this after printing the logged error.
        _discard(staging_output, staged)
        print("Build failed: an error was logged (see the messages above).", file=sys.stderr)
        return 1
    finally:
        stop_reading()

    write_stamp(staging_output, stamp_for(settings, settings_file, started_ns))
    if staged:
        _replace_dir(staging_output, final_output)
    print(f"Built {final_output} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


def _discard(staging_output: Path, staged: bool) -> None:
    if staged:
        shutil.rmtree(staging_output, ignore_errors=True)


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
        threading.Thread(
            target=shutil.rmtree, args=(doomed,), kwargs={"ignore_errors": True}, name="remove-old-output"
        ).start()


def _replace_dir(new: Path, target: Path) -> None:
    """Put ``new`` (search index included: it is made at the build's end) in place of
    ``target``, which becomes ``target.old`` (deleted by the next build)."""
    old = _previous(target)
    shutil.rmtree(old, ignore_errors=True)  # only if the start of this build could not move it
    if target.exists():
        target.rename(old)
    new.rename(target)
