"""`invoke deploy`: real production builds of a tiny site (build_site, as `make build` runs it),
deployed with rsync to a local folder, with ghp-import into a local bare repository, and into a
folder; and every refusal, each with nothing deployed.

Builds and deploys (whose content check is a Pelican run) each run in a fresh process: the
plugins' signal handlers outlive the builds that connected them, and would change how the
tests after these build."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pelican_contentkit.build_stamp import STAMP_NAME, read_stamp
from pelican_contentkit.deploy import DIR_MARKER, draft_folders, is_local_url, site_files
from tests.support.site import ROOT, require_tool, site_settings
from tests.test_authoring import article, make_content, without
from tests.test_one_reading import production_overrides
from tests.test_pelican_command import build_site_in_a_fresh_process

NO_DRAFTS = ["drafts"]  # where the development settings write drafts (pelicanconf.py)


def production_build(site: Path, changes: dict | None = None, settings: str = "publishconf.py", **overrides):
    make_content(site, changes or {})
    result = build_site_in_a_fresh_process(ROOT / settings, {**production_overrides(site), **overrides})
    assert result.returncode == 0, result.stderr
    return site / "output"


DEPLOY = """
import json, sys
from pathlib import Path
from pelican_contentkit.deploy import deploy
output, target, settings, repo, dry_run, drafts = json.loads(sys.argv[1])
sys.exit(deploy(Path(output), target, settings, Path(repo), dry_run=dry_run, draft_dirs=drafts))
"""


class Deployed:
    def __init__(self, result: subprocess.CompletedProcess):
        self.code, self.out, self.err = result.returncode, result.stdout, result.stderr


def run_deploy(
    output: Path, target: str, settings: dict | None = None, repo: Path | None = None, dry_run=False
):
    """`invoke deploy` as tasks.py calls it (drafts looked for in drafts/), in a fresh process."""
    arguments = [str(output), target, settings or {}, str(repo or output.parent), dry_run, NO_DRAFTS]
    return Deployed(
        subprocess.run(
            [sys.executable, "-c", DEPLOY, json.dumps(arguments)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return production_build(tmp_path_factory.mktemp("site"))


@pytest.fixture
def output(built, tmp_path) -> Path:
    """A copy of the module's production build (times kept), for a test to deploy or spoil."""
    copy = tmp_path / "output"
    shutil.copytree(built, copy, copy_function=shutil.copy2)
    return copy


def deployed_files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and ".git" not in path.parts
    }


def site_bytes(output: Path) -> dict[str, bytes]:
    return {name: path.read_bytes() for name, path in site_files(output).items()}


# --- targets ---------------------------------------------------------------------------------------


def test_the_stamp_says_what_was_built(built):
    stamp = read_stamp(built)
    assert stamp is not None
    assert (stamp.siteurl, stamp.relative_urls) == ("https://networker.example.com", False)
    assert Path(stamp.settings_file) == ROOT / "publishconf.py"
    assert Path(stamp.content_path) == built.parent / "content"


def test_deploy_into_an_empty_folder_copies_the_site_without_its_stamp(output, tmp_path):
    target = tmp_path / "public"
    target.mkdir()
    run = run_deploy(output, str(target))
    assert run.code == 0, run.err
    files = deployed_files(target)
    marker = files.pop(DIR_MARKER)
    assert files == site_bytes(output) and "index.html" in files and STAMP_NAME not in files
    assert (output / ".build-id").is_file() and ".build-id" not in files  # the build id stays home
    assert b"https://networker.example.com" in files["index.html"] and marker
    assert "add     index.html" in run.out and f"{len(files)} to add, 0 to update, 0 to delete" in run.err


def test_dry_run_lists_what_would_change_and_changes_nothing(output, tmp_path):
    target = tmp_path / "public"
    assert run_deploy(output, str(target)).code == 0
    (target / "index.html").write_text("edited by hand", encoding="utf-8")
    (target / "old-page").mkdir()
    (target / "old-page/index.html").write_text("gone from the site", encoding="utf-8")
    (target / "robots.txt").unlink()
    before = deployed_files(target)

    run = run_deploy(output, str(target), dry_run=True)
    assert run.code == 0, run.err
    assert run.out.splitlines() == ["add     robots.txt", "update  index.html", "delete  old-page/index.html"]
    assert "would change: 1 to add, 1 to update, 1 to delete" in run.err
    assert deployed_files(target) == before

    assert run_deploy(output, str(target)).code == 0
    after = deployed_files(target)
    after.pop(DIR_MARKER)
    assert after == site_bytes(output) and not (target / "old-page").exists()


