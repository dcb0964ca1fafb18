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
