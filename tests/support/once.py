"""What the test run makes once, for all its pytest-xdist workers."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def once_per_run(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[tuple[Path, bool]]:
    """A folder for what a session-scoped fixture makes once for the whole run: under xdist the
    first worker to get here makes it (the others wait on a lock, then find it made); yields
    (folder, made already). Without xdist, a fresh folder of this session."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        yield tmp_path_factory.mktemp(name), False
        return
    run = tmp_path_factory.getbasetemp().parent  # this run's, shared by its workers
    folder = run / name
    with (run / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = run / f"{name}.done"
        made = done.exists()
        if not made:
            folder.mkdir(exist_ok=True)
        yield folder, made
        done.touch()
