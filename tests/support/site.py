"""Build small real sites with the project's settings, theme and plugins, and inspect them."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# A checker run is short: most of its CPU time went to the JVM's optimising compiler (6 s for one
# page, against 1.5 s with these). Only the quick compiler (whose deeper frames need a larger thread
# stack than the checker's 512k), one GC thread, no performance-data file.
VNU_JAVA_OPTIONS = ["-XX:TieredStopAtLevel=1", "-Xss4m", "-XX:+UseSerialGC", "-XX:-UsePerfData"]


def write_files(base: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = base / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def site_settings(tmp_path: Path, production: bool = False, **overrides) -> dict:
    """Settings as pelicanconf.py/publishconf.py give them, pointed at tmp_path."""
    from pelican.settings import read_settings

    settings_file = ROOT / ("publishconf.py" if production else "pelicanconf.py")
    base = {
        "PATH": str(tmp_path / "content"),
        "OUTPUT_PATH": str(tmp_path / "output"),
        "CACHE_PATH": str(tmp_path / "cache"),
        "NEWSLETTER_CAMPAIGNS_PATH": str(tmp_path / "campaigns"),
        "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False,
    }
    base.update(overrides)
    return read_settings(str(settings_file), override=base)


def dev_build(site: Path, **overrides) -> int:
    """A live-reload build of ``site``'s content, as `invoke livereload` makes it: build_site
    with pelicanconf.py and the caches on, in place, without the search index; ``overrides``
    added (THEME, a FASTBUILD_* setting...)."""
    from pelican_contentkit.build import build_site

    settings = {
        "PATH": str(site / "content"),
        "OUTPUT_PATH": str(site / "output"),
        "CACHE_PATH": str(site / "cache"),
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
        "READER_SEARCH_INDEX": False,
        **overrides,
    }
    return build_site(ROOT / "pelicanconf.py", settings)


def build(tmp_path: Path, files: dict[str, str] | None = None, production: bool = False, **overrides) -> Path:
    """Write ``files`` under tmp_path/content, run a real Pelican build (the search index
    included, as `make build` makes it: reader_features runs Pagefind at the end), return the
    output folder."""
    from pelican import Pelican

    from pelican_contentkit.build import reset_log_deduplication

    reset_log_deduplication()
    if files:
        write_files(tmp_path / "content", files)
    settings = site_settings(tmp_path, production=production, **overrides)
    Pelican(settings).run()
    return Path(settings["OUTPUT_PATH"])


def html_files(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def broken_internal_links(output: Path, site_url: str) -> list[str]:
    """Every href/src in output/ that points inside the site but to no file there."""
    problems = []
    site = urlsplit(site_url) if site_url else None
    for page in html_files(output):
        page_url = "/" + page.relative_to(output).as_posix()
        for tag in soup(page).find_all(href=True) + soup(page).find_all(src=True):
            raw = tag.get("href") or tag.get("src")
            if raw.startswith(("mailto:", "tel:", "#", "data:", "javascript:")) or "*|" in raw:
                continue
            url = urlsplit(urljoin(page_url, raw))
            if url.scheme and site and (url.scheme, url.netloc) != (site.scheme, site.netloc):
                continue  # another site
            if url.scheme and not site:
                continue
            path = unquote(url.path)
            if site and site.path and path.startswith(site.path):
                path = path[len(site.path) :]
            target = output / path.lstrip("/")
            if path.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                problems.append(f"{page.relative_to(output)}: {raw}")
    return problems


def require_tool(available: bool, reason: str) -> None:
    """Skip when a system tool is missing, except in CI where every test must run."""
    if available:
        return
    if os.environ.get("NETWORKER_REQUIRE_ALL_TESTS"):
        pytest.fail(f"{reason} (NETWORKER_REQUIRE_ALL_TESTS is set: CI must run this test)")
    pytest.skip(reason)


def vnu_errors(paths: list[Path]) -> list[str]:
    """Errors from the W3C Nu HTML checker (vnu.jar) for the given HTML files."""
    require_tool(
        bool(shutil.which("java")) and VNU_JAR.is_file(), "the Nu HTML checker needs java and `npm ci`"
    )
    result = subprocess.run(
        [
            "java",
            *VNU_JAVA_OPTIONS,
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "gnu",
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return [line for line in result.stderr.splitlines() + result.stdout.splitlines() if line.strip()]
