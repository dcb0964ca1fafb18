"""The build benchmark: plain Pelican against Networker on one synthetic corpus (targets of issue 15).

    python -m bench.run --articles 1000 --runs 5 --output bench/results/latest.json [--profile]
    invoke bench --articles 1000,5000 [--runs R] [--profile] [--extra-rows-at N|all|none]

For each N: the corpus is generated once (cached in bench/results/corpus-N-sSEED-VERSION);
every build runs as the command a user runs, in a fresh process tree: stock Pelican as
``pelican-quickstart`` sets it up (``pelican content -o output -s pelicanconf.py`` with
bench/quickstart/pelicanconf.py) and Networker's ``make build`` as a whole (make, invoke,
Python start-up, the one reading of the content that is also its check, the build, the
search index), run in a scratch copy of the project whose content/ is the corpus. WARM_UPS
warm-ups of each (a user's build finds the outputs of the builds before it in place: stock
Pelican writes over the previous output from its second build on, ``make build`` over the
output two builds old from its third), then R timed runs alternating plain, Networker,
plain, Networker..., then
MEMORY_RUNS runs of each for the memory: in those, a sampler thread in this process reads the
proportional set size (PSS) of the build process and all its descendants (forked rendering
processes, Pagefind) every 20 ms and keeps the peak. The timed runs are not sampled: reading a
process's PSS walks its page tables, which took a good part of a core from a build that uses
both (see run_measured). Then: the content
check alone, the newsletter's ``generate_output`` alone, and the development build with the
content cache, cold and then rebuilt after changing one article.

At the N of ``--extra-rows-at`` (default: the smallest N), the alternation also runs plain
Pelican with Networker's settings (bench/site_settings/pelicanconf.py, a reference beside
stock Pelican) and ``make build`` in scratch sites whose pelicanconf.py turns fastbuild, or
one of its parts, off (VARIANTS); the development rebuild is measured again for the variants
whose part acts there. Each part's saving is its row minus the row with everything on.

The figures go to a JSON file and the tables, in Markdown for the README, beside it (.md);
the report and the targets of the issue (PASS/FAIL) are printed.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
# Builds of each row before the timed runs: make build writes over the output two builds old.
WARM_UPS = 2
QUICKSTART_SETTINGS = ROOT / "bench" / "quickstart" / "pelicanconf.py"
# The second reference row: plain Pelican with Networker's settings (notmyidea, no plugins).
SITE_SETTINGS = ROOT / "bench" / "site_settings" / "pelicanconf.py"
SAMPLE_INTERVAL = 0.02
MEMORY_RUNS = (
    2  # sampled runs of stock Pelican and `make build` each, after the timed ones: the memory figures
)

# The targets of issue 15, each a ratio measured in one run against stock Pelican.
BUILD_RATIO_TARGET = 0.5  # `make build` as a whole, at every N measured (Eleventy's mark: 0.58)
MEMORY_RATIO_TARGET = 1.25  # the build process alone; Pagefind's peak is reported beside it
REBUILD_RATIO_TARGET = 0.1  # one-article rebuild, cache warm, against stock Pelican's cold build
CHECK_RATIO_TARGET = 0.2  # `invoke check` against stock Pelican's cold build, at N = 1000
LINEARITY_TARGET = 1.2
TARGET_N = 1000


@dataclass(frozen=True)
class ProcessRun:
    """One build process as measured from outside, plus the figures it printed."""

    exit_code: int
    wall_seconds: float
    peak_pss_mib: float
    peak_main_pss_mib: float
    peak_pagefind_pss_mib: float
    max_rss_mib: float
    samples: int
    figures: dict[str, Any]
    log_tail: str


@dataclass(frozen=True)
class Target:
    name: str
    value: float | None
    limit: float
    passed: bool | None
    note: str


# --- memory of a process tree -------------------------------------------------------------


def child_pids(pid: int) -> list[int]:
    """Direct children of ``pid`` (all its threads'), from /proc."""
    children: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                children += [int(child) for child in handle.read().split()]
        except OSError:
            continue
    return children


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        pending += child_pids(current)
    return tree


def pss_kib(pid: int) -> int:
    """The proportional set size of one process in KiB (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


# Processes of a build that are not the build process itself.
NOT_THE_BUILD = ("pagefind", "make", "sh")


def command_name(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm", encoding="utf-8") as handle:
            return handle.read().strip()
    except OSError:
        return ""


def tree_pss_kib(pid: int) -> tuple[int, int, int]:
    """(PSS of ``pid`` and its descendants, PSS of the build process, PSS of Pagefind) in KiB:
    the build process is the largest one that is neither Pagefind nor make or a shell
    (``pelican``, ``invoke``, a Python worker)."""
    members = process_tree(pid)
    sizes = [pss_kib(member) for member in members]
    names = [command_name(member) for member in members]
    builders = [size for name, size in zip(names, sizes, strict=True) if not name.startswith(NOT_THE_BUILD)]
    pagefind = sum(size for name, size in zip(names, sizes, strict=True) if name.startswith("pagefind"))
    return sum(sizes), max(builders, default=0), pagefind


def run_measured(
    command: list[str], cwd: Path, interval: float = SAMPLE_INTERVAL, sample: bool = True
) -> ProcessRun:
    """Run ``command`` to its end, sampling the PSS of its process tree (unless not ``sample``);
    parse the JSON line it prints last (if any).

    Sampling is not free: reading ``/proc/PID/smaps_rollup`` walks the process's page tables
    (about 7 ms for a 300 MiB process, here) and holds its memory map's lock meanwhile, so a
    sampler every 20 ms takes a good part of a core from a build that uses both. Timed runs
    are therefore not sampled; the memory figures come from runs of their own."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
        peak = [0, 0, 0, 0]  # tree KiB, main process KiB, Pagefind KiB, samples
        stop = threading.Event()

        def sample_tree() -> None:
            while not stop.is_set():
                tree, main, pagefind = tree_pss_kib(process.pid)
                peak[0], peak[1], peak[2] = max(peak[0], tree), max(peak[1], main), max(peak[2], pagefind)
                peak[3] += 1
                stop.wait(interval)

        sampler = threading.Thread(target=sample_tree, daemon=True)
        if sample:
            sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        stop.set()
        if sample:
            sampler.join()
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    figures: dict[str, Any] = {}
    for line in reversed(stdout.splitlines()):
        if line.startswith("{"):
            figures = json.loads(line)
            break
    log = (stdout + stderr).strip().splitlines()
    return ProcessRun(
        exit_code=process.returncode,
        wall_seconds=wall,
        peak_pss_mib=peak[0] / 1024,
        peak_main_pss_mib=peak[1] / 1024,
        peak_pagefind_pss_mib=peak[2] / 1024,
        max_rss_mib=usage.ru_maxrss / 1024,  # KiB on Linux
        samples=peak[3],
        figures=figures,
        log_tail="\n".join(log[-15:]),
    )


# --- the corpus and the builds --------------------------------------------------------------


def corpus_version() -> str:
    """Changes whenever the generator changes, so a cached corpus is never stale."""
    return hashlib.sha256((ROOT / "bench" / "corpus.py").read_bytes()).hexdigest()[:10]


def cached_corpus(articles: int, seed: int) -> Path:
    """The corpus for ``articles`` and ``seed``, generated on first use."""
    from bench.corpus import write_corpus

    folder = RESULTS / f"corpus-{articles}-s{seed}-{corpus_version()}"
    content = folder / "content"
    if (folder / "complete").is_file():
        return content
    shutil.rmtree(folder, ignore_errors=True)
    write_corpus(content, articles, seed)
    (folder / "complete").write_text("", encoding="utf-8")
    return content


def build_command(mode: str, *options: str) -> list[str]:
    return [sys.executable, "-m", "bench.build_one", mode, *options, "--json"]


# What `make build` needs beside content/ in a scratch site: copies of the files that find the
# site from their own folder, links to the rest.
SITE_COPIES = ("pelicanconf.py", "publishconf.py", "tasks.py")
SITE_LINKS = (
    "Makefile",
    ".venv",
    "requirements.txt",
    "requirements-dev.txt",
    "constraints.txt",
    "plugins",
    "theme",
)


def scratch_site(content: Path, work: Path, name: str = "site", settings: str = "") -> Path:
    """A copy of the project in ``work``/``name`` whose content/ is the corpus, for `make build`;
    ``settings`` (Python lines) is appended to its pelicanconf.py, which its publishconf.py reads."""
    site = work / name
    site.mkdir(parents=True, exist_ok=True)
    for file_name in SITE_COPIES:
        shutil.copy2(ROOT / file_name, site / file_name)
    if settings:
        with (site / "pelicanconf.py").open("a", encoding="utf-8") as handle:
            handle.write(f"\n# The benchmark's row: {name}.\n{settings}\n")
    for link in SITE_LINKS:
        (site / link).symlink_to(ROOT / link)
    (site / "content").symlink_to(content.resolve())
    return site


@dataclass(frozen=True)
class Variant:
    """Networker with fastbuild, or one of its parts, off: a row measured where that part acts
    (``make build``: the production build, no cache; the livereload rebuild: Pelican's content
    cache and the render cache on, and the render cache renders in the build process)."""

    key: str
    label: str
    part: str  # what is off: the saving's name
    settings: str  # appended to the scratch site's pelicanconf.py
    setting: str  # the FASTBUILD_* setting it needs ("" for fastbuild as a whole)
    make_build: bool
    rebuild: bool


VARIANTS = (
    Variant(
        "no-fastbuild",
        'fastbuild off (`PLUGINS` without `"fastbuild"`)',
        "fastbuild",
        'PLUGINS = [name for name in PLUGINS if name != "fastbuild"]',
        "",
        make_build=True,
        rebuild=True,
    ),
    Variant(
        "workers-1",
        "parallel rendering off (`FASTBUILD_WORKERS = 1`)",
        "parallel rendering",
        "FASTBUILD_WORKERS = 1",
        "FASTBUILD_WORKERS",
        make_build=True,
        rebuild=False,  # the render cache renders in the build process anyway
    ),
    Variant(
        "no-render-cache",
        "render cache off (`FASTBUILD_RENDER_CACHE = False`)",
        "render cache",
        "FASTBUILD_RENDER_CACHE = False",
        "FASTBUILD_RENDER_CACHE",
        make_build=False,  # make build has no cache to use
        rebuild=True,
    ),
    Variant(
        "no-quick-rebuild",
        "quick rebuild off (`FASTBUILD_QUICK_REBUILD = False`)",
        "quick rebuild",
        "FASTBUILD_QUICK_REBUILD = False",
        "FASTBUILD_QUICK_REBUILD",
        make_build=False,  # only a live-reload rebuild is quick
        rebuild=True,
    ),
)


def available_variants() -> list[Variant]:
    """The rows this checkout can build: none when pelicanconf.py does not list fastbuild, and
    only the parts whose setting fastbuild still has."""
    import runpy

    if "fastbuild" not in (runpy.run_path(str(ROOT / "pelicanconf.py")).get("PLUGINS") or []):
        return []
    try:
        from pelican.plugins.fastbuild.settings import DEFAULTS
    except ImportError:
        return []
    return [variant for variant in VARIANTS if not variant.setting or variant.setting in DEFAULTS]


def measured_command(name: str, command: list[str], cwd: Path, sample: bool = False) -> ProcessRun:
    """A user's command, timed from outside (its memory sampled only with ``sample``). Like a
    user's, each build after the first finds the previous build's output in place: stock
    Pelican writes over it, `make build` builds beside it and swaps."""
    result = run_measured(command, cwd, sample=sample)
    if result.exit_code:
        raise BuildFailed(name, result)
    return dataclasses.replace(result, figures={"seconds": result.wall_seconds, **result.figures})


def plain_pelican(
    content: Path, work: Path, settings: Path = QUICKSTART_SETTINGS, sample: bool = False
) -> ProcessRun:
    """Stock Pelican's `make html`: `pelican content -o output -s pelicanconf.py`."""
    output = work / f"output-plain-{settings.parent.name}"
    command = [str(ROOT / ".venv" / "bin" / "pelican"), str(content), "-o", str(output), "-s", str(settings)]
    return measured_command(f"plain Pelican ({settings.relative_to(ROOT)})", command, work, sample)


def make_build(site: Path, sample: bool = False) -> ProcessRun:
    """Networker's `make build`, whole, in a scratch site."""
    return measured_command(f"make build ({site.name})", ["make", "-s", "build"], site, sample)


def measured_build(mode: str, content: Path, work: Path, *extra: str) -> ProcessRun:
    """One build of bench/build_one.py (its figures measured in the process) into a fresh output folder."""
    output, campaigns = work / f"output-{mode}", work / f"campaigns-{mode}"
    for folder in (output, campaigns):
        shutil.rmtree(folder, ignore_errors=True)
    options = ["--content", str(content), "--output", str(output)]
    if mode != "plain":
        options += ["--campaigns", str(campaigns)]
    result = run_measured(build_command(mode, *options, *extra), ROOT, sample=False)
    if result.exit_code:
        raise BuildFailed(mode, result)
    return result


class BuildFailed(RuntimeError):
    def __init__(self, mode: str, result: ProcessRun):
        super().__init__(f"the {mode} build failed (exit {result.exit_code}):\n{result.log_tail}")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass(frozen=True)
class Row:
    """A whole-process build measured in the alternation: its key in the figures, its name in
    the log, and how to run it once (with its memory sampled, or not)."""

    key: str
    name: str
    run: Callable[[bool], ProcessRun]


def bench_articles(
    articles: int, runs: int, seed: int, profile_file: Path | None, log, variants: list[Variant] | None = None
) -> dict[str, Any]:
    """All the figures for one N; ``variants`` (None: no extra rows) adds the reference row of
    plain Pelican with Networker's settings and a row for each variant."""
    started = time.perf_counter()
    content = cached_corpus(articles, seed)
    log(
        f"\n== N = {articles} articles (corpus {content.relative_to(ROOT)}, "
        f"{time.perf_counter() - started:.1f} s)"
    )
    work = RESULTS / f"work-{articles}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    extra = variants is not None
    variants = variants or []
    try:
        site = scratch_site(content, work)
        rows = [
            Row("plain", "stock", lambda sample: plain_pelican(content, work, sample=sample)),
            *(
                [
                    Row(
                        "site_settings",
                        "site settings",
                        lambda sample: plain_pelican(content, work, SITE_SETTINGS, sample),
                    )
                ]
                if extra
                else []
            ),
            Row("networker", "make build", lambda sample: make_build(site, sample)),
        ]
        for variant in variants:
            if variant.make_build:
                variant_site = scratch_site(content, work, f"site-{variant.key}", variant.settings)
                rows.append(
                    Row(variant.key, variant.key, lambda sample, s=variant_site: make_build(s, sample))
                )
        log(f"warm-up ({WARM_UPS} builds each): " + ", ".join(row.name for row in rows))
        for _ in range(WARM_UPS):
            for row in rows:
                row.run(False)
        measured: dict[str, list[ProcessRun]] = {row.key: [] for row in rows}

        def width(row: Row) -> int:
            return max(9, len(row.name) + 2)

        header = f"{'run':>6} " + " ".join(f"{row.name + ' s':>{width(row)}}" for row in rows)
        log(header + f" {'ratio':>7}")
        for number in range(1, runs + 1):
            for row in rows:
                measured[row.key].append(row.run(False))
            p, n = measured["plain"][-1], measured["networker"][-1]
            times = " ".join(f"{measured[row.key][-1].wall_seconds:>{width(row)}.2f}" for row in rows)
            log(f"{number:>6} {times} {n.wall_seconds / p.wall_seconds:>7.3f}")
        # The memory: runs of their own, sampled (see run_measured), alternating in the same way.
        sampled: dict[str, list[ProcessRun]] = {"plain": [], "networker": []}
        for _ in range(MEMORY_RUNS):
            for row in rows:
                if row.key in sampled:
                    sampled[row.key].append(row.run(True))
        log(
            f"memory runs ({MEMORY_RUNS}, sampled every {SAMPLE_INTERVAL * 1000:.0f} ms): PSS peak "
            + ", ".join(
                f"{key} {' / '.join(f'{r.peak_pss_mib:.0f}' for r in runs_)} MiB"
                for key, runs_ in sampled.items()
            )
        )
        plain, networker = measured["plain"], measured["networker"]
        plain_memory, networker_memory = sampled["plain"], sampled["networker"]
        ratios = [n.wall_seconds / p.wall_seconds for p, n in zip(plain, networker, strict=True)]
        figures: dict[str, Any] = {
            "articles": articles,
            "runs": runs,
            "plain": build_figures(plain, plain_memory),
            "networker": build_figures(networker, networker_memory),
            "ratios": ratios,
            "median_ratio": median(ratios),
            "ratio_of_medians": median([r.wall_seconds for r in networker])
            / median([r.wall_seconds for r in plain]),
            "memory_ratio": median([r.peak_pss_mib for r in networker_memory])
            / median([r.peak_pss_mib for r in plain_memory]),
            # Without Pagefind and any forked rendering process: the Python build process alone.
            "memory_ratio_build_process": median([r.peak_main_pss_mib for r in networker_memory])
            / median([r.peak_main_pss_mib for r in plain_memory]),
        }
        if extra:
            figures["site_settings"] = compared_row(measured["site_settings"], plain, networker)
        medians = " ".join(
            f"{median([r.wall_seconds for r in measured[row.key]]):>{width(row)}.2f}" for row in rows
        )
        log(f"median {medians} {figures['median_ratio']:>7.3f}")
        log(
            f"peak memory (PSS of the process tree): plain {figures['plain']['median_peak_pss_mib']:.0f} "
            "MiB, "
            f"networker {figures['networker']['median_peak_pss_mib']:.0f} MiB, ratio "
            f"{figures['memory_ratio']:.3f}"
            f"; the build process alone {figures['plain']['median_peak_main_pss_mib']:.0f} / "
            f"{figures['networker']['median_peak_main_pss_mib']:.0f} MiB PSS (ratio "
            f"{figures['memory_ratio_build_process']:.3f}), Pagefind "
            f"{figures['networker']['median_peak_pagefind_pss_mib']:.0f} MiB, "
            "ru_maxrss (largest single process) "
            f"{figures['plain']['median_max_rss_mib']:.0f} / "
            f"{figures['networker']['median_max_rss_mib']:.0f} MiB"
        )
        log(
            "both are the whole command, Python start-up included: stock Pelican's `pelican content -o "
            "output "
            "-s pelicanconf.py`, Networker's `make build`"
        )
        if extra:
            row = figures["site_settings"]
            log(
                f"plain Pelican with Networker's settings (bench/site_settings/pelicanconf.py): median "
                f"{row['median_seconds']:.2f} s, {row['median_ratio']:.3f} × stock Pelican"
            )
        in_process = measured_build("networker", content, work)
        figures["networker_build_in_process_seconds"] = in_process.figures["seconds"]
        log(
            "Networker's build alone (build_site with publishconf.py, after start-up and imports, the "
            "search "
            f"index included): {in_process.figures['seconds']:.2f} s"
        )

        check = run_measured(build_command("check", "--content", str(content)), ROOT, sample=False)
        if check.exit_code:
            log(f"the content check failed:\n{check.log_tail}")
        figures["check"] = {
            "exit": check.exit_code,
            "seconds": check.figures.get("seconds"),
            "wall_seconds": check.wall_seconds,
        }
        log(
            f"content check alone: {check.figures.get('seconds', float('nan')):.2f} s in the process, "
            f"{check.wall_seconds:.2f} s with start-up (exit {check.exit_code})"
        )

        newsletter = measured_build("newsletter", content, work)
        figures["newsletter"] = {
            "generate_output_seconds": newsletter.figures["generate_output_seconds"],
            "render_emails_seconds": newsletter.figures["render_emails_seconds"],
            "issues": newsletter.figures["issues"],
            "build_seconds": newsletter.figures["seconds"],
        }
        log(
            "newsletter: NewsletterGenerator.generate_output "
            f"{newsletter.figures['generate_output_seconds']:.2f} s "
            f"for {newsletter.figures['issues']} issues (web pages, feeds, emails, campaign files), of which "
            f"rendering the emails {newsletter.figures['render_emails_seconds']:.2f} s; whole build "
            f"{newsletter.figures['seconds']:.2f} s"
        )

        figures["rebuild"] = bench_rebuild(content, work, runs, figures, log)
        figures["parts"] = bench_parts(content, work, runs, figures, variants, measured, log)
        if profile_file:
            measured_build("networker", content, work, "--profile", str(profile_file))
            figures["profile"] = str(profile_file)
            log(profile_report(profile_file))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return figures


def compared_row(results: list[ProcessRun], plain: list[ProcessRun], networker: list[ProcessRun]) -> dict:
    """A row's figures beside stock Pelican's and Networker's runs of the same rounds: its
    ratio to stock, and what it takes more than Networker with everything on (the saving of
    the part it turns off), each the median of the per-round figures (no memory: not sampled)."""
    return {
        **build_figures(results, []),
        "median_ratio": median(
            [r.wall_seconds / p.wall_seconds for r, p in zip(results, plain, strict=True)]
        ),
        "median_saving_seconds": median(
            [r.wall_seconds - n.wall_seconds for r, n in zip(results, networker, strict=True)]
        ),
    }


def bench_parts(
    content: Path,
    work: Path,
    runs: int,
    figures: dict[str, Any],
    variants: list[Variant],
    measured: dict[str, list[ProcessRun]],
    log,
) -> dict[str, Any]:
    """Each variant's rows: its `make build` (from the alternation) and its livereload rebuild."""
    parts: dict[str, Any] = {}
    plain, networker = measured["plain"], measured["networker"]
    for variant in variants:
        part: dict[str, Any] = {"label": variant.label, "part": variant.part}
        if variant.make_build:
            part["make_build"] = compared_row(measured[variant.key], plain, networker)
            log(
                f"`make build` with {variant.label}: median {part['make_build']['median_seconds']:.2f} s, "
                f"{part['make_build']['median_ratio']:.3f} × stock Pelican; {variant.part} saves "
                f"{part['make_build']['median_saving_seconds']:+.2f} s"
            )
        if variant.rebuild:
            settings = work / f"site-{variant.key}" / "pelicanconf.py"
            if not settings.is_file():
                scratch_site(content, work, f"site-{variant.key}", variant.settings)
            rebuild = bench_rebuild(content, work, runs, figures, log, settings, variant.label)
            rebuild["saving_seconds"] = (
                rebuild["median_rebuild_seconds"] - figures["rebuild"]["median_rebuild_seconds"]
            )
            log(f"{variant.part} saves {rebuild['saving_seconds']:+.2f} s of the rebuild")
            part["rebuild"] = rebuild
        parts[variant.key] = part
    return parts


def build_figures(results: list[ProcessRun], memory: list[ProcessRun]) -> dict[str, Any]:
    """The times of the timed runs ``results``, the memory of the sampled runs ``memory``."""
    return {
        "wall_seconds": [r.wall_seconds for r in results],
        "build_seconds": [r.figures["seconds"] for r in results],
        "peak_pss_mib": [r.peak_pss_mib for r in memory],
        "peak_main_pss_mib": [r.peak_main_pss_mib for r in memory],
        "peak_pagefind_pss_mib": [r.peak_pagefind_pss_mib for r in memory],
        "max_rss_mib": [r.max_rss_mib for r in memory],
        "memory_run_seconds": [r.wall_seconds for r in memory],
        "median_seconds": median([r.wall_seconds for r in results]),
        "median_build_seconds": median([r.figures["seconds"] for r in results]),
        "median_peak_pss_mib": median([r.peak_pss_mib for r in memory]),
        "median_peak_main_pss_mib": median([r.peak_main_pss_mib for r in memory]),
        "median_peak_pagefind_pss_mib": median([r.peak_pagefind_pss_mib for r in memory]),
        "median_max_rss_mib": median([r.max_rss_mib for r in memory]),
        "memory_samples": [r.samples for r in memory],
    }


def bench_rebuild(
    content: Path,
    work: Path,
    runs: int,
    figures: dict[str, Any],
    log,
    settings: Path = ROOT / "pelicanconf.py",
    label: str = "",
) -> dict[str, Any]:
    """`invoke livereload`'s cached build on a fresh copy of the corpus: cold, then R one-article
    edits; ``settings``: a variant's scratch pelicanconf.py."""
    name = settings.parent.name if label else "dev"
    copy, output, cache = work / f"{name}-content", work / f"{name}-output", work / f"{name}-cache"
    shutil.copytree(content, copy)
    result = run_measured(
        build_command(
            "dev-rebuilds",
            "--content",
            str(copy),
            "--output",
            str(output),
            "--cache",
            str(cache),
            "--runs",
            str(runs),
            "--settings",
            str(settings),
        ),
        ROOT,
        sample=False,
    )
    if result.exit_code:
        raise BuildFailed(f"dev-rebuilds {label}".rstrip(), result)
    rebuilds = result.figures["rebuild_seconds"]
    cold_dev = result.figures["cold_seconds"]
    cold_production = figures["networker_build_in_process_seconds"]
    searches = result.figures["rebuild_search_seconds"]
    rebuild = {
        "cold_dev_seconds": cold_dev,
        "cold_dev_search_seconds": result.figures["cold_search_seconds"],
        "rebuild_seconds": rebuilds,
        "median_rebuild_seconds": median(rebuilds),
        "rebuild_search_seconds": searches,
        "median_rebuild_search_seconds": median(searches),
        "ratio_with_search_to_cold_production": (median(rebuilds) + median(searches)) / cold_production,
        "edited": result.figures["edited"],
        "ratio_to_cold_production": median(rebuilds) / cold_production,
        "ratio_to_plain_cold": median(rebuilds) / figures["plain"]["median_seconds"],
        "ratio_to_cold_dev": median(rebuilds) / cold_dev,
    }
    log(
        f"development build with the content cache (as `invoke livereload`{', ' + label if label else ''}): "
        f"cold {cold_dev:.2f} s; after changing "
        f"one article: {', '.join(f'{s:.2f}' for s in rebuilds)} s, median "
        f"{rebuild['median_rebuild_seconds']:.2f} s = "
        f"{rebuild['ratio_to_plain_cold']:.3f} × stock Pelican's cold build, "
        f"{rebuild['ratio_to_cold_production']:.3f} × the cold production build ({cold_production:.2f} s in "
        "the process), "
        f"{rebuild['ratio_to_cold_dev']:.3f} × the cold development build. The search index, which live "
        "reload "
        "rebuilds in the background after the page has reloaded: median "
        f"{rebuild['median_rebuild_search_seconds']:.2f} s "
        f"more ({rebuild['ratio_with_search_to_cold_production']:.3f} × the cold production build with it)"
    )
    return rebuild


def profile_report(profile_file: Path, top: int = 25) -> str:
    import io
    import pstats

    lines = [
        "\nprofile of one Networker production build (this process only, not its workers or Pagefind): "
        f"{profile_file}"
    ]
    for order in ("cumulative", "tottime"):
        stream = io.StringIO()
        stats = pstats.Stats(str(profile_file), stream=stream)
        stats.strip_dirs().sort_stats(order).print_stats(top)
        text = stream.getvalue()
        lines.append(f"-- top {top} by {order}")
        lines.append(text[text.find("   ncalls") :].rstrip() if "   ncalls" in text else text.rstrip())
    return "\n".join(lines)


# --- targets and report ---------------------------------------------------------------------


def evaluate_targets(results: dict[int, dict[str, Any]]) -> list[Target]:
    targets: list[Target] = []

    def target(name: str, value: float | None, limit: float, note: str = "") -> None:
        passed = None if value is None else value <= limit
        targets.append(Target(name, value, limit, passed, note))

    for articles, figures in sorted(results.items()):
        plain_seconds = figures["plain"]["median_seconds"]
        target(
            f"N={articles}: make build ≤ {BUILD_RATIO_TARGET} × stock Pelican (median of per-run ratios)",
            figures["median_ratio"],
            BUILD_RATIO_TARGET,
        )
        target(
            f"N={articles}: peak memory of the build process ≤ {MEMORY_RATIO_TARGET} × stock Pelican",
            figures["memory_ratio_build_process"],
            MEMORY_RATIO_TARGET,
            f"(Pagefind's own peak: {figures['networker']['median_peak_pagefind_pss_mib']:.0f} MiB)",
        )
        target(
            f"N={articles}: rebuild after editing one article ≤ {REBUILD_RATIO_TARGET} × stock Pelican's "
            "cold build",
            figures["rebuild"]["ratio_to_plain_cold"],
            REBUILD_RATIO_TARGET,
        )
        check_seconds = figures["check"]["wall_seconds"] if figures["check"]["exit"] == 0 else None
        target(
            f"N={articles}: invoke check ≤ {CHECK_RATIO_TARGET} × stock Pelican's cold build",
            None if check_seconds is None else check_seconds / plain_seconds,
            CHECK_RATIO_TARGET,
            "" if articles == TARGET_N else f"(the issue sets it at N = {TARGET_N})",
        )
    if len(results) >= 2:
        small, big = min(results), max(results)
        per_article = {n: results[n]["networker"]["median_seconds"] / n for n in (small, big)}
        target(
            f"time per article at N={big} ≤ {LINEARITY_TARGET} × at N={small}",
            per_article[big] / per_article[small],
            LINEARITY_TARGET,
            "" if (small, big) == (TARGET_N, 5000) else "(the issue sets it for 1000 → 5000)",
        )
    return targets


def format_targets(targets: list[Target]) -> str:
    lines = ["\nTargets (issue 15):"]
    for target in targets:
        verdict = {True: "PASS", False: "FAIL", None: "n/a "}[target.passed]
        value = "n/a" if target.value is None else f"{target.value:.3f}"
        lines.append(f"  {verdict}  {target.name}: {value} {target.note}".rstrip())
    return "\n".join(lines)


def _seconds(value: float | None) -> str:
    return "n/a" if value is None or value != value else f"{value:.1f} s"


def _ratio(value: float | None, bold: bool = False) -> str:
    if value is None or value != value:
        return "n/a"
    return f"**{value:.2f}**" if bold else f"{value:.2f}"


def _saving(value: float) -> str:
    """A part's saving: what the row with the part off takes more than everything on."""
    if value != value:
        return "n/a"
    text = f"{value:+.1f} s".replace("-", "−")
    return text if value > 0 else f"{text} (costs more than it saves)"


def part_rows(parts: dict[str, Any], where: str, seconds: str, ratio: str, saving: str) -> list[str]:
    """The table rows of the fastbuild parts measured ``where`` ("make_build" or "rebuild"),
    from their figures under the keys ``seconds``, ``ratio`` and ``saving``."""
    return [
        f"| … {part['label']} | {_seconds(part[where][seconds])} | "
        f"{_ratio(part[where][ratio])} | {_saving(part[where][saving])} |"
        for part in parts.values()
        if where in part
    ]


def markdown_report(results: dict[int, dict[str, Any]], targets: list[Target], info: dict[str, Any]) -> str:
    """The run in Markdown, for the README as it is: per N the times and their ratios to stock
    Pelican (with each fastbuild part's saving where measured) and the peak memory; then the
    targets."""
    load = info.get("load_average_at_start", [float("nan")])[0]
    load_end = info.get("load_average_at_end", [float("nan")])[0]
    articles = ",".join(str(n) for n in sorted(results))
    lines = [
        f"Figures from `invoke bench --articles {articles} --runs {info['runs']}` on {info['date'][:10]} "
        f"({info['cpu_count']} CPUs, {info['cpu_model'] or 'unknown CPU'}, Python {info['python']}, "
        f"Pelican {info['pelican']}, commit {info['git_commit'][:7]}"
        f"{' with changes' if info.get('git_dirty') else ''}; load average {load:.2f} at the start, "
        f"{load_end:.2f} at the end; medians of {info['runs']} alternating runs after "
        f"{WARM_UPS} warm-up builds; "
        f"memory: medians of {MEMORY_RUNS} further runs, sampled). A part's "
        "saving is the time of the row with that part off minus the time with everything on.",
    ]
    for n, figures in sorted(results.items()):
        plain = figures["plain"]["median_seconds"]
        parts = figures.get("parts", {})
        lines += [
            "",
            f"| N = {n} | time | × stock Pelican | saving of the part |",
            "| --- | --- | --- | --- |",
            f"| stock Pelican (`pelican content`, quickstart settings) | {_seconds(plain)} | 1 | |",
        ]
        if "site_settings" in figures:
            row = figures["site_settings"]
            lines.append(
                "| plain Pelican with Networker's settings (notmyidea, no plugins, the site's URLs, "
                f"feeds and Markdown extensions) | {_seconds(row['median_seconds'])} | "
                f"{_ratio(row['median_ratio'])} | |"
            )
        lines.append(
            "| `make build` (one reading: check, build, newsletter, search index) | "
            f"{_seconds(figures['networker']['median_seconds'])} | "
            f"{_ratio(figures['median_ratio'], True)} | |"
        )
        lines += part_rows(parts, "make_build", "median_seconds", "median_ratio", "median_saving_seconds")
        check = figures["check"]
        check_seconds = check["wall_seconds"] if check["exit"] == 0 else None
        lines.append(
            "| `invoke check` (the build's reading, stopped before writing), with start-up | "
            f"{_seconds(check_seconds)} | "
            f"{_ratio(None if check_seconds is None else check_seconds / plain)} | |"
        )
        rebuild = figures["rebuild"]
        lines.append(
            "| `invoke livereload` rebuild after editing one article's body (cache warm) | "
            f"{_seconds(rebuild['median_rebuild_seconds'])} | "
            f"{_ratio(rebuild['ratio_to_plain_cold'], True)} | |"
        )
        lines += part_rows(
            parts, "rebuild", "median_rebuild_seconds", "ratio_to_plain_cold", "saving_seconds"
        )
        networker = figures["networker"]
        plain_memory = figures["plain"]["median_peak_main_pss_mib"]
        lines += [
            "",
            f"| N = {n} | peak memory (PSS) |",
            "| --- | --- |",
            f"| stock Pelican | {plain_memory:.0f} MiB |",
            f"| `make build`, the build process alone | {networker['median_peak_main_pss_mib']:.0f} MiB "
            f"({figures['memory_ratio_build_process']:.2f} ×) |",
            "| … Pagefind, the search indexer, at its peak | "
            f"{networker['median_peak_pagefind_pss_mib']:.0f} MiB |",
            f"| … the whole process tree | {networker['median_peak_pss_mib']:.0f} MiB |",
        ]
    lines += ["", "| target (issue 15) | measured | limit | |", "| --- | --- | --- | --- |"]
    for target in targets:
        verdict = {True: "holds", False: "**not yet**", None: "n/a"}[target.passed]
        value = "n/a" if target.value is None else f"{target.value:.2f}"
        name = f"{target.name} {target.note}".rstrip()
        lines.append(f"| {name} | {value} | {target.limit} | {verdict} |")
    return "\n".join(lines) + "\n"


# Seconds of each process at N = 1000 on this project's 2-core machine (the run of
# 2026-12-02 and estimates of the rows it did not have), for the run time printed at the
# start; each scales with N. A busy machine takes longer.
ESTIMATE_AT_1000 = {
    "corpus": 9.0,  # writing the corpus, when it is not cached
    "plain": 18.0,
    "site_settings": 22.0,
    "networker": 20.0,
    "make_build_variant": 24.0,
    "in_process": 17.0,
    "check": 6.0,
    "newsletter": 17.0,
    "dev_cold": 18.0,  # the cold development build and its search index
    "dev_rebuild": 10.0,  # one rebuild and its search index
    "dev_rebuild_variant": 20.0,  # one rebuild with a part off (most pages rendered again)
}


# A process's start-up (Python, imports; make and invoke for `make build`), whatever N.
ESTIMATE_START_UP = 1.5


def estimate_seconds(
    articles: list[int], runs: int, extra_at: set[int], variants: list[Variant], seed: int
) -> float:
    """About how long the run takes: each alternated build WARM_UPS times for the warm-up and R times,
    the rest once; the estimate of each process at N = 1000 scaled with N, plus its start-up."""
    cost = ESTIMATE_AT_1000
    total = 0.0
    for n in articles:
        rows = ["plain", "networker"]
        series = [cost["dev_cold"] + runs * cost["dev_rebuild"]]  # dev-rebuilds processes
        if n in extra_at:
            rows.append("site_settings")
            rows += ["make_build_variant"] * sum(variant.make_build for variant in variants)
            series += [cost["dev_cold"] + runs * cost["dev_rebuild_variant"]] * sum(
                variant.rebuild for variant in variants
            )
        once = [cost["in_process"], cost["check"], cost["newsletter"], *series]
        cached = (RESULTS / f"corpus-{n}-s{seed}-{corpus_version()}" / "complete").is_file()
        work = (
            (runs + WARM_UPS) * sum(cost[row] for row in rows) + sum(once) + (0 if cached else cost["corpus"])
        )
        work += MEMORY_RUNS * (cost["plain"] + cost["networker"])
        processes = (runs + WARM_UPS) * len(rows) + len(once) + 2 * MEMORY_RUNS
        total += work * n / 1000 + ESTIMATE_START_UP * processes
    return total


def parse_extra_rows_at(value: str, articles: list[int]) -> set[int]:
    """``--extra-rows-at``: "" (the smallest N), "all", "none", or a list of N."""
    if value == "":
        return {min(articles)}
    if value == "all":
        return set(articles)
    if value == "none":
        return set()
    counts = set(parse_articles(value))
    if not counts <= set(articles):
        raise argparse.ArgumentTypeError(
            f"--extra-rows-at {value}: measure these N with --articles too ({sorted(counts - set(articles))})"
        )
    return counts


def machine_info(articles: list[int], runs: int, seed: int) -> dict[str, Any]:
    from importlib.metadata import version

    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return result.stdout.strip()

    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "pelican": version("pelican"),
        "markdown": version("markdown"),
        "git_commit": git("rev-parse", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "articles": articles,
        "runs": runs,
        "seed": seed,
        "memory_sample_interval_seconds": SAMPLE_INTERVAL,
        "load_average_at_start": list(os.getloadavg()),
    }


def parse_articles(value: str) -> list[int]:
    counts = sorted({int(part) for part in value.split(",") if part.strip()})
    if not counts or counts[0] < 1:
        raise argparse.ArgumentTypeError(f"give article counts like 1000 or 1000,5000, not {value!r}")
    return counts


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--articles", type=parse_articles, default=[TARGET_N], help="N, or several: 1000,5000"
    )
    parser.add_argument("--runs", type=int, default=5, help="measured runs of each build after the warm-up")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default=str(RESULTS / "latest.json"), help="the JSON file of figures")
    parser.add_argument("--profile", action="store_true", help="also profile one Networker build (cProfile)")
    parser.add_argument(
        "--extra-rows-at",
        default="",
        help="the N at which to measure the extra rows (plain Pelican with Networker's settings; "
        "Networker with fastbuild and each of its parts off): a list of N, 'all' or 'none' "
        "(default: the smallest N)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    try:
        args.extra_rows_at = parse_extra_rows_at(args.extra_rows_at, args.articles)
    except argparse.ArgumentTypeError as error:
        parser.error(str(error))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    output = Path(args.output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    info = machine_info(args.articles, args.runs, args.seed)
    variants = available_variants() if args.extra_rows_at else []
    info["extra_rows_at"] = sorted(args.extra_rows_at)
    info["variants"] = [variant.key for variant in variants]
    estimate = estimate_seconds(args.articles, args.runs, args.extra_rows_at, variants, args.seed)
    extra = (
        f"extra rows at N = {', '.join(str(n) for n in sorted(args.extra_rows_at))}: plain Pelican with "
        "Networker's settings" + "".join(f"; {variant.label}" for variant in variants)
        if args.extra_rows_at
        else "no extra rows"
    )
    print(
        f"Networker build benchmark: {info['cpu_count']} CPUs ({info['cpu_model']}), Python "
        f"{info['python']}, "
        f"Pelican {info['pelican']}, commit "
        f"{info['git_commit'][:10]}{' (modified)' if info['git_dirty'] else ''}; "
        f"{args.runs} runs after {WARM_UPS} warm-up builds, alternating plain and Networker; {extra}.\n"
        f"Estimated run time: about {estimate / 60:.0f} min ({estimate:.0f} s; scaled from the last "
        f"figures on this 2-core machine when quiet; load average now {info['load_average_at_start'][0]:.1f}"
        ", and a busy machine takes longer)",
        flush=True,
    )

    def log(line: str) -> None:
        print(line, flush=True)

    results: dict[int, dict[str, Any]] = {}
    started = time.perf_counter()
    try:
        for articles in args.articles:
            profile_file = (
                output.with_name(f"{output.stem}-networker-{articles}.prof") if args.profile else None
            )
            results[articles] = bench_articles(
                articles,
                args.runs,
                args.seed,
                profile_file,
                log,
                variants if articles in args.extra_rows_at else None,
            )
            log(f"(N = {articles} done; {time.perf_counter() - started:.0f} s since the start)")
    except BuildFailed as error:
        print(f"\nBenchmark stopped: {error}", file=sys.stderr)
        return 1
    targets = evaluate_targets(results)
    print(format_targets(targets))
    info["load_average_at_end"] = list(os.getloadavg())
    info["run_seconds"] = time.perf_counter() - started
    info["estimated_seconds"] = estimate
    print(
        f"\nLoad average at start {info['load_average_at_start'][0]:.2f}, at end "
        f"{info['load_average_at_end'][0]:.2f} "
        f"on {info['cpu_count']} CPUs (other work on the machine makes the times noisy); the run took "
        f"{info['run_seconds']:.0f} s (estimated {estimate:.0f} s)"
    )
    report = markdown_report(results, targets, info)
    print("\nFor the README (Build speed):\n\n" + report)
    document = {
        "machine": info,
        "results": {str(n): figures for n, figures in sorted(results.items())},
        "targets": [asdict(target) for target in targets],
    }
    output.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    output.with_suffix(".md").write_text(report, encoding="utf-8")
    print(f"Figures written to {output}, the tables to {output.with_suffix('.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
