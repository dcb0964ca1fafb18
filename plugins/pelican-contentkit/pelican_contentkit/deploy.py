"""``invoke deploy``: put a complete production build of the current content on a host.

Three targets, one gate. Before anything is copied, :func:`refusals` looks at the output
folder and its build stamp (:mod:`pelican_contentkit.build_stamp`) and refuses, saying why
and how to fix it:

- no stamp (not built by ``make build``), or files in the output written after it;
- a development build: relative URLs, or a ``SITEURL`` that is empty or local;
- a build older than the content: a file of the content, the theme or the settings changed
  after the build started;
- drafts in the output (the development settings' draft folders);
- and last, the content check fails (:func:`pelican_contentkit.check.check_content`).

Then the build goes to ``rsync`` (``DEPLOY_RSYNC_TARGET``, over SSH, ``--delete
--checksum``), ``gh-pages`` (ghp-import into the ``gh-pages`` branch, with ``.nojekyll`` and
``CNAME`` when ``DEPLOY_CNAME`` is set, pushed to ``DEPLOY_GH_PAGES_REMOTE``) or a local
folder. ``dry_run`` lists what would change and changes nothing. The stamp is never deployed.
"""

from __future__ import annotations

import filecmp
import hashlib
import ipaddress
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pelican_contentkit.build import BUILD_STAMP as BUILD_ID_NAME
from pelican_contentkit.build_stamp import STAMP_NAME, BuildStamp, read_stamp
from pelican_contentkit.errors import ContentError
from pelican_contentkit.settings import SettingsSpec

# What the build writes about itself into the output, never deployed: the build stamp, and the
# build id the publisher compares with campaign.json (pelican_contentkit.build).
NOT_DEPLOYED = (STAMP_NAME, BUILD_ID_NAME)

DEPLOY_SPEC = SettingsSpec(
    prefixes=("DEPLOY_",),
    defaults={
        "DEPLOY_RSYNC_TARGET": "",
        "DEPLOY_CNAME": "",
        "DEPLOY_GH_PAGES_BRANCH": "gh-pages",
        "DEPLOY_GH_PAGES_REMOTE": "origin",
    },
)

# What a local folder deployed to holds besides the site: says it may be replaced next time.
DIR_MARKER = ".networker-deploy"
LOCAL_HOSTS = {"localhost", "localhost.localdomain", "0.0.0.0", ""}


@dataclass(frozen=True)
class Changes:
    """What a deploy changes at its target, as paths relative to the site's root, sorted."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        return (
            [f"add     {path}" for path in self.added]
            + [f"update  {path}" for path in self.updated]
            + [f"delete  {path}" for path in self.removed]
        )

    def summary(self) -> str:
        return f"{len(self.added)} to add, {len(self.updated)} to update, {len(self.removed)} to delete"


# --- the gate ----------------------------------------------------------------------------------


def is_local_url(siteurl: str) -> bool:
    """True for an empty, relative or local (localhost, loopback, private network) site URL."""
    parts = urlsplit(siteurl)
    if parts.scheme not in ("http", "https"):
        return True
    host = (parts.hostname or "").lower()
    if host in LOCAL_HOSTS or host.endswith(".localhost") or host.endswith(".local"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local or address.is_unspecified


def files_under(folder: Path) -> Iterator[Path]:
    """Every file under ``folder`` but hidden ones (editor swap files, .DS_Store), sorted."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).parts
        if path.is_file() and not any(part.startswith(".") for part in relative):
            yield path


def newer_sources(stamp: BuildStamp, sources: Iterable[Path]) -> list[Path]:
    """The files among ``sources`` (files, or folders searched) changed after the build started."""
    found: list[Path] = []
    for source in sources:
        candidates = files_under(source) if source.is_dir() else [source] if source.is_file() else []
        found += [path for path in candidates if path.stat().st_mtime_ns > stamp.started_ns]
    return found


def written_after_stamp(output: Path) -> list[Path]:
    """Files in ``output`` newer than its stamp: something other than the stamped build wrote them."""
    stamped = (output / STAMP_NAME).stat().st_mtime_ns
    return [
        path
        for path in sorted(output.rglob("*"))
        if path.is_file() and path.name != STAMP_NAME and path.stat().st_mtime_ns > stamped
    ]


