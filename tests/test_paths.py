"""The kit's path helpers in strings: the same answers as os.path and pathlib, links included."""

from __future__ import annotations

import os
from pathlib import Path

from pelican_contentkit.paths import forget_real_paths, real_path, resolved_label, site_label


def _tree(tmp_path: Path) -> Path:
    (tmp_path / "site/content/articles").mkdir(parents=True)
    (tmp_path / "site/content/articles/a.md").write_text("Title: A\n", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/b.md").write_text("Title: B\n", encoding="utf-8")
    os.symlink(tmp_path / "elsewhere", tmp_path / "site/content/linked")
    os.symlink(tmp_path / "site/content/articles/a.md", tmp_path / "site/content/a-link.md")
    os.symlink("../nowhere", tmp_path / "site/content/dangling.md")
    return tmp_path / "site/content"


def test_real_paths_are_os_paths_real_paths(tmp_path):
    content = _tree(tmp_path)
    forget_real_paths()
    for path in [
        content / "articles/a.md",
        content / "linked/b.md",
        content / "a-link.md",
        content / "dangling.md",
        content / "linked/../articles",
        content / "linked/.",
        content / "missing/file.md",
        f"{content}//articles//a.md",
        Path("/"),
    ]:
        assert real_path(str(path)) == os.path.realpath(path), path


def test_labels_are_pathlibs(tmp_path):
    content = _tree(tmp_path)
    settings = {"PATH": str(content)}
    assert site_label(content / "articles/a.md", settings) == "content/articles/a.md"
    assert site_label(content / "linked/b.md", settings) == "content/linked/b.md"  # as written
    assert site_label(content.parent, settings) == "."
    assert site_label(tmp_path / "elsewhere/b.md", settings) == str(tmp_path / "elsewhere/b.md")
    for path in (content / "a-link.md", content / "linked/b.md", content / "articles/a.md"):
        expected = (
            path.resolve().relative_to(content.parent.resolve()).as_posix()
            if path.resolve().is_relative_to(content.parent.resolve())
            else str(path)
        )
        assert resolved_label(path, content.parent) == expected
