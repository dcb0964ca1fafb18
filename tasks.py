"""Networker's tasks (invoke), in the shape of Pelican's quickstart plus the project's own.

invoke production     build site + newsletter + feeds with publishconf.py (`make build`): one reading
                      of the content, stopped before writing on a problem
invoke build          development build with pelicanconf.py
invoke livereload     development build, serve on localhost:8000, rebuild and reload on change;
                      the newsletter email preview is at /newsletter-preview/
invoke check          read and check all content without writing anything (the reading half of the build)
invoke deploy --target rsync|gh-pages|DIR [--dry-run]
                      put the production build (`make build`) on a host; refuses anything else
invoke new-article "Title" / new-quoteaction YYYY-MM / new-newsletter YYYY-MM
invoke screenshots    README screenshots of the sample site (docs/screenshots/)
invoke lighthouse     Lighthouse (mobile) scores of the home page and the newest article
"""

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from invoke import task
from invoke.exceptions import Exit
from invoke.main import program

from pelican.plugins.reader_features.search import build_search_index
from pelican_contentkit.build import build_site

# Every path below is the project's, wherever invoke was started from: no task changes directory.
ROOT = Path(__file__).resolve().parent

CONFIG = {
    "settings_base": "pelicanconf.py",
    "settings_publish": "publishconf.py",
    "deploy_path": "output",
    "host": "localhost",
    "port": 8000,
}


def pelican_build(settings_file, **overrides):
    """Build with Networker's error handling (the search index is part of the build: the
    reader_features plugin runs Pagefind at its end); stop with the exit code on failure."""
    code = build_site(ROOT / settings_file, overrides, verbose="-v" in program.core.remainder)
    if code:
        raise Exit(code=code)


@task
def clean(c):
    """Remove generated files"""
    output = CONFIG["deploy_path"]
    for folder in (
        output,
        f"{output}.old",
        f"{output}.old.deleting",
        f"{output}.partial",
        "campaigns",
        "campaigns.partial",
        "campaigns.old",
        "campaigns.old.deleting",
    ):
        shutil.rmtree(ROOT / folder, ignore_errors=True)
    (ROOT / f"{output}.swap").unlink(missing_ok=True)


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
    pelican_run(f"-r -s {shlex.quote(str(ROOT / CONFIG['settings_base']))}")


