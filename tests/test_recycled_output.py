"""A clean build writes over the output two builds old and removes what it did not write
(pelican_contentkit.build): the result must be what a build into an empty folder writes,
file for file and folder for folder."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from pelican_contentkit import build
from pelican_contentkit.build import build_site, leave_in_place
from pelican_contentkit.files import write_over
from tests.support.site import ROOT
from tests.support.trees import output_tree
from tests.test_authoring import article, make_content
from tests.test_one_reading import production_overrides


def tree(folder: Path) -> tuple[dict[str, bytes], list[str], dict[str, str]]:
    """Files (bytes), folders, and symbolic links (targets) below ``folder``."""
    folders = sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir() and not p.is_symlink()
    )
    links = {p.relative_to(folder).as_posix(): os.readlink(p) for p in folder.rglob("*") if p.is_symlink()}
    return output_tree(folder), folders, links


def comparable(folder: Path) -> tuple[dict[str, bytes], list[str], dict[str, str]]:
    """:func:`tree` without what differs between any two builds: the build's id."""
    files, folders, links = tree(folder)
    files = {
        name: data
        for name, data in files.items()
        if name != ".build-id" and not name.endswith("campaign.json")
    }
    return files, folders, links


def production_build(site: Path, **overrides) -> None:
    assert build_site(ROOT / "publishconf.py", {**production_overrides(site), **overrides}) == 0
    for thread in __import__("threading").enumerate():
        if thread.name == "remove-old-output":
            thread.join()


@pytest.mark.parametrize(
    "in_the_way",
    [None, "a file where a folder goes", "a folder where a file goes"],
    ids=["written over", "a file in the way: built again", "a folder in the way: built again"],
)
def test_a_clean_build_over_an_older_output_writes_what_a_build_into_an_empty_folder_writes(
    tmp_path, in_the_way
):
    site = tmp_path / "site"
    make_content(site, {})
    production_build(site)
    production_build(site)  # output.old is now the first build's output
    old = site / "output.old"
    # What the next build must not keep: a stray file and folders, a link, the page of an
    # article that is gone (below), a shorter page's old end.
    (old / "stray.txt").write_text("left over", encoding="utf-8")
    (old / "deep/er/still").mkdir(parents=True)
    (old / "deep/er/still/file.html").write_text("<p>old</p>", encoding="utf-8")
    (old / "link.html").symlink_to(old / "index.html")
    (site / "campaigns.old" / "2025-03" / "stale.txt").write_text("old", encoding="utf-8")
    if in_the_way == "a file where a folder goes":
        shutil.rmtree(old / "feeds")
        (old / "feeds").write_text("a file", encoding="utf-8")
    elif in_the_way == "a folder where a file goes":
        (old / "index.html").unlink()
        (old / "index.html").mkdir()
    home = (old / "index.html").stat().st_ino
    # Held open, the home page's file (or folder) keeps its inode even once removed: a new
    # file cannot be given the same number, which would make it look written over.
    held = os.open(old / "index.html", os.O_RDONLY)
    # The content changes: one article gone, one new, one shorter (its page is written over).
    (site / "content/articles/second.md").unlink()
    (site / "content/articles/third.md").write_text(
        article("Third Time", "2025-03-20 09:00", "first"), encoding="utf-8"
    )
    first = site / "content/articles/first.md"
    first.write_text(first.read_text(encoding="utf-8").replace("second", "third"), encoding="utf-8")
    # A record the publisher keeps beside the campaign files: kept, as a copy would keep it.
    (site / "campaigns" / "2025-03" / "sent.json").write_text("{}", encoding="utf-8")

    try:
        production_build(site)
        # The home page's file was written over, or (something in the way) made anew.
        assert ((site / "output/index.html").stat().st_ino == home) is (in_the_way is None)
    finally:
        os.close(held)
    fresh = tmp_path / "fresh"
    shutil.copytree(site / "content", fresh / "content")
    (fresh / "campaigns" / "2025-03").mkdir(parents=True)
    (fresh / "campaigns" / "2025-03" / "sent.json").write_text("{}", encoding="utf-8")
    production_build(fresh)
    assert comparable(site / "output") == comparable(fresh / "output")
    assert comparable(site / "campaigns") == comparable(fresh / "campaigns")
    assert not (site / "output.partial").exists() and not (site / "campaigns.partial").exists()


