"""Which tests pytest-xdist must run on one worker: those that share a module-scoped fixture (a
built site, a fresh venv, a browser), so that it is set up once, not once per worker, and those
marked ``xdist_group``.

pytest-xdist 3.8's own `--dist loadgroup` groups by a suffix it adds to each test's node id,
which pytest 9.2 no longer reads: here each worker writes the groups of the tests it collected
into a file, and the controller's scheduler (xdist's, grouping by these) reads them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from xdist.scheduler import LoadScopeScheduling

GROUPS_FOLDER = "NETWORKER_XDIST_GROUPS"  # environment variable the workers inherit


def group_of(item: pytest.Item) -> str | None:
    marks = sorted(
        str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
        for mark in item.iter_markers("xdist_group")
    )
    if marks:
        return "_".join(marks)
    fixtures = getattr(item, "_fixtureinfo", None)
    if fixtures is None:
        return None
    shared = sorted(
        name
        for name, definitions in fixtures.name2fixturedefs.items()
        if definitions and definitions[-1].scope == "module"
    )
    module = getattr(item, "module", None)
    return f"{module.__name__ if module else item.path}:{'+'.join(shared)}" if shared else None


def write_groups(items: list[pytest.Item]) -> None:
    """In a worker: record each grouped test's group for the controller."""
    folder, worker = os.environ.get(GROUPS_FOLDER), os.environ.get("PYTEST_XDIST_WORKER")
    if not folder or not worker:
        return
    groups = {item.nodeid: group for item in items if (group := group_of(item))}
    (Path(folder) / f"{worker}.json").write_text(json.dumps(groups), encoding="utf-8")


class FixtureGroupScheduling(LoadScopeScheduling):
    """xdist's scope scheduling, a scope being a group above or else a single test."""

    def __init__(self, config: pytest.Config, log=None) -> None:
        super().__init__(config, log)
        self._groups: dict[str, str] | None = None

    def _split_scope(self, nodeid: str) -> str:
        if self._groups is None:  # called once every worker has collected
            self._groups = {}
            for path in sorted(Path(os.environ[GROUPS_FOLDER]).glob("*.json")):
                self._groups.update(json.loads(path.read_text(encoding="utf-8")))
        group = self._groups.get(nodeid)
        return f"group:{group}" if group else nodeid
