"""fastbuild's rendering on every core: forked processes write what Pelican writes alone."""

from __future__ import annotations

import gc
import os
import shutil
import sys
import threading
from pathlib import Path

import pytest
from pelican import Pelican, signals

from pelican.plugins.fastbuild import rendering
from pelican_contentkit.build import reset_log_deduplication
from tests.support.processes import no_children_left
from tests.support.site import ROOT, site_settings
from tests.support.trees import assert_same_tree


@pytest.fixture
def forks(monkeypatch):
    """Fork for every page count, and count the forks. The build forks only when no other
    thread runs: an earlier test's background work (deleting an old output) is waited for,
    and threads that outlive that wait are not counted."""
    for thread in threading.enumerate():
        if thread.name == "remove-old-output":  # pelican_contentkit.build's
            thread.join(timeout=60)
    # Threads of other tests' infrastructure that outlive them on this worker (an idle HTTP
    # server's, under xdist) are not the build's: the guard counts the threads started since.
    before = set(threading.enumerate())
    real_other_threads = rendering.other_threads
    monkeypatch.setattr(
        rendering, "other_threads", lambda: [t for t in real_other_threads() if t not in before]
    )
    made = []
    real_fork = os.fork

    def counting_fork():
        pid = real_fork()
        if pid:
            made.append(pid)
        return pid

    monkeypatch.setattr(rendering, "MIN_PAGES_FOR_FORK", 1)
    monkeypatch.setattr(rendering.os, "fork", counting_fork)
    return made


def build(tmp_path: Path, output: str, production: bool, fastbuild: bool, **overrides) -> Path:
    reset_log_deduplication()
    settings = site_settings(
        tmp_path,
        production=production,
        OUTPUT_PATH=str(tmp_path / output),
        NEWSLETTER_CAMPAIGNS_PATH=str(tmp_path / f"{output}-campaigns"),
        **{"PATH": str(ROOT / "content"), "FASTBUILD_WORKERS": 2, **overrides},
    )
    if not fastbuild:
        settings["PLUGINS"] = [name for name in settings["PLUGINS"] if name != "fastbuild"]
    Pelican(settings).run()
    return tmp_path / output


@pytest.mark.parametrize("production", [True, False], ids=["absolute URLs", "relative URLs"])
def test_pages_rendered_in_two_processes_are_the_pages_pelican_renders(tmp_path, forks, production):
    # A draft is written one folder deeper (drafts/<slug>/) than the other articles, so its
    # relative link is rendered against another localsiteurl than theirs.
    shutil.copytree(ROOT / "content", tmp_path / "content")
    (tmp_path / "content" / "articles" / "draft-with-link.md").write_text(
        "Title: A draft with a link\nDate: 2026-11-20\nCategory: Giving First\nStatus: draft\n"
        "Summary: A draft.\n\nRead [the first article]({filename}give-before-you-get.md) first.\n",
        encoding="utf-8",
    )
    content = {"PATH": str(tmp_path / "content")}
    plain = build(tmp_path, "plain", production, fastbuild=False, **content)
    forks.clear()
    parallel = build(tmp_path, "parallel", production, fastbuild=True, **content)
    assert len(forks) == 2  # the articles and pages first (page_writer_finalized), then the rest
    assert_same_tree(plain, parallel)
    if production:
        assert_same_tree(tmp_path / "plain-campaigns", tmp_path / "parallel-campaigns")


def test_a_failed_rendering_process_has_its_pages_rendered_by_the_build(tmp_path, forks, monkeypatch, caplog):
    monkeypatch.setattr(rendering, "_child", lambda share: os._exit(3))
    plain = build(tmp_path, "plain", True, fastbuild=False)
    parallel = build(tmp_path, "parallel", True, fastbuild=True)
    assert len(forks) == 2
    assert "a rendering process failed" in caplog.text
    assert_same_tree(plain, parallel)


@pytest.mark.parametrize(
    ("fork_safe", "forks_made"),
    [(False, 0), (True, 2)],
    ids=["another thread: rendered here", "a thread marked fork_safe: forked beside it"],
)
def test_a_second_thread_keeps_the_rendering_here_unless_marked_fork_safe(
    tmp_path, forks, fork_safe, forks_made
):
    # A fork copies only the forking thread (a lock another thread holds stays held in the
    # child): with a second thread alive the pages are rendered without forking, unless it is
    # marked fork_safe, as the build's own deletion of the output two builds old is (build_site).
    release = threading.Event()
    waiting = threading.Thread(target=release.wait, daemon=True)
    if fork_safe:
        waiting.fork_safe = True  # type: ignore[attr-defined]
    waiting.start()
    try:
        parallel = build(tmp_path, "parallel", False, fastbuild=True)
    finally:
        release.set()
        waiting.join()
    assert len(forks) == forks_made
    assert_same_tree(build(tmp_path, "plain", False, fastbuild=False), parallel)


