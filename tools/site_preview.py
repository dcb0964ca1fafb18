"""Look at the built site the way readers' browsers do: README screenshots and Lighthouse scores.

Both work on a production build of content/ made for a local address (http://127.0.0.1:PORT),
served from a temporary folder; nothing leaves this machine. Run them through invoke:

    invoke screenshots     docs/screenshots/home.png (desktop) and article.png (phone)
    invoke lighthouse      mobile Lighthouse scores of the home page and the newest article
"""

from __future__ import annotations

import functools
import http.server
import json
import logging
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE_DIR = ROOT / "tools" / "lighthouse"
LIGHTHOUSE_BIN = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The bars for Lighthouse (mobile), in Lighthouse's 0-100 scale.
LIGHTHOUSE_BARS = {"performance": 98, "accessibility": 100, "best-practices": 100, "seo": 100}


@dataclass(frozen=True)
class Shot:
    name: str  # file name under the screenshots folder
    path: str  # page path on the site, e.g. "/" or "/some-article/"
    width: int
    height: int
    scale: int  # device pixels per CSS pixel


class ToolMissing(RuntimeError):
    """A program these tools need is not installed; the message says how to get it."""


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise ToolMissing("needs the system's Chromium: apt-get install chromium")
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # the stdlib's parameter name
        pass


@contextmanager
def local_site() -> Iterator[tuple[str, Path]]:
    """Build content/ with the production settings for a free local port and serve it there.

    Yields (base URL without a trailing slash, output folder)."""
    from pelican_contentkit.build import build_site

    with tempfile.TemporaryDirectory(prefix="networker-preview-") as tmp:
        output = Path(tmp) / "output"
        handler = functools.partial(_QuietHandler, directory=str(output))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        base_url = f"http://127.0.0.1:{server.server_address[1]}"
        overrides = {
            "SITEURL": base_url,
            "FEED_DOMAIN": base_url,
            "OUTPUT_PATH": str(output),
            "CACHE_PATH": str(Path(tmp) / "cache"),
            "NEWSLETTER_CAMPAIGNS_PATH": str(Path(tmp) / "campaigns"),
            "CACHE_CONTENT": False,
            "LOAD_CONTENT_CACHE": False,
        }
        code = build_site(ROOT / "publishconf.py", overrides)  # the search index included
        if code:
            server.server_close()
            raise RuntimeError("the site did not build (see the messages above)")
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield base_url, output
        finally:
            server.shutdown()
            server.server_close()


def newest_article_path(output: Path, base_url: str) -> str:
    """The path of the newest article, from the built Atom feed."""
    from xml.etree import ElementTree

    feed = ElementTree.parse(output / "feeds" / "all.atom.xml")
    link = feed.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}link")
    if link is None:
        raise RuntimeError("the site has no articles")
    return link.attrib["href"].removeprefix(base_url)


def take_screenshots(
    base_url: str, shots: list[Shot], folder: Path, color_scheme: Literal["light", "dark"] = "light"
) -> list[Path]:
    """Screenshot each page's first screen with headless Chromium; return the files written."""
    from playwright.sync_api import sync_playwright

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        try:
            for shot in shots:
                context = browser.new_context(
                    viewport={"width": shot.width, "height": shot.height},
                    device_scale_factor=shot.scale,
                    color_scheme=color_scheme,
                    reduced_motion="reduce",
                )
                page = context.new_page()
                page.goto(f"{base_url}{shot.path}", wait_until="networkidle")
                target = folder / shot.name
                page.screenshot(path=str(target), animations="disabled")
                context.close()
                written.append(target)
        finally:
            browser.close()
    return written


def install_lighthouse() -> None:
    """`npm ci` in tools/lighthouse (pinned in its package-lock.json), once."""
    if LIGHTHOUSE_BIN.exists():
        return
    if shutil.which("npm") is None:
        raise ToolMissing("needs npm (Node.js) to install Lighthouse")
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=LIGHTHOUSE_DIR, check=True
    )


def lighthouse_scores(url: str, report: Path) -> dict[str, int]:
    """Run Lighthouse (its default: a mobile phone, simulated slow 4G) on ``url``; write the
    JSON report to ``report`` and return each category's score, 0-100."""
    command = [
        str(LIGHTHOUSE_BIN),
        url,
        "--quiet",
        f"--chrome-flags={' '.join(CHROMIUM_FLAGS)}",
        f"--only-categories={','.join(LIGHTHOUSE_BARS)}",
        "--output=json",
        f"--output-path={report}",
    ]
    env = {**os.environ, "CHROME_PATH": chromium_path()}
    subprocess.run(command, env=env, check=True)
    result = json.loads(report.read_text(encoding="utf-8"))
    if result.get("runtimeError"):
        raise RuntimeError(f"Lighthouse could not audit {url}: {result['runtimeError'].get('message')}")
    return {name: round(category["score"] * 100) for name, category in sorted(result["categories"].items())}


def below_bars(scores: dict[str, int]) -> list[str]:
    """The categories under the issue's bars, as "name score < bar"."""
    return [
        f"{name} {scores.get(name, 0)} < {bar}"
        for name, bar in LIGHTHOUSE_BARS.items()
        if scores.get(name, 0) < bar
    ]
