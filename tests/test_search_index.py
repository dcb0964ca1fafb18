"""The search index starts as soon as the articles and pages are written, reads only them,
and ends with the build, whatever way the build ends."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pagefind.service
import pytest
from pelican import Pelican
from pelican.plugins import reader_features

from pelican.plugins.reader_features import search
from pelican_contentkit import stages
from pelican_contentkit.build import reset_log_deduplication
from tests.support.processes import no_children_left
from tests.support.site import ROOT, site_settings
from tests.support.trees import assert_same_tree
from tests.test_one_reading import production_overrides


def pelican_build(tmp_path: Path, **overrides) -> dict:
    reset_log_deduplication()
    settings = site_settings(tmp_path, **{"PATH": str(ROOT / "content"), **overrides})
    Pelican(settings).run()
    return settings


def fragments(output: Path) -> dict[str, dict]:
    """Pagefind's record of each indexed page, by its address."""
    found = [
        json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        for path in (output / "pagefind/fragment").glob("*.pf_fragment")
    ]
    return {fragment["url"]: fragment for fragment in found}


@pytest.fixture
def moment():
    """What was true when the build said its articles and pages were written."""
    seen: list[dict] = []

    def note(settings, context):
        output = Path(settings["OUTPUT_PATH"])
        paths = stages.content_page_paths(context)
        seen.append(
            {
                "started": search._started is not None and search._started[0] is settings,
                "written": all((output / path).is_file() for path in paths),
                "home written": (output / "index.html").exists(),
                "articles": {f"/{item.url}" for item in context["articles"]},
                "command": search._started[1].process.args if search._started else None,
            }
        )

    reader_features.register()  # its receiver first (registering again changes nothing)
    stages.when_content_pages_written(note)
    yield seen
    stages.stop_receiving(note)


@pytest.mark.parametrize("workers", [2, 1], ids=["fastbuild renders on two cores", "Pelican writes"])
def test_pagefind_starts_on_the_written_articles_and_its_index_is_whole(tmp_path, moment, workers):
    settings = pelican_build(tmp_path, FASTBUILD_WORKERS=workers)

    assert len(moment) == 1
    assert moment[0]["started"] and moment[0]["written"]
    # Pagefind's binary itself, the one `python -m pagefind` runs, with no Python started first.
    assert Path(moment[0]["command"][0]).samefile(pagefind.service.get_executable())
    # fastbuild renders the articles and pages first: the home page is not rendered yet.
    assert moment[0]["home written"] is (workers == 1)
    output = Path(settings["OUTPUT_PATH"])
    assert set(fragments(output)) == moment[0]["articles"]
    assert search._started is None
    assert no_children_left()
    assert not list(tmp_path.glob(".pagefind-*"))  # its scratch folder is gone
    # The same index, byte for byte, as Pagefind makes over the whole output (the theme marks
    # only articles for the index).
    whole = tmp_path / "whole"
    shutil.copytree(output, whole, ignore=shutil.ignore_patterns("pagefind"))
    search.index_site(whole)
    assert_same_tree(output / "pagefind", whole / "pagefind")


@pytest.mark.parametrize(
    ("folder", "glob_most"),
    [("posts/{date:%Y}", None), ("posts/~{date:%Y}", None), ("posts/{date:%Y}", 1)],
    ids=[
        "paths a glob names",
        "paths with a character not in a glob: hard links",
        "more paths than a glob may name: hard links",
    ],
)
def test_a_site_with_its_own_save_as_settings_has_every_article_indexed(
    tmp_path, moment, folder, glob_most, monkeypatch
):
    if glob_most is not None:
        monkeypatch.setattr(search, "GLOB_MOST_PAGES", glob_most)
    linked = "~" in folder or glob_most is not None
    settings = pelican_build(
        tmp_path,
        FASTBUILD_WORKERS=2,
        ARTICLE_URL=folder + "/{slug}.html",
        ARTICLE_SAVE_AS=folder + "/{slug}.html",
        PAGE_URL="p/{slug}.html",
        PAGE_SAVE_AS="p/{slug}.html",
    )

    output = Path(settings["OUTPUT_PATH"])
    command = moment[0]["command"]
    read = Path(command[command.index("--site") + 1])
    assert read.name == "site" and read.parent.name.startswith(".pagefind-") if linked else read == output
    indexed = fragments(output)
    assert set(indexed) == moment[0]["articles"]
    assert all(url.startswith("/posts/") and url.endswith(".html") for url in indexed)
    # The same index as Pagefind makes over the whole output.
    whole = tmp_path / "whole"
    shutil.copytree(output, whole, ignore=shutil.ignore_patterns("pagefind"))
    search.index_site(whole)
    assert_same_tree(output / "pagefind", whole / "pagefind")


