"""Whole output folders compared file by file, byte for byte."""

from __future__ import annotations

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