def draft_folders(settings: Mapping[str, Any]) -> list[str]:
    """The output folders drafts are written to with these settings (``drafts`` for
    ``DRAFT_SAVE_AS = "drafts/{slug}/index.html"``): the fixed part of the draft patterns."""
    folders = set()
    for name in ("DRAFT_SAVE_AS", "DRAFT_PAGE_SAVE_AS", "DRAFT_LANG_SAVE_AS", "DRAFT_PAGE_LANG_SAVE_AS"):
        fixed = str(settings.get(name) or "").split("{", 1)[0]
        if "/" in fixed and fixed.split("/", 1)[0]:
            folders.add(fixed.split("/", 1)[0])
    return sorted(folders)


def refusals(
    output: Path, draft_dirs: Sequence[str] = (), also_sources: Sequence[Path] = ()
) -> list[ContentError]:
    """Why ``output`` is not a complete production build of the current content (empty: it is).

    ``draft_dirs``: the output folders where drafts would be (see :func:`draft_folders` of the
    development settings); ``also_sources``: settings files to compare with the build's time,
    besides the stamp's own settings file, content folder and theme.
    """
    rebuild = "run `make build` (production settings), then deploy again"
    if not output.is_dir():
        return [ContentError(output, None, "there is no build to deploy", rebuild)]
    stamp = read_stamp(output)
    if stamp is None:
        return [
            ContentError(
                output / STAMP_NAME,
                None,
                "no build stamp: this folder was not built by `make build` / `invoke production`",
                rebuild,
            )
        ]
    found: list[ContentError] = []
    later = written_after_stamp(output)
    if later:
        found.append(
            ContentError(
                later[0],
                None,
                f"{len(later)} file(s) in the output were written after the build that stamped it "
                "(another build, or a hand edit)",
                rebuild,
            )
        )
    if stamp.relative_urls:
        found.append(
            ContentError(
                output,
                "RELATIVE_URLS",
                "is a development build: its links are relative (RELATIVE_URLS)",
                rebuild,
            )
        )
    if is_local_url(stamp.siteurl):
        found.append(
            ContentError(
                output,
                "SITEURL",
                f"is a development build: its links point to {stamp.siteurl or 'no site URL'!r}",
                rebuild + " (set NETWORKER_SITEURL to the public address if it is not publishconf.py's)",
            )
        )
    sources = [Path(stamp.content_path), Path(stamp.theme_path), Path(stamp.settings_file), *also_sources]
    newer = newer_sources(stamp, sources)
    if newer:
        found.append(
            ContentError(
                newer[0],
                None,
                f"changed after the build started ({len(newer)} file(s) of content, theme or settings "
                "are newer than the build)",
                rebuild,
            )
        )
    for folder in draft_dirs:
        drafts = [path for path in (output / folder).rglob("*") if path.is_file()]
        if drafts:
            found.append(
                ContentError(
                    output / folder,
                    None,
                    f"holds {len(drafts)} draft file(s): drafts are never deployed",
                    rebuild + " (publishconf.py writes no drafts)",
                )
            )
    return found


def check_problems(stamp: BuildStamp, today: date | None = None) -> list[ContentError]:
    """The content check of the stamped build's content, with its settings."""
    from pelican_contentkit.check import check_content

    return check_content(stamp.settings_file, {"PATH": stamp.content_path}, today)


# --- what would change --------------------------------------------------------------------------


def site_files(output: Path) -> dict[str, Path]:
    """The files to deploy: everything in ``output`` but the build stamp, by relative path."""
    return {
        path.relative_to(output).as_posix(): path
        for path in sorted(output.rglob("*"))
        if path.is_file() and path.relative_to(output).as_posix() not in NOT_DEPLOYED
    }


