"""This test process's own child processes, as the kernel lists them (zombies included)."""

from __future__ import annotations

import time
from pathlib import Path


def child_processes() -> list[int]:
    children = []
    for task in Path("/proc/self/task").iterdir():
        children += [int(pid) for pid in (task / "children").read_text().split()]
    return children


def no_children_left(timeout: float = 10.0) -> bool:
    """Whether every child process has ended and been waited for, within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while child_processes():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
