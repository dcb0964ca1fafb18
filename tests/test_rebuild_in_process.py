"""What a live-reload rebuild keeps in memory from the build before it, in the same process:
the kept results of pelican_contentkit.memo (used only while their file is the one this
process wrote) and the templates fastbuild compiled (used only for the same source and the
same environment options)."""

from __future__ import annotations

import pickle
from pathlib import Path

from pelican_contentkit import memo


def open_memo(tmp_path: Path) -> memo.Memo:
    settings = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CACHE_PATH": str(tmp_path)}
    return memo.Memo.open(settings, "results", ("pelican_contentkit.memo",), ())


def test_the_results_a_build_saved_are_taken_from_memory_while_their_file_is_unchanged(tmp_path):
    first = open_memo(tmp_path)
    assert first.get("a", lambda: ["made once"]) == ["made once"]
    first.save()

    second = open_memo(tmp_path)
    assert second.previous is first.used  # not unpickled again
    assert second.get("a", lambda: ["made again"]) == ["made once"]
    assert second.made == 0
    written = (tmp_path / "results.pickle").stat()
    second.save()  # nothing new: the file is left as it is
    assert (tmp_path / "results.pickle").stat().st_mtime_ns == written.st_mtime_ns


def test_a_results_file_another_process_rewrote_is_read_not_the_memory(tmp_path):
    first = open_memo(tmp_path)
    first.get("a", lambda: ["from this process"])
    first.save()
    path = tmp_path / "results.pickle"
    stored = pickle.loads(path.read_bytes())
    stored["results"] = {"a": ["from another process"]}
    partial = tmp_path / "other.partial"
    partial.write_bytes(pickle.dumps(stored))
    partial.replace(path)  # as Memo.save writes: a new file in its place

    again = open_memo(tmp_path)
    assert again.get("a", lambda: ["made"]) == ["from another process"]


def test_a_rebuild_leaves_no_article_of_the_build_before_in_pelicans_memos(tmp_path):
    """Pelican memoizes get_content and get_summary by content object, for good: in a process
    that builds again and again (live reload), every earlier build's articles stayed alive."""
    import shutil

    from pelican.contents import Content

    from tests.support.site import ROOT, dev_build

    shutil.copytree(ROOT / "content", tmp_path / "content")
    memo = Content.__dict__["get_summary"].cache
    # Whole rebuilds: new article objects each time.
    assert dev_build(tmp_path, FASTBUILD_QUICK_REBUILD=False) == 0
    first = [arguments[0] for arguments in memo]
    assert first  # the lists showed summaries
    assert dev_build(tmp_path, FASTBUILD_QUICK_REBUILD=False) == 0
    kept = [arguments[0] for arguments in memo]
    assert kept and not any(old is new for old in first for new in kept)
