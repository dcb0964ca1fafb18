"""A build killed at any moment leaves the previous site and campaign files, or the new ones,
whole; two builds of one output never overlap.

A real production build runs in its own process group and stops at a chosen point (a
Pelican signal, or a step of the swap, seen in the build's debug log), where the test
kills the whole group with SIGKILL (Pagefind included). Then: ``output/`` is one build's
site, search index included; the publisher accepts the campaign files only when they come
from the build of that site; and the next build finishes what the killed one left (a swap
half done) or starts over, and its result is whole."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from pelican.plugins.monthly_newsletter.publish.campaign_files import load_campaign
from pelican.plugins.monthly_newsletter.publish.errors import PublishError
from pelican_contentkit.build import build_site
from tests.support.once import once_per_run
from tests.support.site import ROOT
from tests.test_authoring import article, make_content
from tests.test_one_reading import production_overrides

NEW_ARTICLE = {"articles/brand-new.md": article("Brand New", "2025-03-20 09:00", "first")}

# Runs one production build that stops at POINT, writing MARKER when it is there.
BUILD_SCRIPT = textwrap.dedent(
    """
    import logging, sys, time
    from pathlib import Path

    from pelican import signals
    from pelican_contentkit.build import build_site

    point, marker, overrides = sys.argv[1], Path(sys.argv[2]), eval(sys.argv[3])


    def stop_here(*args, **kwargs):
        marker.write_text(point)
        time.sleep(600)


    class StopAtLogLine(logging.Handler):
        def emit(self, record):
            if record.getMessage() == point:
                stop_here()


    if point == "reading":
        signals.all_generators_finalized.connect(stop_here)
    elif point == "writing":
        signals.content_written.connect(stop_here)
    elif point == "before-search-index":
        signals.finalized.connect(stop_here)  # connected before the plugins' own handlers
    elif point.startswith("swap:"):
        log = logging.getLogger("pelican_contentkit.build")
        log.setLevel(logging.DEBUG)
        log.propagate = False
        log.addHandler(StopAtLogLine())
    sys.exit(build_site("publishconf.py", overrides))
    """
)


def start_build(tmp_path: Path, point: str) -> tuple[subprocess.Popen, Path]:
    marker = tmp_path / f"stopped-at-{point.replace(' ', '-').replace(':', '')}"
    script = tmp_path / "build_and_stop.py"
    script.write_text(BUILD_SCRIPT, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(script), point, str(marker), repr(production_overrides(tmp_path))],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: Pagefind goes with it
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    return process, marker


def wait_for(condition, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"the build ended (exit {process.returncode}): {process.stderr.read()}")
        if time.monotonic() > deadline:
            raise AssertionError("the build never got there")
        time.sleep(0.01)


def kill_group(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    process.stdout.close()
    process.stderr.close()


def site_build(tmp_path: Path) -> str:
    return (tmp_path / "output/.build-id").read_text(encoding="utf-8").strip()


def campaign_build(tmp_path: Path) -> str:
    record = json.loads((tmp_path / "campaigns/2025-03/campaign.json").read_text(encoding="utf-8"))
    return record["build"]["id"]


def assert_one_whole_build(tmp_path: Path) -> str:
    """output/ is one build's site, whole; return its build id."""
    output = tmp_path / "output"
    assert (output / "index.html").is_file() and (output / "first-steps/index.html").is_file()
    assert (output / "pagefind/pagefind.js").is_file()
    assert (output / "sitemap.xml").is_file() and (output / "feeds/all.atom.xml").is_file()
    new = (output / "brand-new/index.html").is_file()
    feed = (output / "feeds/all.atom.xml").read_text(encoding="utf-8")
    assert ("Brand New" in feed) == new
    return site_build(tmp_path)


def publisher_refusal(tmp_path: Path) -> str:
    """Why the publisher refuses the 2025-03 campaign files ("" when it takes them)."""
    try:
        load_campaign(tmp_path / "campaigns", "2025-03", tmp_path)
    except PublishError as error:
        return str(error)
    return ""


def publisher_accepts(tmp_path: Path) -> bool:
    return publisher_refusal(tmp_path) == ""


@pytest.fixture(scope="session")
def first_build(tmp_path_factory) -> Path:
    """Build A of the site, made once for all the tests (each gets a copy)."""
    from pelican.log import FatalLogger

    with once_per_run(tmp_path_factory, "first-build") as (site, made):
        if not made:
            level = FatalLogger.fatal_lvl  # build_site changes it for the process
            make_content(site, {})
            assert build_site(ROOT / "publishconf.py", production_overrides(site)) == 0
            FatalLogger.fatal_lvl = level
    return site