def test_a_folder_that_holds_other_files_is_refused(output, tmp_path):
    target = tmp_path / "home"
    target.mkdir()
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    run = run_deploy(output, str(target))
    assert run.code == 1 and "is not empty and holds no earlier deploy" in run.err
    assert deployed_files(target) == {"notes.txt": b"mine"}
    run = run_deploy(output, str(output / "inside"))
    assert run.code == 1 and "is the output folder, inside it" in run.err


def test_rsync_mirrors_the_build_with_delete_and_checksums(output, tmp_path):
    require_tool(shutil.which("rsync") is not None, "the rsync test needs rsync (.ci/install installs it)")
    target = tmp_path / "host"
    target.mkdir()
    (target / "stale.html").write_text("from an older deploy", encoding="utf-8")
    settings = {"DEPLOY_RSYNC_TARGET": f"{target}/"}

    run = run_deploy(output, "rsync", settings, dry_run=True)
    assert run.code == 0, run.err
    assert "*deleting   stale.html" in run.out and "index.html" in run.out and STAMP_NAME not in run.out
    assert deployed_files(target) == {"stale.html": b"from an older deploy"}

    assert run_deploy(output, "rsync", settings).code == 0
    assert deployed_files(target) == site_bytes(output)
    # Same size and time, other bytes: --checksum still sends it.
    index = target / "index.html"
    original = index.read_bytes()
    index.write_bytes(original.replace(b"Networker", b"Netwerker"))
    os.utime(index, ns=((output / "index.html").stat().st_mtime_ns,) * 2)
    assert run_deploy(output, "rsync", settings).code == 0
    assert index.read_bytes() == original


def test_rsync_without_a_target_is_refused(output):
    run = run_deploy(output, "rsync")
    assert run.code == 1 and "[DEPLOY_RSYNC_TARGET]: is not set" in run.err


def test_an_unknown_deploy_setting_is_named(output):
    run = run_deploy(output, "rsync", {"DEPLOY_RSYNC_TAGRET": "host:/srv"})
    assert run.code == 1
    assert "[DEPLOY_RSYNC_TAGRET]: unknown setting. Fix: did you mean DEPLOY_RSYNC_TARGET?" in run.err


def git(*arguments: str, cwd: Path) -> str:
    return subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, text=True, check=True).stdout