def folder_changes(output: Path, target: Path) -> Changes:
    """What copying ``output`` over ``target`` (and deleting what is not in ``output``) changes."""
    wanted = site_files(output)
    present = {
        path.relative_to(target).as_posix(): path
        for path in (sorted(target.rglob("*")) if target.is_dir() else [])
        if path.is_file() and path.relative_to(target).as_posix() != DIR_MARKER
    }
    added = [name for name in wanted if name not in present]
    updated = [
        name for name in wanted if name in present and not filecmp.cmp(wanted[name], present[name], False)
    ]
    removed = [name for name in present if name not in wanted]
    return Changes(tuple(sorted(added)), tuple(sorted(updated)), tuple(sorted(removed)))


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def gh_pages_files(output: Path, cname: str) -> dict[str, str]:
    """The branch's files after ghp-import, as path -> blob id: the site, .nojekyll, CNAME."""
    files = {name: git_blob_id(path.read_bytes()) for name, path in site_files(output).items()}
    files[".nojekyll"] = git_blob_id(b"")
    if cname:
        files["CNAME"] = git_blob_id(cname.encode("utf-8"))
    return files


def branch_files(repo: Path, ref: str) -> dict[str, str] | None:
    """The files of ``ref`` in ``repo`` as path -> blob id; None when there is no such ref."""
    run = subprocess.run(["git", "ls-tree", "-r", "-z", ref], cwd=repo, capture_output=True, check=False)
    if run.returncode:
        return None
    files = {}
    for entry in run.stdout.decode("utf-8").split("\0"):
        if entry:
            meta, name = entry.split("\t", 1)
            files[name] = meta.split()[2]
    return files


def mapping_changes(wanted: Mapping[str, str], present: Mapping[str, str]) -> Changes:
    return Changes(
        tuple(sorted(name for name in wanted if name not in present)),
        tuple(sorted(name for name in wanted if name in present and present[name] != wanted[name])),
        tuple(sorted(name for name in present if name not in wanted)),
    )


# --- the commands --------------------------------------------------------------------------------


def rsync_command(output: Path, target: str, dry_run: bool) -> list[str]:
    """rsync of the build to ``target`` (``user@host:path`` over SSH, or a local path)."""
    command = ["rsync", "--archive", "--delete", "--checksum", "--compress", "-e", "ssh"]
    command += [f"--exclude=/{name}" for name in NOT_DEPLOYED]
    command += ["--dry-run", "--itemize-changes"] if dry_run else []
    return [*command, f"{output}/", target]


def ghp_import_command(source: Path, branch: str, remote: str, cname: str, message: str) -> list[str]:
    """ghp-import (the Python package, run by this Python) committing ``source`` to ``branch``
    with .nojekyll (and CNAME), on top of the remote's branch, pushed to ``remote`` (never forced)."""
    command = [sys.executable, "-m", "ghp_import", "--no-jekyll", "--push"]
    command += ["--branch", branch, "--remote", remote, "--message", message]
    command += ["--cname", cname] if cname else []
    return [*command, str(source)]