# build_site in a fresh process, stopped by an error once Pagefind runs (a finalized
# handler connected before the plugins' own), or let through.
BUILD_SCRIPT = """
import sys
from pelican import signals
from pelican_contentkit.build import build_site

def fail(pelican_object):
    raise RuntimeError("stopped after the articles were written")

if sys.argv[1] == "fail":
    signals.finalized.connect(fail)
sys.exit(build_site("publishconf.py", eval(sys.argv[2])))
"""


def build_site_in_a_fresh_process(tmp_path: Path, how: str, **environment) -> subprocess.CompletedProcess:
    shutil.copytree(ROOT / "content", tmp_path / "content", dirs_exist_ok=True)
    return subprocess.run(
        [sys.executable, "-c", BUILD_SCRIPT, how, repr(production_overrides(tmp_path))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, **environment},
    )


def pagefind_processes_on(folder: Path) -> list[str]:
    """The command lines of running processes that name ``folder`` (a Pagefind left behind)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "pagefind" in command and str(folder) in command:
            found.append(command)
    return found


def test_a_build_that_stops_after_pagefind_started_leaves_no_pagefind_and_no_index(tmp_path):
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "index.html").write_text("<p>The deployed site.</p>\n")

    result = build_site_in_a_fresh_process(tmp_path, "fail")

    assert result.returncode == 1
    assert "stopped after the articles were written" in result.stderr
    assert pagefind_processes_on(tmp_path) == []
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith("output")) == [
        "output",
        "output.lock",
    ]
    assert (tmp_path / "output" / "index.html").read_text() == "<p>The deployed site.</p>\n"
    assert not list(tmp_path.glob(".pagefind-*"))


def test_a_pagefind_failure_after_an_early_start_fails_the_build_with_its_message(tmp_path):
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "index.html").write_text("<p>The deployed site.</p>\n")

    # Pagefind takes its options from the environment too: this selector makes it fail.
    result = build_site_in_a_fresh_process(tmp_path, "build", PAGEFIND_ROOT_SELECTOR="[[[")

    assert result.returncode == 1
    said = " ".join(result.stderr.split())
    assert "Build failed: output.partial [READER_SEARCH_INDEX]: Pagefind could not index" in said
    assert "the built site (exit 101: " in said
    assert "MissingAttributeName" in said
    assert len(said) < 2000  # its message once, not once per page
    assert (tmp_path / "output" / "index.html").read_text() == "<p>The deployed site.</p>\n"
    assert not (tmp_path / "output.partial").exists()
    assert not list(tmp_path.glob(".pagefind-*"))


def test_a_pagefind_binary_that_cannot_start_fails_the_build_with_a_content_error(tmp_path):
    missing = tmp_path / "no-such-pagefind"

    result = build_site_in_a_fresh_process(tmp_path, "build", PAGEFIND_BINARY_PATH=str(missing))

    assert result.returncode == 1
    said = " ".join(result.stderr.split())
    assert f"[READER_SEARCH_INDEX]: Pagefind could not start ({missing}: No such file or directory)" in said
    assert "PAGEFIND_BINARY_PATH" in said
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "output.partial").exists()
    assert not list(tmp_path.glob(".pagefind-*"))


def test_livereloads_background_indexing_indexes_the_whole_output_it_is_given(tmp_path, caplog):
    # `invoke livereload` builds without an index and calls build_search_index(output) after.
    settings = pelican_build(tmp_path, READER_SEARCH_INDEX=False)
    output = Path(settings["OUTPUT_PATH"])
    assert not (output / "pagefind").exists()
    published = {f"/{path.parent.name}/" for path in output.glob("*/index.html")}

    assert search.build_search_index(output) == 0

    indexed = set(fragments(output))
    assert indexed and indexed <= published  # the pages marked data-pagefind-body
    assert not list(tmp_path.glob(".pagefind-*"))
    empty = tmp_path / "empty"
    empty.mkdir()
    assert search.build_search_index(empty) == 1
    assert "did not contain any html files" in caplog.text


def index_from_nothing(output: Path, where: Path) -> Path:
    """The index Pagefind writes over ``output``'s pages into an empty folder."""
    shutil.copytree(output, where, ignore=shutil.ignore_patterns("pagefind"))
    search.index_site(where)
    return where / "pagefind"