def test_the_sweep_removes_what_the_build_did_not_write_and_keeps_what_it_left_in_place(tmp_path):
    staging = tmp_path / "output.partial"
    names = ("kept/a.html", "gone/b.html", "gone/deeper/c.html", "left/d.html", "folder/e/f.html", "g.html")
    for name in names:
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        (staging / name).write_text(name, encoding="utf-8")
    found = build._recycle(tmp_path / "output.old", staging)
    assert set(found) == {str(staging / name) for name in names}
    write_over(staging / "kept/a.html", b"new")  # written by the build
    settings = {build.BUILD_SETTING: {"staged": True, "left_in_place": set()}}
    leave_in_place(settings, staging / "left/d.html")
    leave_in_place(settings, staging / "folder")

    build._sweep(staging, found, settings[build.BUILD_SETTING]["left_in_place"])

    files, folders, _ = tree(staging)
    assert files == {
        "kept/a.html": b"new",
        "left/d.html": b"left/d.html",
        "folder/e/f.html": b"folder/e/f.html",
    }
    assert folders == ["folder", "folder/e", "kept", "left"]


def test_a_folder_is_mirrored_as_copytree_copies_it_over_whatever_the_staging_folder_held(tmp_path):
    source, target, expected = tmp_path / "source", tmp_path / "target", tmp_path / "expected"
    (source / "a/b").mkdir(parents=True)
    (source / "a/b/deep.txt").write_text("deep", encoding="utf-8")
    (source / "file.txt").write_text("short", encoding="utf-8")
    (source / "was-a-folder").write_text("now a file", encoding="utf-8")
    (source / "was-a-link.txt").write_text("a file, not through the link", encoding="utf-8")
    (source / "link").symlink_to("file.txt")
    (source / "private.txt").write_text("mode kept", encoding="utf-8")
    (source / "private.txt").chmod(0o600)
    (target / "was-a-folder/inner").mkdir(parents=True)
    (target / "a").write_text("a file where a folder goes", encoding="utf-8")
    (target / "file.txt").write_text("a much longer text than the new one", encoding="utf-8")
    (target / "stale.txt").write_text("gone", encoding="utf-8")
    outside = tmp_path / "outside.txt"
    outside.write_text("never written", encoding="utf-8")
    (target / "was-a-link.txt").symlink_to(outside)
    (target / "link").write_text("a file where a link goes", encoding="utf-8")

    build._mirror(source, target)

    shutil.copytree(source, expected, symlinks=True)
    assert tree(target) == tree(expected)
    assert outside.read_text(encoding="utf-8") == "never written"
    for name in ("file.txt", "private.txt", "a/b/deep.txt"):
        assert stat.S_IMODE((target / name).stat().st_mode) == stat.S_IMODE((source / name).stat().st_mode)
        assert (target / name).stat().st_mtime_ns == (source / name).stat().st_mtime_ns


def test_with_static_check_if_modified_the_staging_folder_starts_empty(tmp_path):
    """Pelican leaves an up-to-date static file where it is with STATIC_CHECK_IF_MODIFIED: in
    a folder written over, the sweep would take it for one the build did not write."""
    site = tmp_path / "site"
    make_content(site, {})
    for _ in range(3):
        production_build(site, STATIC_CHECK_IF_MODIFIED=True)
        assert (site / "output/images/handshake.png").is_file()


def test_writing_over_a_file_leaves_exactly_the_new_bytes_as_open_would(tmp_path):
    path = tmp_path / "page.html"
    write_over(path, b"a long first version of the page")
    write_over(path, b"short")
    assert path.read_bytes() == b"short"
    target = tmp_path / "target.html"
    target.write_bytes(b"old")
    (tmp_path / "link.html").symlink_to(target)
    write_over(tmp_path / "link.html", b"through the link")  # as open(path, "wb") goes
    assert target.read_bytes() == b"through the link"
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


@pytest.mark.parametrize("staged", [True, False])
def test_leave_in_place_records_only_in_a_clean_build(staged):
    settings = {build.BUILD_SETTING: {"staged": staged, "left_in_place": set()}}
    leave_in_place(settings, "/site/output.partial/page.html")
    leave_in_place({}, "/anywhere")  # plain pelican: nothing to record
    assert settings[build.BUILD_SETTING]["left_in_place"] == (
        {"/site/output.partial/page.html"} if staged else set()
    )
