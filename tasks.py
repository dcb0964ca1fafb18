"""Networker's tasks (invoke), in the shape of Pelican's quickstart plus the project's own.

    invoke production     check content, build site + newsletter + feeds with publishconf.py (`make build`)
    invoke build          development build with pelicanconf.py
    invoke livereload     development build, serve on localhost:8000, rebuild and reload on change
    invoke screenshots    README screenshots of the sample site (docs/screenshots/)
    invoke lighthouse     Lighthouse (mobile) scores of the home page and the newest article
"""

import os
import shlex
import shutil
import sys
from pathlib import Path

from invoke import task
from invoke.exceptions import Exit
from invoke.main import program

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))

from networker.build import build_site  # noqa: E402
from networker.search import build_search_index  # noqa: E402

CONFIG = {
    "settings_base": "pelicanconf.py",
    "settings_publish": "publishconf.py",
    "deploy_path": "output",
    "host": "localhost",
    "port": 8000,
}


def pelican_build(settings_file, **overrides):
    """Build with Networker's error handling, then the search index; stop with the exit code on failure."""
    os.chdir(ROOT)
    code = build_site(settings_file, overrides, verbose="-v" in program.core.remainder)
    code = code or build_search_index(ROOT / CONFIG["deploy_path"])
    if code:
        raise Exit(code=code)


@task
def clean(c):
    """Remove generated files"""
    for folder in (CONFIG["deploy_path"], "campaigns"):
        if os.path.isdir(folder):
            shutil.rmtree(folder)


@task
def build(c):
    """Build local version of site (development settings)"""
    pelican_build(CONFIG["settings_base"])


@task
def rebuild(c):
    """`build` with the delete switch"""
    pelican_build(CONFIG["settings_base"], DELETE_OUTPUT_DIRECTORY=True)


@task
def regenerate(c):
    """Automatically regenerate site upon file modification"""
    pelican_run("-r -s {settings_base}".format(**CONFIG))


@task
def serve(c):
    """Serve site at http://$HOST:$PORT/ (default is localhost:8000)"""
    from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer

    class AddressReuseTCPServer(RootedHTTPServer):
        allow_reuse_address = True

    server = AddressReuseTCPServer(
        CONFIG["deploy_path"], (CONFIG["host"], CONFIG["port"]), ComplexHTTPRequestHandler
    )
    sys.stderr.write("Serving at http://{host}:{port}/ ...\n".format(**CONFIG))
    server.serve_forever()


@task
def reserve(c):
    """`build`, then `serve`"""
    build(c)
    serve(c)


@task
def preview(c):
    """Build production version of site"""
    pelican_build(CONFIG["settings_publish"])


@task(name="production")
def production(c):
    """Everything `make build` does: the production site, newsletter issues and feeds"""
    preview(c)


@task
def livereload(c):
    """Automatically reload browser tab upon file modification."""
    from livereload import Server

    def cached_build():
        code = build_site(
            ROOT / CONFIG["settings_base"], {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
        )
        code = code or build_search_index(ROOT / CONFIG["deploy_path"])
        if code:
            sys.stderr.write("Fix the problem above; the page reloads when the build succeeds.\n")

    os.chdir(ROOT)
    cached_build()
    server = Server()
    theme_path = "theme"
    watched_globs = [
        CONFIG["settings_base"],
        f"{theme_path}/templates/**/*.html",
        f"{theme_path}/static/**/*.css",
        "content/**/*.md",
        "content/**/*.yaml",
        "plugins/**/*.py",
    ]
    for glob in watched_globs:
        server.watch(glob, cached_build)
    server.serve(host=CONFIG["host"], port=CONFIG["port"], root=CONFIG["deploy_path"])


def pelican_run(cmd):
    from pelican import main as pelican_main

    cmd += " " + program.core.remainder  # allows to pass-through args to pelican
    pelican_main(shlex.split(cmd))


@task(
    name="publish-newsletter",
    help={
        "month": "the issue month, YYYY-MM (its campaign files come from `make build`)",
        "send": "send to the whole audience now (asks for confirmation unless --yes)",
        "yes": "do not ask for confirmation (non-interactive use)",
        "test-email": "send a test to these addresses only, separated by commas",
        "schedule": "schedule the send, e.g. 2026-12-01T09:00+00:00 (quarter hours only)",
    },
)
def publish_newsletter(c, month, send=False, yes=False, test_email="", schedule=""):
    """Publish a newsletter issue to Mailchimp; a dry run unless --test-email, --schedule or --send"""
    from newsletter.publish.cli import publish_newsletter as run

    code = run(month, ROOT, send=send, yes=yes, test_email=test_email, schedule=schedule)
    if code:
        raise Exit(code=code)


@task
def screenshots(c):
    """README screenshots: the home page at desktop width, the newest article on a phone"""
    from tools.site_preview import Shot, local_site, newest_article_path, take_screenshots

    with local_site() as (base_url, output):
        shots = [
            Shot("home.png", "/", 1280, 800, 1),
            Shot("article.png", newest_article_path(output, base_url), 390, 844, 2),
        ]
        for path in take_screenshots(base_url, shots, ROOT / "docs" / "screenshots"):
            print(f"wrote {path.relative_to(ROOT)}")


@task(help={"report_dir": "keep Lighthouse's JSON reports in this folder (default: not kept)"})
def lighthouse(c, report_dir=""):
    """Lighthouse (mobile) scores of the home page and newest article; exit 1 below the bars"""
    import tempfile

    from tools.site_preview import (
        below_bars,
        install_lighthouse,
        lighthouse_scores,
        local_site,
        newest_article_path,
    )

    install_lighthouse()
    failures = []
    with tempfile.TemporaryDirectory() as tmp, local_site() as (base_url, output):
        reports = Path(report_dir or tmp)
        reports.mkdir(parents=True, exist_ok=True)
        for name, path in [("home", "/"), ("article", newest_article_path(output, base_url))]:
            scores = lighthouse_scores(f"{base_url}{path}", reports / f"{name}.json")
            print(f"{name:8} {path:45} " + "  ".join(f"{k} {v}" for k, v in scores.items()))
            failures += [f"{name}: {problem}" for problem in below_bars(scores)]
    if failures:
        print("Under the bars: " + "; ".join(failures), file=sys.stderr)
        raise Exit(code=1)
