"""The build benchmark's own parts: the corpus generator and the memory sampler (fast; the
benchmark itself runs on demand with `invoke bench`)."""

from __future__ import annotations

import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from bench.build_one import build_networker, edited_article
from bench.corpus import write_corpus
from bench.run import run_measured
from tests.support.site import ROOT


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("bench") / "content", 30)


def test_the_corpus_is_byte_identical_for_the_same_n_and_seed(corpus, tmp_path):
    again = files_of(write_corpus(tmp_path / "again", 30))
    assert again == files_of(corpus)
    assert files_of(write_corpus(tmp_path / "other-seed", 30, seed=1)) != again


def test_the_corpus_is_shaped_like_content(corpus):
    files = files_of(corpus)
    articles = [name for name in files if name.startswith("articles/")]
    assert len(articles) == 30
    assert {
        "pages/about.md",
        "pages/subscribe.md",
        "connector-prompts.yaml",
        "images/bench-figure.png",
    } <= set(files)
    months = {name for name in files if name.startswith("quoteactions/")}
    assert len(months) == 30  # 30 articles over ten years: one per month
    words = [len(files[name].decode().split("\n\n", 1)[1].split()) for name in articles]
    assert 1050 <= sum(words) / len(words) <= 1300
    body = files[articles[0]].decode()
    for markup in ("\n## ", "\n- ", "\n> ", "{filename}", "![", "{static}/images/bench-figure.png"):
        assert markup in "".join(files[name].decode() for name in articles), markup
    assert body.startswith("Title: ") and "\nSummary: " in body and "\nTags: " in body


def test_the_corpus_passes_the_content_check(corpus, capsys):
    from pelican_contentkit.check import run_check

    assert run_check(ROOT / "pelicanconf.py", corpus, "text", date(2026, 1, 1)) == 0
    assert "no problems found" in capsys.readouterr().out


