"""What an issue is built from besides its own content files: the email templates, the
settings files and the list of files in the content folder. The build records them in
campaign.json; the publisher checks them again, so a campaign built before any of them
changed is refused (see docs/campaign-files.md)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

from jinja2 import Environment, meta

# The templates an email is rendered from; those they extend, include or import are followed.
EMAIL_TEMPLATES = ("newsletter/subject.txt", "newsletter/email.html", "newsletter/email.txt")
# A template of the plugin itself is named by this prefix, not by where it is installed,
# so campaign files built on one machine are checked on another.
PLUGIN_TEMPLATES = Path(__file__).parent / "templates"
PLUGIN_LABEL = "pelican-monthly-newsletter:templates/"


def template_files(env: Environment, names: tuple[str, ...] = EMAIL_TEMPLATES) -> list[Path]:
    """The files of the templates ``names`` (the email's) and of every template they use, sorted."""
    seen: dict[str, Path] = {}
    pending = list(names)
    while pending:
        name = pending.pop()
        if name in seen or env.loader is None:
            continue
        source, filename, _ = env.loader.get_source(env, name)
        seen[name] = Path(filename) if filename else Path(name)
        pending += [used for used in meta.find_referenced_templates(env.parse(source)) if used]
    return sorted(set(seen.values()))


def template_label(path: Path, site_root: Path) -> str:
    resolved = path.resolve()
    if resolved.is_relative_to(PLUGIN_TEMPLATES.resolve()):
        return PLUGIN_LABEL + resolved.relative_to(PLUGIN_TEMPLATES.resolve()).as_posix()
    if resolved.is_relative_to(site_root.resolve()):
        return resolved.relative_to(site_root.resolve()).as_posix()
    return str(resolved)


def label_path(label: str, site_root: Path) -> Path:
    """The file a label of campaign.json's ``sources`` names."""
    if label.startswith(PLUGIN_LABEL):
        return PLUGIN_TEMPLATES / label[len(PLUGIN_LABEL) :]
    path = Path(label)
    return path if path.is_absolute() else site_root / label


def settings_files(site_url: str) -> list[Path]:
    """The settings files of this build: the Python files Pelican read as settings (a module
    whose SITEURL is this build's, as Pelican loads a settings file as a module named after
    it), and the pelicanconf.py beside a publishconf.py, which builds on it."""
    found = set()
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        if file and file.endswith(".py") and getattr(module, "SITEURL", None) == site_url:
            found.add(Path(file).resolve())
    for file in list(found):
        if file.name == "publishconf.py" and (file.parent / "pelicanconf.py").is_file():
            found.add(file.parent / "pelicanconf.py")
    return sorted(found)


def content_files(content_folder: Path) -> list[str]:
    """Every file in the content folder (not hidden ones), relative to it, sorted: a file
    added or removed after the build (a new article in the month) makes the campaign stale."""
    top = str(content_folder)
    return sorted(_files(top, len(top if top.endswith(os.sep) else top + os.sep)))


def _files(folder: str, start: int) -> Iterator[str]:
    # os.scandir: a folder's entries with their kinds in one call, not a stat or two per file.
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _files(entry.path, start)
        elif entry.is_file():
            yield entry.path[start:].replace(os.sep, "/")