def edit_the_sample_content(content: Path) -> None:
    """One article rewritten, one added: fragments and word indexes come and go."""
    article = content / "articles/a-network-map-in-one-hour.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text + "\nA paragraph with a zyzzogeton, a word on no other page.\n", encoding="utf-8")
    added = text.replace("Title: A Network Map in One Hour", "Title: A Second Map").replace(
        "Slug: a-network-map-in-one-hour", "Slug: a-second-map"
    )
    (content / "articles/a-second-map.md").write_text(added, encoding="utf-8")


def built_copy_of_the_sample_site(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the sample content, built once with its index: (content, output)."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    settings = pelican_build(tmp_path, PATH=str(content))
    return content, Path(settings["OUTPUT_PATH"])


@pytest.mark.parametrize("reusable", [True, False], ids=["seeded with the index before", "untested version"])
def test_an_index_written_over_the_one_before_is_the_one_pagefind_writes_from_nothing(
    tmp_path, reusable, monkeypatch
):
    content, output = built_copy_of_the_sample_site(tmp_path)
    before = {path.name: path.stat().st_ino for path in (output / "pagefind/fragment").iterdir()}
    if not reusable:
        monkeypatch.setattr(search, "TESTED_PAGEFIND_VERSIONS", ())
    edit_the_sample_content(content)
    (output / "pagefind/stray.txt").write_text("not Pagefind's", encoding="utf-8")

    pelican_build(tmp_path, PATH=str(content))

    after = {path.name: path.stat().st_ino for path in (output / "pagefind/fragment").iterdir()}
    kept = [name for name in after if before.get(name) == after[name]]
    # Unchanged fragments are the same files (hard links), unless the index was not reused.
    assert bool(kept) is reusable and len(kept) < len(after)
    assert set(after) - set(before) and set(before) - set(after)  # fragments came and went
    assert_same_tree(index_from_nothing(output, tmp_path / "whole"), output / "pagefind")


def test_an_index_pagefind_wrote_that_cannot_be_read_is_made_again_from_nothing(
    tmp_path, monkeypatch, caplog
):
    content, output = built_copy_of_the_sample_site(tmp_path)
    edit_the_sample_content(content)
    # Pagefind's meta file, as another layout would read: the new index cannot be pruned.
    monkeypatch.setattr(search.cbor2, "loads", lambda data: {"a": "map, not the list it is"})

    with caplog.at_level("INFO", logger=search.__name__):
        pelican_build(tmp_path, PATH=str(content))

    assert "indexing again from nothing" in caplog.text
    monkeypatch.undo()
    assert_same_tree(index_from_nothing(output, tmp_path / "whole"), output / "pagefind")
    assert not list(tmp_path.glob(".pagefind-*"))
