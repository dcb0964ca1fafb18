"""Pelican's own command builds the whole site, search index included, the same as `make build`,
from any folder: paths come from the settings, never from the current directory."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.site import ROOT, write_files
from tests.support.trees import assert_same_tree, output_tree, strip_build_stamps

PELICAN = Path(sys.executable).with_name("pelican")
# Pelican's console wraps its messages at the terminal's width, inside words too.
WIDE_CONSOLE = {**os.environ, "COLUMNS": "500"}


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def invoke(site: Path, task: str, cwd: Path) -> subprocess.CompletedProcess:
    """`invoke <task>` with the tasks.py of ``site`` (as `make build` runs `invoke production`)."""
    return run([sys.executable, "-m", "invoke", "--search-root", str(site), task], cwd)


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the project's site (content, theme, settings, tasks.py) in tmp_path/site:
    the builds write their output/ and campaigns/ there, as they would in the project."""
    site = tmp_path / "site"
    site.mkdir()
    for name in ("content", "theme"):
        shutil.copytree(ROOT / name, site / name)
    for name in ("pelicanconf.py", "publishconf.py", "tasks.py"):
        shutil.copy2(ROOT / name, site / name)
    (tmp_path / "elsewhere").mkdir()
    return site


def test_pelican_with_publishconf_from_another_folder_builds_what_make_build_builds(project, tmp_path):
    # `make build` is `invoke production`, run in the project.
    invoke(project, "production", cwd=project)
    (project / "output").rename(tmp_path / "make-output")
    (project / "campaigns").rename(tmp_path / "make-campaigns")
    for folder in ("make-output", "make-campaigns"):
        strip_build_stamps(tmp_path / folder)

    # Pelican's command, started from another folder and given everything by absolute path.
    pelican_output = tmp_path / "pelican-output"
    run(
        [PELICAN, project / "content", "-s", project / "publishconf.py", "-o", pelican_output],
        cwd=tmp_path / "elsewhere",
    )

    assert (pelican_output / "pagefind" / "pagefind-entry.json").is_file()
    assert_same_tree(tmp_path / "make-output", pelican_output)
    # publishconf.py's campaigns folder, beside the settings, whatever the current folder.
    assert sorted(output_tree(project / "campaigns")) == sorted(output_tree(tmp_path / "make-campaigns"))
    assert_same_tree(tmp_path / "make-campaigns", project / "campaigns")
    assert not (tmp_path / "elsewhere" / "campaigns").exists()
    # The publisher finds the sources by these names, relative to the site.
    record = json.loads((project / "campaigns" / "2026-11" / "campaign.json").read_text(encoding="utf-8"))
    assert record["sources"] and all(
        name.startswith(("content/", "theme/", "pelican-monthly-newsletter:")) or name.endswith("conf.py")
        for name in record["sources"]
    ), record["sources"]
    assert record["content_folder"]["path"] == "content"


def test_pelican_with_the_development_settings_builds_what_invoke_build_builds(project, tmp_path):
    invoke(project, "build", cwd=tmp_path / "elsewhere")
    (project / "output").rename(tmp_path / "invoke-output")
    strip_build_stamps(tmp_path / "invoke-output")

    run([str(PELICAN), "content"], cwd=project)  # pelicanconf.py, found in the current folder

    output = project / "output"
    assert (output / "newsletter-preview" / "index.html").is_file()  # the development site
    assert (output / "pagefind" / "pagefind-entry.json").is_file()
    assert not (project / "campaigns").exists()
    assert_same_tree(tmp_path / "invoke-output", output)


TINY_SITE = {
    "articles/first-favour.md": """
        Title: The first favour
        Date: 2026-09-03 08:00
        Category: Giving First
        Tags: generosity
        Author: Ada Tester
        Summary: Offer help before you need any.

        Help comes back to people who give first.
        """,
    "quoteactions/2026-09.md": """
        Month: 2026-09
        Quote: Give what you can, when you can.
        Quote_author: Sam Example

        Your action is to offer one small favour this week.
        """,
    "connector-prompts.yaml": """
        - id: offer-help
          text: Who could use a small favour from you this week?
        """,
}


def pelican_from(cwd: Path, site: Path, output: Path, *extra: str) -> subprocess.CompletedProcess:
    """`pelican` with the project's production settings on ``site``/content, started in ``cwd``."""
    command = [PELICAN, site / "content", "-s", ROOT / "publishconf.py", "-o", output, *extra]
    return subprocess.run(
        command, cwd=cwd, env=WIDE_CONSOLE, capture_output=True, text=True, timeout=300, check=False
    )


def test_a_relative_campaigns_path_is_taken_from_the_site_root_not_the_current_folder(tmp_path):
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    write_files(site / "content", TINY_SITE)
    elsewhere.mkdir()

    result = pelican_from(elsewhere, site, tmp_path / "output", "-e", 'NEWSLETTER_CAMPAIGNS_PATH="campaigns"')

    assert result.returncode == 0, result.stdout + result.stderr
    record = json.loads((site / "campaigns" / "2026-09" / "campaign.json").read_text(encoding="utf-8"))
    assert "content/articles/first-favour.md" in record["sources"]
    assert not (elsewhere / "campaigns").exists()