def test_the_corpus_builds_with_networker(corpus, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # publishconf.py imports pelicanconf from the current folder
    output = tmp_path / "output"
    assert build_networker(corpus, output, tmp_path / "campaigns") == 0
    articles = [path for path in (corpus / "articles").glob("*.md")]
    assert all((output / path.stem / "index.html").is_file() for path in articles)
    assert (output / "pagefind").is_dir()
    assert len(list((tmp_path / "campaigns").glob("*/email.html"))) == 30


def test_each_rebuild_edits_another_article(corpus):
    edited = [edited_article(corpus, run) for run in range(10)]
    assert len(set(edited)) == 10


def test_the_sampler_finds_the_memory_of_a_grandchild_process():
    allocate = "import time; block = b'x' * (50 * 1024 * 1024); time.sleep(0.5)"
    spawn = textwrap.dedent(
        f"""
        import subprocess, sys
        subprocess.run([sys.executable, "-c", {allocate!r}], check=True)
        """
    )
    result = run_measured([sys.executable, "-c", spawn], ROOT)
    assert result.exit_code == 0
    assert result.peak_pss_mib >= 40
    assert result.samples >= 10


def test_a_timed_run_is_not_sampled():
    """The timed runs leave the build's cores to the build: no sampler reads its memory."""
    result = run_measured([sys.executable, "-c", "import time; time.sleep(0.3)"], ROOT, sample=False)
    assert result.exit_code == 0
    assert result.samples == 0
    assert result.peak_pss_mib == 0
    assert result.wall_seconds >= 0.3


def bench_figures(plain: float, networker: float, check: float, rebuild: float) -> dict:
    return {
        "plain": {"median_seconds": plain},
        "networker": {"median_seconds": networker, "median_peak_pagefind_pss_mib": 80.0},
        "median_ratio": networker / plain,
        "memory_ratio_build_process": 1.1,
        "rebuild": {"ratio_to_plain_cold": rebuild / plain},
        "check": {"exit": 0, "wall_seconds": check},
    }


def test_the_targets_are_issue_15s_ratios_against_stock_pelican():
    from bench.run import evaluate_targets

    targets = evaluate_targets(
        {1000: bench_figures(20.0, 9.0, 5.0, 1.0), 5000: bench_figures(100.0, 60.0, 20.0, 12.0)}
    )
    assert [t.passed for t in targets if t.name.startswith("N=1000")] == [True, True, True, False]
    assert [t.passed for t in targets if t.name.startswith("N=5000")] == [False, True, False, True]
    growth = [t for t in targets if t.name.startswith("time per article")]
    assert growth[0].value == pytest.approx((60.0 / 5000) / (9.0 / 1000)) and growth[0].passed is False


def test_each_variant_s_scratch_site_turns_its_part_off_and_nothing_else(corpus, tmp_path):
    from pelican.settings import read_settings

    from bench.run import VARIANTS, available_variants, scratch_site

    assert [variant.key for variant in available_variants()] == [variant.key for variant in VARIANTS]
    full = read_settings(str(scratch_site(corpus, tmp_path) / "publishconf.py"))
    assert "fastbuild" in full["PLUGINS"]
    changed = {}
    for variant in VARIANTS:
        site = scratch_site(corpus, tmp_path, f"site-{variant.key}", variant.settings)
        # make build reads publishconf.py, the livereload rebuild pelicanconf.py: both see it.
        for settings_file in ("publishconf.py", "pelicanconf.py"):
            settings = read_settings(str(site / settings_file))
            base = read_settings(str(tmp_path / "site" / settings_file))
            changed[variant.key, settings_file] = {
                name: settings.get(name)
                for name in set(settings) | set(base)
                if not name.startswith("_")
                and name not in ("PATH", "OUTPUT_PATH", "THEME", "CACHE_PATH", "NEWSLETTER_CAMPAIGNS_PATH")
                and settings.get(name) != base.get(name)
            }
    for settings_file in ("publishconf.py", "pelicanconf.py"):
        assert changed["no-fastbuild", settings_file] == {
            "PLUGINS": [name for name in full["PLUGINS"] if name != "fastbuild"]
        }
        assert changed["workers-1", settings_file] == {"FASTBUILD_WORKERS": 1}
        assert changed["no-render-cache", settings_file] == {"FASTBUILD_RENDER_CACHE": False}


def test_plain_pelican_with_the_site_s_settings_has_its_urls_and_feeds_without_theme_or_plugins(corpus):
    from pelican.settings import DEFAULT_CONFIG, read_settings

    from bench.run import QUICKSTART_SETTINGS, SITE_SETTINGS

    site = read_settings(str(ROOT / "publishconf.py"))
    plain = read_settings(str(SITE_SETTINGS), override={"PATH": str(corpus)})
    assert plain["PLUGINS"] == [] and plain["THEME"] == DEFAULT_CONFIG["THEME"]
    for name in ("ARTICLE_URL", "FEED_ALL_ATOM", "CATEGORY_FEED_RSS", "DEFAULT_PAGINATION", "MARKDOWN"):
        assert plain[name] == site[name], name
    assert plain["SITEURL"] == site["SITEURL"] and not plain["RELATIVE_URLS"]
    quickstart = read_settings(str(QUICKSTART_SETTINGS), override={"PATH": str(corpus)})
    assert quickstart["FEED_ALL_ATOM"] is None and plain["FEED_ALL_ATOM"]


def test_the_site_settings_reference_builds_the_corpus_with_feeds(corpus, tmp_path):
    import subprocess

    from bench.run import SITE_SETTINGS

    output = tmp_path / "output"
    command = [
        str(ROOT / ".venv" / "bin" / "pelican"),
        str(corpus),
        "-o",
        str(output),
        "-s",
        str(SITE_SETTINGS),
    ]
    subprocess.run(command, cwd=tmp_path, check=True, capture_output=True)
    articles = list((corpus / "articles").glob("*.md"))
    assert len(list(output.glob("*/index.html"))) >= len(articles)
    assert (output / "feeds" / "all.atom.xml").is_file()
    assert not (output / "pagefind").exists()


def report_figures(plain: float, networker: float, parts: dict) -> dict:
    figures = bench_figures(plain, networker, 5.0, 2.0)
    figures["plain"]["median_peak_main_pss_mib"] = 80.0
    figures["networker"] |= {"median_peak_main_pss_mib": 96.0, "median_peak_pss_mib": 300.0}
    figures["rebuild"] |= {"median_rebuild_seconds": 2.0}
    figures["site_settings"] = {"median_seconds": plain * 1.2, "median_ratio": 1.2}
    figures["parts"] = parts
    return figures


MACHINE = {
    "date": "2026-12-02T02:00:00+00:00",
    "runs": 3,
    "cpu_count": 2,
    "cpu_model": "AMD EPYC",
    "python": "3.11.7",
    "pelican": "4.12.0",
    "git_commit": "0123456789abcdef",
    "git_dirty": False,
    "load_average_at_start": [0.1],
    "load_average_at_end": [0.2],
}


def test_the_report_is_markdown_tables_with_each_part_s_saving():
    from bench.run import evaluate_targets, markdown_report

    parts = {
        "no-fastbuild": {
            "label": "fastbuild off",
            "make_build": {"median_seconds": 11.0, "median_ratio": 0.55, "median_saving_seconds": 2.0},
            "rebuild": {"median_rebuild_seconds": 5.0, "ratio_to_plain_cold": 0.25, "saving_seconds": 3.0},
        },
        "workers-1": {
            "label": "parallel rendering off",
            "make_build": {"median_seconds": 8.5, "median_ratio": 0.43, "median_saving_seconds": -0.5},
        },
        "no-render-cache": {
            "label": "render cache off",
            "rebuild": {"median_rebuild_seconds": 4.0, "ratio_to_plain_cold": 0.2, "saving_seconds": 2.0},
        },
    }
    results = {1000: report_figures(20.0, 9.0, parts), 5000: report_figures(100.0, 60.0, {})}
    report = markdown_report(results, evaluate_targets(results), MACHINE)
    tables = [block.splitlines() for block in report.split("\n\n") if block.startswith("|")]
    assert len(tables) == 5  # per N: times and memory; then the targets
    for table in tables:
        assert {line.count("|") for line in table} == {table[0].count("|")}, table
        assert set(table[1].replace("|", "").split()) == {"---"}
    rows = [line.split(" | ") for line in tables[0][2:]]
    assert rows[2][:3] == [
        "| `make build` (one reading: check, build, newsletter, search index)",
        "9.0 s",
        "**0.45**",
    ]
    parts_rows = [row for row in rows if row[0].startswith("| …")]
    assert parts_rows == [
        ["| … fastbuild off", "11.0 s", "0.55", "+2.0 s |"],
        ["| … parallel rendering off", "8.5 s", "0.43", "−0.5 s (costs more than it saves) |"],
        ["| … fastbuild off", "5.0 s", "0.25", "+3.0 s |"],
        ["| … render cache off", "4.0 s", "0.20", "+2.0 s |"],
    ]
    assert rows.index(parts_rows[2]) == rows.index(parts_rows[1]) + 3  # after the check and the rebuild
    assert rows[rows.index(parts_rows[2]) - 1][0].startswith("| `invoke livereload` rebuild")
    assert any(line.startswith("| plain Pelican with Networker's settings") for line in tables[0])
    assert "…" not in "".join(tables[2])  # no part rows at N = 5000
    assert "| `make build`, the build process alone | 96 MiB (1.10 ×) |" in tables[1]
    assert len(tables[4]) == 2 + len(evaluate_targets(results))
    assert "`invoke bench --articles 1000,5000 --runs 3`" in report and "commit 0123456" in report


def test_the_extra_rows_run_at_the_smallest_n_unless_told_and_the_estimate_counts_them():
    from bench.run import VARIANTS, estimate_seconds, parse_args

    assert parse_args(["--articles", "1000,5000"]).extra_rows_at == {1000}
    assert parse_args(["--articles", "1000,5000", "--extra-rows-at", "all"]).extra_rows_at == {1000, 5000}
    assert parse_args(["--articles", "1000,5000", "--extra-rows-at", "none"]).extra_rows_at == set()
    with pytest.raises(SystemExit):
        parse_args(["--articles", "1000", "--extra-rows-at", "5000"])
    variants = list(VARIANTS)
    full = estimate_seconds([1000, 5000], 3, {1000}, variants, seed=0)
    assert estimate_seconds([1000, 5000], 3, set(), variants, seed=0) < full
    assert estimate_seconds([1000, 5000], 3, {1000, 5000}, variants, seed=0) > full
    assert estimate_seconds([1000, 5000], 5, {1000}, variants, seed=0) > full
    assert 15 * 60 < full < 60 * 60


def test_the_rebuild_row_of_a_variant_builds_with_its_scratch_site_s_settings(corpus, tmp_path, monkeypatch):
    import shutil

    from bench.build_one import parse_args, run
    from bench.run import VARIANTS, scratch_site

    monkeypatch.chdir(ROOT)
    no_fastbuild = next(variant for variant in VARIANTS if variant.key == "no-fastbuild")
    settings = {
        "full": ROOT / "pelicanconf.py",
        "no-fastbuild": scratch_site(corpus, tmp_path, "site-no-fastbuild", no_fastbuild.settings)
        / "pelicanconf.py",
    }
    for name, settings_file in settings.items():
        content, output, cache = (
            tmp_path / f"{name}-content",
            tmp_path / f"{name}-output",
            tmp_path / f"{name}-cache",
        )
        shutil.copytree(corpus, content)
        options = ["--content", str(content), "--output", str(output), "--cache", str(cache), "--runs", "1"]
        figures = run(parse_args(["dev-rebuilds", *options, "--settings", str(settings_file)]))
        assert figures["exit"] == 0 and len(figures["rebuild_seconds"]) == 1
        assert (output / "pagefind").is_dir()
        # fastbuild's render cache keeps its records beside Pelican's content cache.
        assert (cache / "fastbuild-render.pickle").is_file() == (name == "full"), name