@task
def serve(c):
    """Serve site at http://$HOST:$PORT/ (default is localhost:8000)"""
    from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer

    class AddressReuseTCPServer(RootedHTTPServer):
        allow_reuse_address = True

    server = AddressReuseTCPServer(
        str(ROOT / CONFIG["deploy_path"]), (CONFIG["host"], CONFIG["port"]), ComplexHTTPRequestHandler
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
    """Everything `make build` does: read the content once, stop on a problem, else build it all

    The production site, the newsletter and the feeds.
    """
    preview(c)


@task(
    help={
        "content": "the content folder to check (default: PATH of the settings, content/)",
        "format": "text (default) or json",
        "settings": "the settings file (default pelicanconf.py)",
    }
)
def check(c, content="", format="text", settings=CONFIG["settings_base"]):  # the option is --format
    """Read and check all content as the build does, writing nothing: exit 0 when clean, 1 on a problem

    Prints the problems found, as text or (--format json) as JSON.
    """
    from pelican_contentkit.check import run_check

    code = run_check(ROOT / settings, content or None, format, site_now().date())
    if code:
        raise Exit(code=code)


@task(
    help={
        "target": "rsync (DEPLOY_RSYNC_TARGET, over SSH), gh-pages (the gh-pages branch, pushed) or a folder",
        "dry_run": "list what would change, change nothing",
    }
)
def deploy(c, target="", dry_run=False):
    """Deploy output/ (a production build of the current content, `make build`); refuse anything else

    Refused, with the reason: a development build, a build older than the content, theme or
    settings, drafts in output/, a failed content check.
    """
    from pelican.settings import read_settings

    from pelican_contentkit.deploy import deploy as deploy_build
    from pelican_contentkit.deploy import draft_folders

    if not target:
        sys.stderr.write("Say where: invoke deploy --target rsync, --target gh-pages or --target FOLDER\n")
        raise Exit(code=2)
    production = read_settings(str(ROOT / CONFIG["settings_publish"]))
    development = read_settings(str(ROOT / CONFIG["settings_base"]))
    code = deploy_build(
        Path(production["OUTPUT_PATH"]),
        target,
        production,
        ROOT,
        dry_run=dry_run,
        draft_dirs=draft_folders(development),
        also_sources=[ROOT / CONFIG["settings_base"], ROOT / CONFIG["settings_publish"]],
        today=site_now().date(),
    )
    if code:
        raise Exit(code=code)


def site_now():
    """Now in the site's time zone (TIMEZONE in pelicanconf.py)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from pelican.settings import read_settings

    timezone = read_settings(str(ROOT / CONFIG["settings_base"])).get("TIMEZONE", "UTC")
    return datetime.now(ZoneInfo(timezone))


def _content_settings(content=""):
    from pelican.settings import read_settings

    override = {"PATH": str(Path(content).resolve())} if content else {}
    return read_settings(str(ROOT / CONFIG["settings_base"]), override=override)


def _create(relative, text, content=""):
    from pelican_contentkit.errors import ContentError
    from pelican_contentkit.scaffold import create

    settings = _content_settings(content)
    try:
        target = create(Path(settings["PATH"]), relative, text)
    except ContentError as error:
        sys.stderr.write(f"{error}\n")
        raise Exit(code=1) from None
    print(f"Created {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
    return target


CONTENT_HELP = "the content folder (default: PATH of pelicanconf.py, content/)"


@task(name="new-article", help={"title": "the article's title, in quotes", "content": CONTENT_HELP})
def new_article(c, title, content=""):
    """Create content/articles/<slug>.md as a draft with every field and what to fill in"""
    from pelican.plugins.quoteaction.parsing import read_connector_prompts
    from pelican.plugins.quoteaction.settings import plugin_settings
    from pelican_contentkit.check import markdown_files, slug_of
    from pelican_contentkit.header import scan_header
    from pelican_contentkit.scaffold import article_file

    settings = _content_settings(content)
    content = Path(settings["PATH"])
    title = title.strip()
    slug = slug_of(title, "", settings)
    if not slug:
        sys.stderr.write("The title needs at least one letter or digit.\n")
        raise Exit(code=1)
    categories = set()
    for path in markdown_files(content, settings["ARTICLE_PATHS"], settings["IGNORE_FILES"]):
        header = scan_header(path.read_text(encoding="utf-8-sig", errors="replace"))
        if header.value("category"):
            categories.add(header.value("category"))
        if slug_of(header.value("title"), header.value("slug"), settings) == slug:
            sys.stderr.write(
                f"{path}: already has the slug {slug!r}, so a new article with this title would replace it. "
                "Fix: choose another title, or edit that article.\n"
            )
            raise Exit(code=1)
    prompts_file = content / plugin_settings(settings).prompts_file
    prompt_ids = [prompt.id for prompt in read_connector_prompts(prompts_file, ROOT)[0]]
    folder = (settings["ARTICLE_PATHS"] or [""])[0]
    relative, text = article_file(
        title, site_now(), slug, settings["AUTHOR"] or "", sorted(categories), prompt_ids, folder
    )
    _create(relative, text, content)


def _month_or_exit(month):
    from pelican_contentkit.months import month_problem

    problem = month_problem(month)
    if problem:
        sys.stderr.write(f"{problem}: give the month as YYYY-MM, e.g. invoke new-quoteaction 2026-12\n")
        raise Exit(code=1)


@task(name="new-quoteaction", help={"month": "the month, YYYY-MM", "content": CONTENT_HELP})
def new_quoteaction(c, month, content=""):
    """Create content/quoteactions/YYYY-MM.md with every field and what to fill in"""
    from pelican.plugins.quoteaction.settings import plugin_settings
    from pelican_contentkit.scaffold import quoteaction_file

    _month_or_exit(month)
    _create(*quoteaction_file(month, plugin_settings(_content_settings(content)).path), content)


@task(name="new-newsletter", help={"month": "the issue's month, YYYY-MM", "content": CONTENT_HELP})
def new_newsletter(c, month, content=""):
    """Create content/newsletters/YYYY-MM.md: an issue's subject, preview text, note and article choice"""
    from pelican.plugins.monthly_newsletter.settings import newsletter_settings
    from pelican_contentkit.scaffold import newsletter_file

    _month_or_exit(month)
    _create(*newsletter_file(month, newsletter_settings(_content_settings(content)).path), content)


@task(
    name="new-author",
    help={"name": "the author's name as articles write it, in quotes", "content": CONTENT_HELP},
)
def new_author(c, name, content=""):
    """Create content/authors/<slug>.md: an author's profile (role, links, photo, bio)"""
    from pelican.urlwrappers import Author

    from pelican.plugins.author_profiles.settings import plugin_settings
    from pelican_contentkit.scaffold import author_file

    settings = _content_settings(content)
    name = " ".join(name.split())
    slug = Author(name, settings).slug if name else ""
    if not slug:
        sys.stderr.write("The name needs at least one letter or digit.\n")
        raise Exit(code=1)
    _create(*author_file(name, slug, plugin_settings(settings).path), content)


@task
def livereload(c):
    """Automatically reload browser tab upon file modification."""
    import threading

    from livereload import Server

    indexing = threading.Thread()  # the search index of the previous build, made in the background

    def cached_build():
        nonlocal indexing
        if indexing.is_alive():  # never two indexers on one output/
            indexing.join()
        code = build_site(
            ROOT / CONFIG["settings_base"],
            # The build itself makes no search index here (READER_SEARCH_INDEX): the page
            # reloads as soon as the site is built, and search catches up a moment later.
            {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "READER_SEARCH_INDEX": False},
        )
        if code:
            sys.stderr.write("Fix the problem above; the page reloads when the build succeeds.\n")
            return
        indexing = threading.Thread(
            target=build_search_index, args=(ROOT / CONFIG["deploy_path"],), daemon=True
        )
        indexing.start()

    cached_build()
    server = Server()
    watched_globs = [
        CONFIG["settings_base"],
        "theme/templates/**/*.html",
        "theme/static/**/*.css",
        "content/**/*.md",
        "content/**/*.yaml",
        "plugins/**/*.py",
    ]
    for glob in watched_globs:
        server.watch(str(ROOT / glob), cached_build)
    base = "http://{host}:{port}".format(**CONFIG)
    sys.stderr.write(
        f"Site: {base}/\n"
        f"This month's newsletter email, at phone and desktop widths: {base}/newsletter-preview/\n"
    )
    server.serve(host=CONFIG["host"], port=CONFIG["port"], root=str(ROOT / CONFIG["deploy_path"]))


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
        "schedule": "schedule the send, e.g. 2026-12-01T09:00+00:00 (quarter hours only); "
        "without a time, at the issue's Send_date:",
    },
    optional=["schedule"],
)
def publish_newsletter(c, month, send=False, yes=False, test_email="", schedule=None):
    """Publish a newsletter issue to Mailchimp; a dry run unless --test-email, --schedule or --send"""
    from pelican.plugins.monthly_newsletter.publish.cli import main as pelican_newsletter

    # The console command `pelican-newsletter publish`, run in this process so a prompt reaches the terminal.
    argv = ["publish", "--month", month, "--site", str(ROOT)]
    argv += ["--send"] * send + ["--yes"] * yes
    argv += ["--test-email", test_email] * bool(test_email)
    if schedule is True:  # --schedule without a time: at the Send_date:
        argv += ["--schedule"]
    elif schedule:
        argv += ["--schedule", schedule]
    code = pelican_newsletter(argv)
    if code:
        raise Exit(code=code)