def test_an_error_names_the_file_relative_to_the_site_whatever_the_current_folder(tmp_path):
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    typo = "Subjct: A typo in a field name\n\nHello.\n"
    write_files(site / "content", {**TINY_SITE, "newsletters/2026-09.md": typo})
    elsewhere.mkdir()

    result = pelican_from(elsewhere, site, tmp_path / "output", "-e", 'NEWSLETTER_CAMPAIGNS_PATH="campaigns"')

    assert result.returncode == 1
    said = " ".join((result.stdout + result.stderr).split())
    assert "content/newsletters/2026-09.md [Subjct]: unknown field" in said
    assert str(site) not in said.replace(str(tmp_path / "output"), "")


# A site whose build writes no HTML page at all: nothing for Pagefind to index.
NO_PAGES_SETTINGS = """\
PATH = "content"
OUTPUT_PATH = "output"
PLUGINS = ["reader_features"]
DIRECT_TEMPLATES = []
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
"""


def test_a_pagefind_failure_fails_the_pelican_build_with_pagefinds_reason(tmp_path):
    write_files(tmp_path, {"pelicanconf.py": NO_PAGES_SETTINGS, "content/notes.txt": "Not a page.\n"})

    result = subprocess.run(
        [str(PELICAN), "-s", str(tmp_path / "pelicanconf.py")],
        cwd=tmp_path,
        env=WIDE_CONSOLE,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 1
    said = " ".join((result.stdout + result.stderr).split())
    assert "output [READER_SEARCH_INDEX]: Pagefind could not index the built site" in said
    assert "did not contain any html files" in said
    assert not (tmp_path / "output" / "pagefind").exists()


# `make build`'s build function, in a fresh process: the plugins' signal handlers outlive the
# builds that connected them, and this process has run builds with other plugins.
BUILD_SITE = """
import json, sys
from pelican_contentkit.build import build_site
for overrides in json.loads(sys.argv[2]):
    code = build_site(sys.argv[1], overrides)
    if code:
        sys.exit(code)
"""


def build_site_in_a_fresh_process(settings_file: Path, *overrides: dict) -> subprocess.CompletedProcess:
    """``build_site(settings_file, overrides)`` once for each ``overrides``, one after the other."""
    return subprocess.run(
        [sys.executable, "-c", BUILD_SITE, settings_file, json.dumps(overrides or [{}])],
        cwd=settings_file.parent,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_pagefind_failure_fails_make_builds_build_and_keeps_the_previous_output(tmp_path):
    write_files(tmp_path, {"pelicanconf.py": NO_PAGES_SETTINGS + "DELETE_OUTPUT_DIRECTORY = True\n"})
    (tmp_path / "content").mkdir()
    write_files(tmp_path / "output", {"index.html": "<p>The deployed site.</p>\n"})

    result = build_site_in_a_fresh_process(tmp_path / "pelicanconf.py")

    assert result.returncode == 1
    assert "Build failed: output.partial [READER_SEARCH_INDEX]: Pagefind could not index" in result.stderr
    assert (tmp_path / "output" / "index.html").read_text() == "<p>The deployed site.</p>\n"
    assert not (tmp_path / "output.partial").exists()


def test_the_setting_turns_the_index_off_and_other_builds_in_the_process_are_left_alone(tmp_path):
    write_files(tmp_path, {"pelicanconf.py": NO_PAGES_SETTINGS})
    (tmp_path / "content").mkdir()

    # The first build connects reader_features' handlers; the second one does not use the plugin.
    result = build_site_in_a_fresh_process(
        tmp_path / "pelicanconf.py", {"READER_SEARCH_INDEX": False}, {"PLUGINS": ["sitemap"]}
    )

    assert result.returncode == 0, result.stderr
    assert result.stderr.count("Built ") == 2
    assert not (tmp_path / "output" / "pagefind").exists()


def test_a_bad_value_of_the_setting_is_reported_by_name(tmp_path):
    write_files(tmp_path, {"pelicanconf.py": NO_PAGES_SETTINGS})
    (tmp_path / "content").mkdir()

    result = build_site_in_a_fresh_process(tmp_path / "pelicanconf.py", {"READER_SEARCH_INDEX": "no"})

    assert result.returncode == 1
    assert "settings [READER_SEARCH_INDEX]: must be True or False, not str 'no'" in result.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_pelican_listen_autoreload_serves_the_site_and_rebuilds_on_a_change(tmp_path):
    site = tmp_path / "site"
    write_files(site / "content", TINY_SITE)
    shutil.copy2(ROOT / "pelicanconf.py", site / "pelicanconf.py")
    shutil.copytree(ROOT / "theme", site / "theme")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(PELICAN), "--autoreload", "--listen", "--bind", "127.0.0.1", "--port", str(port)],
        cwd=site,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        page = f"{base}/the-first-favour/"
        assert _wait_for(lambda: "give first" in (_get(page) or "")), "the site was never served"
        assert _wait_for(lambda: _get(f"{base}/pagefind/pagefind-entry.json") is not None)
        article = site / "content" / "articles" / "first-favour.md"
        text = article.read_text(encoding="utf-8")
        # Pelican starts watching once its first build is done: an edit made a moment before
        # that goes unseen, so the edit is made again (a new sentence each time) until it shows.
        rebuilt = False
        for attempt in range(6):
            article.write_text(f"{text}\nA zebrafish sentence, take {attempt}.\n", encoding="utf-8")
            if _wait_for(lambda: "zebrafish" in (_get(page) or ""), timeout=10):
                rebuilt = True
                break
        assert rebuilt, "the change was never rebuilt"
    finally:
        os.killpg(server.pid, signal.SIGINT)  # Ctrl-C: Pelican stops its builder and server processes
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