def copy_to_folder(output: Path, target: Path, changes: Changes) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name in (*changes.added, *changes.updated):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(output / name, target / name)
    for name in changes.removed:
        (target / name).unlink()
    for folder in sorted((p for p in target.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    (target / DIR_MARKER).write_text(
        "Deployed by `invoke deploy`: the next deploy may replace this folder's files.\n", encoding="utf-8"
    )


def folder_target_problem(output: Path, target: Path) -> ContentError | None:
    """Why ``target`` must not be mirrored from ``output`` (its other files would be deleted)."""
    resolved, source = target.resolve(), output.resolve()
    if resolved == source or resolved.is_relative_to(source) or source.is_relative_to(resolved):
        return ContentError(
            target, None, "is the output folder, inside it, or holds it", "deploy to another folder"
        )
    if target.exists() and not target.is_dir():
        return ContentError(target, None, "is a file, not a folder", "give a folder to deploy into")
    if target.is_dir() and any(target.iterdir()) and not (target / DIR_MARKER).is_file():
        return ContentError(
            target,
            None,
            f"is not empty and holds no earlier deploy ({DIR_MARKER}): deploying would delete its files",
            "give an empty or new folder, or the folder of an earlier deploy",
        )
    return None


def deploy(
    output: Path,
    target: str,
    settings: Mapping[str, Any],
    repo: Path,
    dry_run: bool = False,
    draft_dirs: Sequence[str] = (),
    also_sources: Sequence[Path] = (),
    today: date | None = None,
) -> int:
    """The ``invoke deploy`` command: refuse or deploy, print what happened, return the exit code.

    ``target`` is ``rsync``, ``gh-pages`` or a folder; ``settings`` holds the ``DEPLOY_*``
    settings (publishconf.py's); ``repo`` is the git repository ghp-import writes the branch in.
    """
    try:
        values = DEPLOY_SPEC.validate(settings)
    except ContentError as error:
        return _refused([error])
    found = refusals(output, draft_dirs, also_sources)
    stamp = read_stamp(output)
    if not found and stamp is not None:
        found = check_problems(stamp, today)
    if found:
        return _refused(found)
    if target == "rsync":
        if not values["DEPLOY_RSYNC_TARGET"]:
            return _refused(
                [
                    ContentError(
                        None,
                        "DEPLOY_RSYNC_TARGET",
                        "is not set: rsync has nowhere to go",
                        "set NETWORKER_DEPLOY_RSYNC_TARGET (or DEPLOY_RSYNC_TARGET in publishconf.py) to "
                        "user@host:/path/to/site",
                    )
                ]
            )
        if shutil.which("rsync") is None:
            return _refused(
                [ContentError(None, None, "rsync is not installed", "install rsync (apt install rsync)")]
            )
        return subprocess.run(
            rsync_command(output, values["DEPLOY_RSYNC_TARGET"], dry_run), check=False
        ).returncode
    if target == "gh-pages":
        return _gh_pages(output, repo, values, dry_run)
    return _to_folder(output, Path(target), dry_run)


def _gh_pages(output: Path, repo: Path, values: Mapping[str, Any], dry_run: bool) -> int:
    branch, remote, cname = (
        values["DEPLOY_GH_PAGES_BRANCH"],
        values["DEPLOY_GH_PAGES_REMOTE"],
        values["DEPLOY_CNAME"],
    )
    # ghp-import builds on the remote's branch (so the push is a fast-forward): bring it up to date.
    # It may not exist yet (the first deploy); then there is nothing to fetch.
    subprocess.run(
        ["git", "fetch", "--quiet", remote, f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}"],
        cwd=repo,
        capture_output=True,
        check=False,
    )
    if dry_run:
        present = branch_files(repo, f"{remote}/{branch}") or branch_files(repo, branch) or {}
        changes = mapping_changes(gh_pages_files(output, cname), present)
        _print_changes(changes, f"branch {branch} (then pushed to {remote})")
        return 0
    with tempfile.TemporaryDirectory(prefix="gh-pages-") as staging:
        site = Path(staging) / "site"
        # The site without its build stamp; hard links where the file system allows, so it costs no copy.
        shutil.copytree(output, site, copy_function=_link_or_copy, ignore=_ignore_stamp(output))
        message = "Deploy the site (invoke deploy --target gh-pages)"
        return subprocess.run(
            ghp_import_command(site, branch, remote, cname, message), cwd=repo, check=False
        ).returncode


def _to_folder(output: Path, target: Path, dry_run: bool) -> int:
    problem = folder_target_problem(output, target)
    if problem:
        return _refused([problem])
    changes = folder_changes(output, target)
    _print_changes(changes, str(target), would=dry_run)
    if not dry_run:
        copy_to_folder(output, target, changes)
    return 0


def _link_or_copy(source: str, destination: str) -> object:
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)
    return destination


def _ignore_stamp(output: Path) -> Any:
    def ignore(folder: str, names: list[str]) -> list[str]:
        return [name for name in NOT_DEPLOYED if name in names] if Path(folder) == output else []

    return ignore


def _print_changes(changes: Changes, where: str, would: bool = True) -> None:
    for line in changes.lines():
        print(line)
    verb = "would change" if would else "changed"
    print(f"Deploy to {where} {verb}: {changes.summary()}.", file=sys.stderr)


def _refused(problems: Sequence[ContentError]) -> int:
    count = len(problems)
    print(f"Deploy refused: {count} reason{'s' if count != 1 else ''}.", file=sys.stderr)
    for problem in problems:
        print(f"  {problem.message}", file=sys.stderr)
    return 1
