"""Whole output folders compared file by file, byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

from pelican_contentkit.build_stamp import STAMP_NAME


def output_tree(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder``, by its relative path; not the build stamp `make build` adds
    (it holds the build's start time, and is never deployed)."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.relative_to(folder).as_posix() != STAMP_NAME
    }


def assert_same_tree(expected: Path, actual: Path) -> None:
    """The same files, with the same bytes; the assertion names the files that differ."""
    expected_files, actual_files = output_tree(expected), output_tree(actual)
    assert sorted(actual_files) == sorted(expected_files)
    assert [name for name in expected_files if actual_files[name] != expected_files[name]] == []


def strip_build_stamps(folder: Path) -> None:
    """Take out what only `make build` writes (it stamps its build's id in ``.build-id`` and
    in each ``campaign.json``), to compare its output with plain ``pelican``'s."""
    for stamp in folder.rglob(".build-id"):
        stamp.unlink()
    for path in folder.rglob("campaign.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        if record.pop("build", None) is not None:
            path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