def test_gh_pages_commits_the_build_with_nojekyll_and_cname_to_a_bare_repository(
    output, tmp_path, monkeypatch
):
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Deploy Test")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "deploy@example.org")
    remote = tmp_path / "remote.git"
    git("init", "--quiet", "--bare", str(remote), cwd=tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    git("init", "--quiet", cwd=work)
    git("remote", "add", "origin", str(remote), cwd=work)
    settings = {"DEPLOY_CNAME": "news.example.org"}

    run = run_deploy(output, "gh-pages", settings, work)
    assert run.code == 0, run.err
    names = set(git("ls-tree", "-r", "--name-only", "gh-pages", cwd=remote).split())
    assert names == set(site_files(output)) | {".nojekyll", "CNAME"}
    assert git("show", "gh-pages:CNAME", cwd=remote) == "news.example.org"
    assert git("show", "gh-pages:.nojekyll", cwd=remote) == ""
    assert git("show", "gh-pages:index.html", cwd=remote) == (output / "index.html").read_text("utf-8")
    assert git("log", "-1", "--format=%cn", "gh-pages", cwd=remote).strip() == "Deploy Test"

    # Nothing changed since: the dry run says so (blob ids compared with the pushed branch).
    run = run_deploy(output, "gh-pages", settings, work, dry_run=True)
    assert run.code == 0 and run.out == "" and "0 to add, 0 to update, 0 to delete" in run.err
    assert run_deploy(output, "gh-pages", {}, work, dry_run=True).out.splitlines() == ["delete  CNAME"]
    assert len(git("rev-list", "gh-pages", cwd=remote).split()) == 1

    # From another clone: each deploy is a commit on top of the pushed branch, never a forced push.
    first = git("rev-parse", "gh-pages", cwd=remote).strip()
    other = tmp_path / "other"
    git("clone", "--quiet", str(remote), str(other), cwd=tmp_path)
    assert run_deploy(output, "gh-pages", {}, other).code == 0
    assert git("rev-parse", "gh-pages^", cwd=remote).strip() == first
    assert "CNAME" not in git("ls-tree", "--name-only", "gh-pages", cwd=remote).split()
    # And back in the first repository, whose idea of the remote branch is now out of date.
    second = git("rev-parse", "gh-pages", cwd=remote).strip()
    assert run_deploy(output, "gh-pages", settings, work).code == 0
    assert git("rev-parse", "gh-pages^", cwd=remote).strip() == second
    assert git("show", "gh-pages:CNAME", cwd=remote) == "news.example.org"


# --- refusals: each names the reason and the fix, and deploys nothing ----------------------------


def assert_refused(output: Path, tmp_path: Path, *expected: str, fix="Fix: run `make build`") -> None:
    target = tmp_path / "public"
    run = run_deploy(output, str(target))
    said = " ".join(run.err.split())
    assert run.code == 1 and said.startswith("Deploy refused:"), said
    for text in expected:
        assert text in said
    assert fix in said
    assert not target.exists()


def test_a_development_build_is_refused(tmp_path):
    output = production_build(tmp_path, settings="pelicanconf.py")
    assert_refused(
        output,
        tmp_path,
        "[RELATIVE_URLS]: is a development build",
        "[SITEURL]: is a development build: its links point to 'http://localhost:8000'",
    )


def test_a_production_build_for_a_local_address_is_refused(tmp_path):
    output = production_build(tmp_path, SITEURL="http://127.0.0.1:8123", FEED_DOMAIN="http://127.0.0.1:8123")
    assert_refused(output, tmp_path, "its links point to 'http://127.0.0.1:8123'")


def test_a_build_older_than_the_content_is_refused(tmp_path):
    output = production_build(tmp_path)
    stamp = read_stamp(output)
    assert stamp is not None
    edited = tmp_path / "content/articles/second.md"
    os.utime(edited, ns=(stamp.started_ns + 1,) * 2)
    assert_refused(output, tmp_path, f"{edited}: changed after the build started (1 file(s)")


def test_output_written_after_the_build_is_refused(output, tmp_path):
    (output / "index.html").write_text("a hand edit", encoding="utf-8")
    os.utime(output / "index.html", ns=((output / STAMP_NAME).stat().st_mtime_ns + 10**9,) * 2)
    assert_refused(output, tmp_path, "1 file(s) in the output were written after the build")


def test_a_build_without_a_stamp_is_refused(output, tmp_path):
    (output / STAMP_NAME).unlink()
    assert_refused(output, tmp_path, "no build stamp")
    assert_refused(tmp_path / "nothing", tmp_path, "there is no build to deploy")


def test_drafts_in_the_output_are_refused(tmp_path):
    draft = article("Not Yet", "2025-03-20 09:00", "first", "Status: draft\n")
    output = production_build(
        tmp_path, {"articles/not-yet.md": draft}, DRAFT_SAVE_AS="drafts/{slug}/index.html"
    )
    assert (output / "drafts/not-yet/index.html").is_file()
    assert_refused(output, tmp_path, "drafts: holds 1 draft file(s): drafts are never deployed")


def test_a_failing_content_check_is_refused(tmp_path):
    output = production_build(tmp_path)
    stamp = read_stamp(output)
    assert stamp is not None
    # Broken after the build, with a time that hides it from the staleness test: the check finds it.
    broken = tmp_path / "content/articles/first.md"
    broken.write_text(without("Title:"), encoding="utf-8")
    os.utime(broken, ns=(stamp.started_ns - 10**9,) * 2)
    assert_refused(output, tmp_path, "articles/first.md:1 [Title]: is missing", fix="Fix: add a line 'Title:")


# --- pure functions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("siteurl", "local"),
    [
        ("https://networker.example.com", False),
        ("http://93.184.215.14", False),
        ("", True),
        ("/blog", True),
        ("http://localhost:8000", True),
        ("http://127.0.0.1:8123", True),
        ("http://192.168.1.20", True),
        ("http://site.localhost", True),
        ("http://[::1]:8000", True),
    ],
)
def test_local_site_urls(siteurl, local):
    assert is_local_url(siteurl) is local


def test_draft_folders_come_from_the_draft_patterns(tmp_path):
    (tmp_path / "content").mkdir()
    assert draft_folders(site_settings(tmp_path)) == ["drafts"]
    assert draft_folders(site_settings(tmp_path, production=True)) == []
    assert draft_folders({"DRAFT_SAVE_AS": "{slug}.html", "DRAFT_PAGE_SAVE_AS": "preview/p/{slug}.html"}) == [
        "preview"
    ]
