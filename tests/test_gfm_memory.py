"""The kit's cmark-gfm conversion: the same HTML as cmarkgfm's own function, byte for byte,
without its leak (the document tree and the rendered string, which cmarkgfm never frees)."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from bench.corpus import write_corpus
from pelican_contentkit import gfm

ROOT = Path(__file__).resolve().parent.parent
UNSAFE, SMART, FOOTNOTES = Options.CMARK_OPT_UNSAFE, Options.CMARK_OPT_SMART, Options.CMARK_OPT_FOOTNOTES
# The flags to_html passes: every combination of its options.
FLAG_SETS = [UNSAFE, UNSAFE | SMART, UNSAFE | FOOTNOTES, UNSAFE | SMART | FOOTNOTES]
MIB = 1024 * 1024

ODD_TEXTS = {
    "empty": "",
    "one newline": "\n",
    "only spaces": "   \t  ",
    "NUL bytes": "a\0b\n\n# \0 heading\n\n`\0`\n\0",
    "BOM and CRLF": "\ufeff# Title\r\n\r\nText\r\n- item\r\n",
    "astral and combining": "# 𝔘𝔫𝔦 e\u0301\n\n\u2028 emoji 🎉 [^𝔫]\n\n[^𝔫]: 𝔫ote\n",
    "deep block quotes": ">" * 5000 + " deep\n",
    "deep lists": "".join("  " * depth + "- item\n" for depth in range(800)),
    "deep brackets": "[" * 20000 + "x" + "]" * 20000,
    "deep emphasis": "*" * 10000 + "a" + "*" * 10000,
    "deep HTML": "<div>" * 5000 + "\n\ntext\n\n" + "</div>" * 5000,
    "wide table": "|" + "h|" * 500 + "\n|" + "-|" * 500 + "\n" + "|" + "c|" * 501 + "\n",
    "footnotes in footnotes": "A[^1] B[^2]\n\n[^1]: one[^2]\n[^2]: two[^1]\n[^3]: unused\n",
    "references": "[a][x] [b][] ![c][x]\n\n[x]: /url 'title'\n[b]: <spaced url>\n",
}
# Some MiB of text (each conversion of it takes a second on a busy machine: one flag set).
HUGE = "\n\n".join(f"## Part {n}\n\n" + "Words and *more* words, `code`. " * 400 for n in range(200))


def library_html(text: str, flags: int) -> str:
    return cmarkgfm.markdown_to_html_with_extensions(text, options=flags, extensions=list(gfm.EXTENSIONS))


def test_the_pinned_cmarkgfm_converts_without_its_leaking_function():
    assert gfm._converter() is not gfm._library_html


@pytest.mark.parametrize("flags", FLAG_SETS)
@pytest.mark.parametrize("name", sorted(ODD_TEXTS))
def test_odd_inputs_render_exactly_as_cmarkgfms_function(name, flags):
    text = ODD_TEXTS[name]
    assert gfm._converter()(text, flags) == library_html(text, flags)


def test_a_huge_text_renders_exactly_as_cmarkgfms_function():
    assert len(HUGE.encode("utf-8")) > 2 * MIB
    assert gfm._converter()(HUGE, UNSAFE | SMART | FOOTNOTES) == library_html(
        HUGE, UNSAFE | SMART | FOOTNOTES
    )


def test_text_that_is_not_unicode_is_refused_as_cmarkgfm_refuses_it():
    for text in ("\ud800", "before \udcff after"):
        with pytest.raises(UnicodeEncodeError):
            library_html(text, UNSAFE)
        with pytest.raises(UnicodeEncodeError):
            gfm._converter()(text, UNSAFE)
    assert gfm._converter()("still *fine*", UNSAFE) == "<p>still <em>fine</em></p>\n"


def test_the_sample_content_and_the_benchmark_corpus_render_exactly_as_cmarkgfms_function(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", 40)
    files = sorted((ROOT / "content").rglob("*.md")) + sorted(corpus.rglob("*.md"))
    assert len(files) > 50
    for path in files:
        text = path.read_text(encoding="utf-8")
        for flags in FLAG_SETS:
            assert gfm._converter()(text, flags) == library_html(text, flags), path


# Converts one article many times in a fresh process and prints how much its resident memory
# grew (pages of /proc/self/statm, in bytes), after a first round that warms the allocator.
GROWTH = textwrap.dedent(
    """
    import os, sys
    from cmarkgfm.cmark import Options
    from pelican_contentkit import gfm
    convert = gfm._library_html if sys.argv[1] == "library" else gfm._converter()
    text = open(sys.argv[2], encoding="utf-8").read()
    flags = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_SMART | Options.CMARK_OPT_FOOTNOTES

    def resident():
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    for _ in range(20):
        convert(text, flags)
    before = resident()
    for _ in range(int(sys.argv[3])):
        convert(text, flags)
    print(resident() - before)
    """
)


# One long article (about 70 KiB) with every kind of block.
ARTICLE = "\n\n".join(
    f"## Part {n}\n\n" + "Words and *more* words, `code`. " * 40 + f"[^{n}]\n\n| a | b |\n| - | - |\n"
    f"| 1 | ~~2~~ |\n\n- [x] done\n- [ ] www.example.com\n\n> quoted\n\n[^{n}]: A note."
    for n in range(50)
)


def resident_growth(tmp_path: Path, converter: str, conversions: int) -> int:
    article = tmp_path / "article.md"
    article.write_text(ARTICLE, encoding="utf-8")
    script = tmp_path / "growth.py"
    script.write_text(GROWTH)
    done = subprocess.run(
        [sys.executable, str(script), converter, str(article), str(conversions)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    return int(done.stdout.strip())


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="measures memory through /proc")
def test_converting_does_not_grow_the_process(tmp_path):
    # cmarkgfm's own function keeps about 2.5 MiB of ARTICLE per conversion (some 150 MiB
    # over the conversions below); the kit's conversion frees everything, so the process
    # stays within a few MiB of where it was.
    leaked = resident_growth(tmp_path, "library", 60)
    grown = resident_growth(tmp_path, "kit", 60)
    assert leaked > 60 * MIB  # what this test would see of a leak
    assert grown < 16 * MIB


@pytest.fixture
def fresh_converter():
    gfm._converter.cache_clear()
    yield
    gfm._converter.cache_clear()


def test_another_cmarkgfm_falls_back_to_its_function_with_one_warning(monkeypatch, caplog, fresh_converter):
    # A compiled module this conversion cannot reach (its shared object is not where it says).
    elsewhere = types.SimpleNamespace(ffi=gfm._cmark.ffi, lib=gfm._cmark.lib, __file__="/nowhere/_cmark.so")
    monkeypatch.setattr(gfm, "_cmark", elsewhere)
    footnote, table = "# One\n\nText.[^1]\n\n[^1]: Note.\n", "| a |\n| - |\n| b |\n"
    with caplog.at_level(logging.WARNING, logger="pelican_contentkit.gfm"):
        first, second = gfm.to_html(footnote), gfm.to_html(table)
    assert gfm._converter() is gfm._library_html
    assert first == gfm.with_heading_ids(library_html(footnote, UNSAFE | SMART | FOOTNOTES))
    assert second == library_html(table, UNSAFE | SMART | FOOTNOTES)
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "never frees" in warnings[0].getMessage() and "/nowhere/_cmark.so" in warnings[0].getMessage()
