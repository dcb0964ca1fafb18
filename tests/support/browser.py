"""Headless Chromium (the system package) driven by Playwright, for browser tests.

Playwright's own browser download is never used: tests launch /usr/bin/chromium. Where it
is missing the tests are skipped (locally) or fail (in CI, see require_tool).
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.site import ROOT, require_tool

AXE = ROOT / "node_modules/axe-core/axe.min.js"

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def chromium() -> Iterator[object]:
    """A Playwright Browser on the system's Chromium."""
    path = chromium_path()
    require_tool(path is not None, "browser tests need the system's Chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def horizontal_overflow(page) -> list[str]:
    """Elements wider than the viewport, as short descriptions; empty when nothing overflows."""
    return page.evaluate(
        """() => {
        const width = document.documentElement.clientWidth;
        const wide = [];
        const documentWidth = document.documentElement.scrollWidth;
        if (documentWidth > width) wide.push(`document is ${documentWidth}px wide`);
        for (const el of document.body.querySelectorAll('*')) {
            const box = el.getBoundingClientRect();
            if (box.width > 0 && box.right > width + 1) {
                const name = `${el.tagName.toLowerCase()}.${el.className}`;
                wide.push(`${name}: right edge ${Math.round(box.right)}px`);
            }
        }
        return wide.slice(0, 10);
    }"""
    )


def axe_violations(page, ignore: tuple[str, ...] = (), rules: dict | None = None) -> list[str]:
    """axe-core's violations on the loaded page (all its rules but the experimental ones, and
    ``rules`` switched on or off by id), less the rules in ``ignore``, as short descriptions."""
    require_tool(AXE.is_file(), "the accessibility tests need axe-core (`npm ci`)")
    page.add_script_tag(path=str(AXE))
    options = {"rules": {rule: {"enabled": on} for rule, on in (rules or {}).items()}}
    violations = page.evaluate("async (options) => (await axe.run(document, options)).violations", options)
    found = []
    for violation in violations:
        if violation["id"] in ignore:
            continue
        where = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {where}")
    return found