@task(
    name="newsletter-report",
    help={"month": "only this issue month, YYYY-MM (default: every sent issue)"},
)
def newsletter_report(c, month=""):
    """What each sent issue achieved, from Mailchimp's reports; writes reports/YYYY-MM.json (read-only)"""
    from pelican.plugins.monthly_newsletter.publish.cli import main as pelican_newsletter

    code = pelican_newsletter(["report", "--site", str(ROOT)] + ["--month", month] * bool(month))
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


@task(
    help={
        "articles": "how many articles: N, or several to check linearity, e.g. 1000,5000 (default 1000)",
        "runs": "measured runs of each build after one warm-up (default 5)",
        "profile": "also profile one Networker build with cProfile (top entries printed, .prof kept)",
        "seed": "the corpus generator's seed (default 0)",
        "output": "the JSON file of figures (default bench/results/latest.json; the tables beside it, .md)",
        "extra_rows_at": "the N at which to measure plain Pelican with Networker's settings and Networker "
        "with fastbuild and each of its parts off: N, several, all or none (default: the smallest N)",
    }
)
def bench(
    c, articles="1000", runs=5, profile=False, seed=0, output="bench/results/latest.json", extra_rows_at=""
):
    """Build benchmark (issue 15): stock Pelican against Networker on a synthetic corpus of N articles"""
    argv = ["--articles", str(articles), "--runs", str(runs), "--seed", str(seed)]
    argv += ["--output", str(ROOT / output)] + (["--profile"] if profile else [])
    argv += ["--extra-rows-at", extra_rows_at] if extra_rows_at else []
    # `python -m` from the project folder: bench/ is importable without touching sys.path.
    code = subprocess.run([sys.executable, "-m", "bench.run", *argv], cwd=ROOT, check=False).returncode
    if code:
        raise Exit(code=code)