@pytest.fixture
def built_once(tmp_path, first_build):
    """A site built once (build A, copied in with its cache and campaign files), then given a new
    article for the next build (B)."""
    shutil.copytree(first_build, tmp_path, symlinks=True, dirs_exist_ok=True)
    first = site_build(tmp_path)
    assert campaign_build(tmp_path) == first and publisher_accepts(tmp_path)
    (tmp_path / "campaigns/2025-03/published.json").write_text('{"the": "publisher\'s record"}')
    make_content(tmp_path, NEW_ARTICLE)
    return first


# Where build B is killed, and whether the new site is in place by then.
POINTS = [
    ("reading", False),
    ("writing", False),
    ("before-search-index", False),
    ("during-search-index", False),
    ("swap: the output goes in", False),
    ("swap: the output is in", True),
    ("swap: done", True),
]


@pytest.mark.parametrize(("point", "new_site"), POINTS, ids=[p for p, _ in POINTS])
def test_a_build_killed_at_any_point_leaves_one_whole_build(tmp_path, built_once, point, new_site):
    if point == "during-search-index":
        process, _ = start_build(tmp_path, "none")
        wait_for(lambda: any(tmp_path.glob(".pagefind-*/pagefind")), process)
    else:
        process, marker = start_build(tmp_path, point)
        wait_for(marker.exists, process)
    kill_group(process)

    site = assert_one_whole_build(tmp_path)
    assert (site != built_once) == new_site
    assert (tmp_path / "output/brand-new/index.html").is_file() == new_site
    # The publisher takes the campaign files only beside the site of the same build, and only
    # when they are as new as the content: build A's files are whole but older than the article
    # added since, so they are refused too.
    assert publisher_accepts(tmp_path) == (campaign_build(tmp_path) == site and new_site)
    if not new_site:
        assert campaign_build(tmp_path) == built_once
        assert "older than the content" in publisher_refusal(tmp_path)
    assert (tmp_path / "campaigns/2025-03/published.json").is_file()

    # The next build finishes the killed one's swap, or builds anew; either way it is whole.
    assert build_site(ROOT / "publishconf.py", production_overrides(tmp_path)) == 0
    latest = assert_one_whole_build(tmp_path)
    assert campaign_build(tmp_path) == latest and publisher_accepts(tmp_path)
    assert (tmp_path / "output/brand-new/index.html").is_file()
    assert (tmp_path / "campaigns/2025-03/published.json").is_file()
    assert not (tmp_path / "output.partial").exists() and not (tmp_path / "campaigns.partial").exists()
    assert not (tmp_path / "output.swap").exists()


def test_the_next_build_finishes_a_swap_the_killed_build_left_half_done(tmp_path, built_once):
    process, marker = start_build(tmp_path, "swap: the output is in")
    wait_for(marker.exists, process)
    kill_group(process)
    killed = site_build(tmp_path)
    assert campaign_build(tmp_path) == built_once and not publisher_accepts(tmp_path)

    from pelican_contentkit.build import finish_interrupted_swap

    finish_interrupted_swap(tmp_path / "output")  # what the next build does first
    assert site_build(tmp_path) == killed == campaign_build(tmp_path) and publisher_accepts(tmp_path)
    record = json.loads((tmp_path / "campaigns/2025-03/campaign.json").read_text(encoding="utf-8"))
    assert "content/articles/brand-new.md" in record["sources"]


def test_a_second_build_waits_for_the_first_and_says_so(tmp_path, built_once):
    first, marker = start_build(tmp_path, "reading")
    wait_for(marker.exists, first)
    second, _ = start_build(tmp_path, "none")
    waiting = ""
    deadline = time.monotonic() + 60
    while "waiting" not in waiting and time.monotonic() < deadline:
        waiting += second.stderr.readline()
    assert "Another build of " in waiting and "output.lock" in waiting, waiting
    assert second.poll() is None  # still waiting
    kill_group(first)  # its lock goes with it
    _, said = second.communicate(timeout=120)
    assert second.returncode == 0, said
    assert "Traceback" not in said
    latest = assert_one_whole_build(tmp_path)
    assert latest != built_once and campaign_build(tmp_path) == latest and publisher_accepts(tmp_path)
