"""One benchmark build in a fresh process; the last line of stdout is a JSON object of figures.

    python -m bench.build_one plain      --content C --output O [--profile F] --json
    python -m bench.build_one networker  --content C --output O --campaigns D [--profile F] --json
    python -m bench.build_one check      --content C --json
    python -m bench.build_one newsletter --content C --output O --campaigns D --json
    python -m bench.build_one dev-rebuilds --content C --output O --cache D --runs R [--settings S] --json

- ``plain``: stock Pelican as ``pelican-quickstart`` sets it up (bench/quickstart/pelicanconf.py:
  notmyidea, no plugins, no feeds), in the process, for a profile; the benchmark itself runs
  the ``pelican`` command (bench/run.py).
- ``networker``: what ``make build`` does: ``build_site`` with publishconf.py (one reading of
  the content, checked, then the writing; reader_features makes the Pagefind index at its end).
- ``check``: the content check alone (``check_content``, as ``invoke check`` runs it: the
  build's reading, stopped before the writing).
- ``newsletter``: a ``networker`` build with ``NewsletterGenerator.generate_output`` (and the
  email rendering inside it) timed.
- ``dev-rebuilds``: ``invoke livereload``'s build (pelicanconf.py with the content cache, in
  place) once cold, then R times: append a paragraph to one article and rebuild in the same
  process, as the live-reload server does. Edits the content folder it is given. ``--settings``:
  another pelicanconf.py (a scratch site's, with one part of fastbuild off; default the project's).

``seconds`` figures are measured in the process, after the imports; the parent measures
the whole process (bench/run.py).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PLAIN_SETTINGS = Path(__file__).resolve().parent / "quickstart" / "pelicanconf.py"
# The corpus is dated 2016-2025: a fixed "today" keeps the check's date rules deterministic.
CHECK_TODAY = date(2026, 1, 1)


def build_plain(content: Path, output: Path) -> int:
    import logging

    from pelican import Pelican
    from pelican.log import init as init_logging
    from pelican.settings import read_settings

    init_logging(level=logging.WARNING, fatal="errors")
    settings = read_settings(str(PLAIN_SETTINGS), override={"PATH": str(content), "OUTPUT_PATH": str(output)})
    Pelican(settings).run()
    return 0


def build_networker(content: Path, output: Path, campaigns: Path) -> int:
    from pelican_contentkit.build import build_site

    overrides = {
        "PATH": str(content),
        "OUTPUT_PATH": str(output),
        "NEWSLETTER_CAMPAIGNS_PATH": str(campaigns),
    }
    return build_site(ROOT / "publishconf.py", overrides)


def build_dev(
    content: Path, output: Path, cache: Path, settings: Path = ROOT / "pelicanconf.py"
) -> tuple[int, float, float]:
    """``invoke livereload``'s cached_build with ``settings``, pointed at ``content``: the exit
    code, the seconds until the site is built (when the browser reloads), and the seconds of the search index
    (which live reload makes in the background)."""
    from pelican.plugins.reader_features.search import build_search_index
    from pelican_contentkit.build import build_site

    overrides = {
        "PATH": str(content),
        "OUTPUT_PATH": str(output),
        "CACHE_PATH": str(cache),
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
        "READER_SEARCH_INDEX": False,
    }
    code, site_seconds = timed(lambda: build_site(settings, overrides))
    if code:
        return code, site_seconds, 0.0
    code, search_seconds = timed(lambda: build_search_index(output))
    return code, site_seconds, search_seconds


def check(content: Path) -> int:
    from pelican_contentkit.check import check_content

    problems = check_content(ROOT / "publishconf.py", {"PATH": str(content)}, CHECK_TODAY)
    for problem in problems[:20]:
        print(problem.message, file=sys.stderr)
    return 1 if problems else 0


def edited_article(content: Path, run: int) -> Path:
    """The article that rebuild number ``run`` changes: a different one each run, always the same."""
    articles = sorted((content / "articles").glob("*.md"))
    return articles[(run * 7919 + len(articles) // 2) % len(articles)]


def append_paragraph(path: Path, run: int) -> None:
    from bench.corpus import sentence

    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.rstrip("\n") + f"\n\n{sentence(random.Random(run))}\n", encoding="utf-8", newline="\n"
    )


def timed(function: Callable[[], int]) -> tuple[int, float]:
    started = time.perf_counter()
    code = function()
    return code, time.perf_counter() - started


def timing_wrapper(method: Callable[..., Any], spent: list[float]) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - started)

    return wrapped


def run(args: argparse.Namespace) -> dict[str, Any]:
    content, output, campaigns = Path(args.content), Path(args.output), Path(args.campaigns)
    # Everything a build imports anyway, imported before the clock starts.
    import pelican
    import pelican.generators  # noqa: F401

    if args.mode == "plain":
        code, seconds = profiled(lambda: build_plain(content, output), args.profile)
        return {"exit": code, "seconds": seconds}
    if args.mode == "networker":
        code, seconds = profiled(lambda: build_networker(content, output, campaigns), args.profile)
        return {"exit": code, "seconds": seconds}
    if args.mode == "check":
        code, seconds = timed(lambda: check(content))
        return {"exit": code, "seconds": seconds}
    if args.mode == "newsletter":
        from pelican.plugins.monthly_newsletter.generator import NewsletterGenerator

        output_spent: list[float] = []
        render_spent: list[float] = []
        NewsletterGenerator.generate_output = timing_wrapper(
            NewsletterGenerator.generate_output, output_spent
        )
        NewsletterGenerator._render_email = timing_wrapper(NewsletterGenerator._render_email, render_spent)
        code, seconds = timed(lambda: build_networker(content, output, campaigns))
        return {
            "exit": code,
            "seconds": seconds,
            "generate_output_seconds": sum(output_spent),
            "render_emails_seconds": sum(render_spent),
            "issues": len(list(campaigns.glob("*/email.html"))),
        }
    if args.mode == "dev-rebuilds":
        cache, settings = Path(args.cache), Path(args.settings or ROOT / "pelicanconf.py")
        code, cold, cold_search = build_dev(content, output, cache, settings)
        rebuilds: list[float] = []
        searches: list[float] = []
        edited: list[str] = []
        for number in range(args.runs):
            if code:
                break
            article = edited_article(content, number)
            append_paragraph(article, number)
            edited.append(article.name)
            code, seconds, search_seconds = build_dev(content, output, cache, settings)
            rebuilds.append(seconds)
            searches.append(search_seconds)
        return {
            "exit": code,
            "cold_seconds": cold,
            "cold_search_seconds": cold_search,
            "rebuild_seconds": rebuilds,
            "rebuild_search_seconds": searches,
            "edited": edited,
        }
    raise ValueError(f"unknown mode {args.mode!r}")


def profiled(function: Callable[[], int], profile_file: str) -> tuple[int, float]:
    if not profile_file:
        return timed(function)
    import cProfile

    profiler = cProfile.Profile()
    started = time.perf_counter()
    code = profiler.runcall(function)
    seconds = time.perf_counter() - started
    profiler.dump_stats(profile_file)
    return code, seconds


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.build_one", description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=("plain", "networker", "check", "newsletter", "dev-rebuilds"))
    parser.add_argument("--content", required=True)
    parser.add_argument("--output", default="output")
    parser.add_argument("--campaigns", default="campaigns")
    parser.add_argument("--cache", default="")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--settings", default="", help="dev-rebuilds: the settings file (default pelicanconf.py)"
    )
    parser.add_argument("--profile", default="", help="write a cProfile .prof file here")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    figures = {"mode": args.mode, **run(args)}
    print(json.dumps(figures, sort_keys=True) if args.json else figures)
    return figures["exit"]


if __name__ == "__main__":
    sys.exit(main())