def test_a_template_error_stops_the_build_as_without_fastbuild(tmp_path, forks):
    shutil.copytree(ROOT / "theme", tmp_path / "theme")
    article = tmp_path / "theme" / "templates" / "article.html"
    article.write_text(
        article.read_text(encoding="utf-8").replace(
            "{{ article.content|safe }}", "{{ article.no_such.field }}"
        )
    )
    errors = []
    for fastbuild in (False, True):
        with pytest.raises(Exception) as raised:
            build(tmp_path, f"broken-{fastbuild}", True, fastbuild=fastbuild, THEME=str(tmp_path / "theme"))
        errors.append((type(raised.value), str(raised.value)))
    assert errors[0] == errors[1]
    assert "no_such" in errors[1][1]
    assert no_children_left()
    assert gc.get_freeze_count() == 0  # the build's objects are not left frozen


def test_the_build_objects_stay_frozen_while_the_processes_render(tmp_path, forks, monkeypatch):
    """gc.freeze while pages render in forks: no collection walks (and so copies) the pages
    of memory the processes share; afterwards the objects are collectable again."""
    frozen_while_rendering = []
    real_render_job = rendering.render_job

    def render_job(job):
        frozen_while_rendering.append(gc.get_freeze_count())
        real_render_job(job)

    monkeypatch.setattr(rendering, "render_job", render_job)
    build(tmp_path, "frozen", True, fastbuild=True)
    assert forks
    assert frozen_while_rendering and min(frozen_while_rendering) > 0
    assert gc.get_freeze_count() == 0


EXTRA_PAGE_PLUGIN = '''
from pelican import signals
from pelican.generators import Generator


class TwiceWrittenPage(Generator):
    """Writes one page twice, the second time overriding the first, as Pelican allows."""

    def generate_output(self, writer):
        template = self.get_template("extra")
        writer.write_file("extra/index.html", template, self.context, message="first")
        writer.write_file("extra/index.html", template, self.context, message="second", override_output=True)
        writer.write_file("once/index.html", template, self.context, message="once")


def get_generators(pelican_object):
    return TwiceWrittenPage


def register():
    signals.get_generators.connect(get_generators)
'''


@pytest.mark.parametrize("position", ["before fastbuild", "after fastbuild"])
def test_a_page_written_twice_ends_as_pelican_leaves_it(tmp_path, forks, position):
    """Listed before fastbuild, the plugin writes while pages are kept for the end; listed
    after it, it writes after they were rendered, and its own pages are rendered at the end."""
    (tmp_path / "extra_plugins").mkdir()
    (tmp_path / "extra_plugins" / "twice_written.py").write_text(EXTRA_PAGE_PLUGIN, encoding="utf-8")
    shutil.copytree(ROOT / "theme", tmp_path / "theme")
    (tmp_path / "theme" / "templates" / "extra.html").write_text("<p>{{ message }}</p>\n", encoding="utf-8")
    try:
        for fastbuild in (False, True):
            reset_log_deduplication()
            settings = site_settings(
                tmp_path,
                PATH=str(ROOT / "content"),
                OUTPUT_PATH=str(tmp_path / f"out-{fastbuild}"),
                THEME=str(tmp_path / "theme"),
                FASTBUILD_WORKERS=2,
                PLUGIN_PATHS=[str(tmp_path / "extra_plugins")],
            )
            plugins = [name for name in settings["PLUGINS"] if name != "fastbuild"]
            if fastbuild:
                plugins = (
                    [*plugins, "fastbuild"] if position == "before fastbuild" else ["fastbuild", *plugins]
                )
            settings["PLUGINS"] = (
                [*plugins, "twice_written"] if position == "after fastbuild" else ["twice_written", *plugins]
            )
            Pelican(settings).run()
    finally:  # the plugin's handler would stay connected for the tests that follow
        signals.get_generators.disconnect(sys.modules.pop("twice_written").get_generators)
    for fastbuild in (False, True):
        assert (tmp_path / f"out-{fastbuild}" / "extra" / "index.html").read_text(
            encoding="utf-8"
        ) == "<p>second</p>"
        assert (tmp_path / f"out-{fastbuild}" / "once" / "index.html").read_text(
            encoding="utf-8"
        ) == "<p>once</p>"
    assert_same_tree(tmp_path / "out-False", tmp_path / "out-True")


def test_one_process_renders_in_place_without_forking(tmp_path, forks):
    plain = build(tmp_path, "plain", True, fastbuild=False)
    one = build(tmp_path, "one", True, fastbuild=True, FASTBUILD_WORKERS=1)
    assert forks == []
    assert_same_tree(plain, one)
