"""One reading of the content: `invoke check` is the reading half of the build, and the build
reads each file once, stops before writing on a problem, and writes otherwise.

Where the old separate check and the build disagreed, the build's reading wins: a UTF-8 BOM
is fine, an article dated later today is a future draft, and a symlink loop or a title too
long for a file name are problems the check names (not a build crash)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cmarkgfm
import markdown
import pytest
from pelican import readers, signals

from pelican_contentkit import gfm
from pelican_contentkit.build import build_site
from pelican_contentkit.check import check_content
from pelican_contentkit.problems import ledger
from tests.support.site import ROOT
from tests.test_authoring import CLEAN, first_with, invoke, make_content


def check(content: Path) -> list[str]:
    """The problems `invoke check` finds in ``content``, read in this process."""
    return [problem.message for problem in check_content(ROOT / "pelicanconf.py", {"PATH": str(content)})]


def production_overrides(site: Path) -> dict[str, str]:
    return {
        "PATH": str(site / "content"),
        "OUTPUT_PATH": str(site / "output"),
        "CACHE_PATH": str(site / "cache"),
        "NEWSLETTER_CAMPAIGNS_PATH": str(site / "campaigns"),
    }


def test_a_utf8_byte_order_mark_is_fine(tmp_path):
    content = make_content(tmp_path, {"articles/first.md": b"\xef\xbb\xbf" + first_with().encode("utf-8")})
    assert check(content) == []


def test_an_article_dated_later_today_is_a_future_draft_not_a_problem(tmp_path):
    # Its month has no QuoteAction: a published article would need one, a draft does not.
    later = datetime.now(UTC) + timedelta(minutes=5)
    content = make_content(
        tmp_path,
        {
            "articles/later.md": first_with()
            .replace("2025-03-04 09:00", f"{later:%Y-%m-%d %H:%M}")
            .replace("First Steps", "Later Today")
        },
    )
    assert check(content) == []
    assert (
        build_site(
            ROOT / "pelicanconf.py",
            {**production_overrides(tmp_path), "DRAFT_SAVE_AS": "drafts/{slug}/index.html"},
        )
        == 0
    )
    assert (tmp_path / "output/drafts/later-today/index.html").is_file()
    assert not (tmp_path / "output/later-today").exists()


def test_a_symlink_loop_is_a_problem_the_check_names(tmp_path):
    content = make_content(tmp_path, {})
    os.symlink("..", content / "articles/loop")
    problems = check(content)
    assert len(problems) == 1, problems
    assert problems[0].endswith(
        "articles/loop: is a link to .., a folder that contains it: "
        "Pelican would read its files again at every level."
        " Fix: remove the link (or point it at a folder outside the content folder)"
    )


def test_a_title_too_long_for_a_file_name_is_a_problem_the_check_names(tmp_path):
    long_title = ("Long " * 2000).strip()
    content = make_content(
        tmp_path, {"articles/long.md": first_with().replace("Title: First Steps", f"Title: {long_title}")}
    )
    problems = check(content)
    assert len(problems) == 1, problems
    assert "articles/long.md:1 [Title]: gives an address with a name of 9999 characters" in problems[0]


@pytest.mark.parametrize(
    ("relative", "line"),
    [("newsletters/2025-03.md", 2), ("connector-prompts.yaml", 3), ("quoteactions/2025-03.md", 1)],
)
def test_a_data_file_that_is_not_utf8_is_named_with_its_line(tmp_path, relative, line):
    text = CLEAN[relative].split("\n")
    text.insert(line - 1, "Caf\xe9")
    content = make_content(tmp_path, {relative: "\n".join(text).encode("latin-1")})
    result = invoke("check", "--content", str(content))
    assert result.returncode == 1
    assert (
        "Traceback" not in result.stdout + result.stderr
        and "UnicodeDecodeError" not in result.stdout + result.stderr
    )
    assert (
        f"{relative}:{line}: is not UTF-8 text. Fix: save the file as UTF-8 in your editor" in result.stdout
    )


def test_files_with_crlf_line_ends_read_as_the_same_files_with_lf(tmp_path):
    crlf = {
        relative: text.replace("\n", "\r\n")
        for relative, text in CLEAN.items()
        if not relative.startswith("images/")
    }
    crlf["articles/first.md"] = first_with("Connector_prompt: pass-on-a-lnk\n").replace("\n", "\r\n")
    content = make_content(tmp_path, crlf)
    (problem,) = check(content)
    assert "articles/first.md:7 [Connector_prompt]: 'pass-on-a-lnk' is not the id of a prompt" in problem

    crlf["articles/first.md"] = first_with().replace("\n", "\r\n")
    make_content(tmp_path, crlf)
    assert build_site(ROOT / "publishconf.py", production_overrides(tmp_path)) == 0
    page = (tmp_path / "output/first-steps/index.html").read_text(encoding="utf-8")
    assert "Well begun is half done." in page and "Send this article to one person it would help." in page
    assert "\r" not in (tmp_path / "campaigns/2025-03/email.txt").read_text(encoding="utf-8")


def test_the_production_build_reads_and_converts_each_content_file_once(tmp_path, monkeypatch):
    extra = {f"articles/extra-{n}.md": first_with().replace("First Steps", f"Extra {n}") for n in range(3)}
    make_content(tmp_path, extra)
    reads: list[str] = []
    conversions: list[str] = []
    python_markdown: list[str] = []
    leaking: list[str] = []
    real_read_file, real_convert = readers.Readers.read_file, gfm._converter()
    real_python_markdown = markdown.Markdown.convert

    def counting_read_file(self, base_path, path, *args, **kwargs):
        reads.append(os.path.normpath(path))
        return real_read_file(self, base_path, path, *args, **kwargs)

    def counting_convert(text, flags):
        conversions.append(text)
        return real_convert(text, flags)

    def leaking_convert(text, *args, **kwargs):
        leaking.append(text)
        return real_leaking_convert(text, *args, **kwargs)

    def counting_python_markdown(self, source):
        python_markdown.append(source)
        return real_python_markdown(self, source)

    monkeypatch.setattr(readers.Readers, "read_file", counting_read_file)
    real_leaking_convert = cmarkgfm.markdown_to_html_with_extensions
    monkeypatch.setattr(gfm, "_converter", lambda: counting_convert)
    monkeypatch.setattr(cmarkgfm, "markdown_to_html_with_extensions", leaking_convert)
    monkeypatch.setattr(markdown.Markdown, "convert", counting_python_markdown)
    # What `make build` runs: `invoke production` -> pelican_build(publishconf.py) -> build_site.
    assert build_site(ROOT / "publishconf.py", production_overrides(tmp_path)) == 0

    articles_and_pages = sorted(
        os.path.normpath(p) for p in [*CLEAN, *extra] if p.startswith(("articles/", "pages/"))
    )
    assert sorted(path for path in reads if path.endswith(".md")) == articles_and_pages
    # The extra articles' bodies are the first one's (their title alone differs).
    for body, count in (("first steps", 4), ("second thoughts", 1)):
        bodies = [
            source for source in conversions if source.startswith(f"A paragraph of advice about {body},")
        ]
        assert len(bodies) == count, (body, len(bodies))
    for title in ("First Steps", "Second Thoughts", "Extra 0", "Extra 1", "Extra 2"):
        assert conversions.count(f"{title} in one sentence.") == 1, title
    # The QuoteAction, the newsletter note and each prompt are converted once too, by the same engine.
    assert sum("Your action is to start one conversation" in source for source in conversions) == 1
    assert sum("A short note." in source for source in conversions) == 1
    assert sum("Send this article to one person it would help." in source for source in conversions) == 1
    # No second Markdown engine runs, nor cmarkgfm's own conversion, which leaks.
    assert python_markdown == []
    assert leaking == []


def test_a_build_keeps_no_article_text_while_it_reads_and_the_check_keeps_them(tmp_path):
    """The texts of all articles at once were most of a build's peak memory: the build's
    check reads each again, one at a time; ``invoke check`` (reading only) keeps them."""
    content = make_content(tmp_path, {})
    kept: list[list[str]] = []

    def note(generator) -> None:
        found = ledger(generator.settings)
        assert found is not None
        kept.append([path for path in found.texts if path.endswith(".md") and "/articles/" in path])

    signals.article_generator_finalized.connect(note)
    try:
        assert build_site(ROOT / "publishconf.py", production_overrides(tmp_path)) == 0
        assert check(content) == []
    finally:
        signals.article_generator_finalized.disconnect(note)
    in_build, in_check = kept
    assert in_build == []
    articles = sorted(
        str((content / p).resolve()) for p in CLEAN if p.startswith("articles/") and p.endswith(".md")
    )
    assert sorted(in_check) == articles


def test_a_build_with_a_problem_stops_before_writing_with_the_checks_list(tmp_path):
    content = make_content(tmp_path, {"articles/first.md": first_with().replace("Category:", "Catgory:")})
    checked = invoke("check", "--content", str(content))
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    script = (
        "import sys, pelican_contentkit.build as b; "
        f"sys.exit(b.build_site('publishconf.py', {production_overrides(tmp_path)!r}))"
    )
    built = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env
    )
    assert (checked.returncode, built.returncode) == (1, 1)
    assert "Traceback" not in built.stderr
    assert checked.stdout.strip() in built.stderr
    assert "[Catgory]: unknown field. Fix: did you mean 'Category:'?" in checked.stdout
    assert not (tmp_path / "output").exists() and not (tmp_path / "output.partial").exists()
    assert not (tmp_path / "campaigns").exists()


def test_plain_pelican_stops_with_the_problems_and_a_nonzero_exit(tmp_path):
    content = make_content(tmp_path, {"articles/first.md": first_with().replace("Category:", "Catgory:")})
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("pelican")),
            str(content),
            "-s",
            str(ROOT / "publishconf.py"),
            "-o",
            str(tmp_path / "out"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "400"},
    )
    assert result.returncode == 1
    output = " ".join((result.stdout + result.stderr).split())
    assert "ContentErrors: 1 problem in the content:" in output
    assert "[Catgory]: unknown field. Fix: did you mean 'Category:'?" in output
    assert "Traceback" not in output and "problems.py" not in output  # the author's mistake, not a crash
    assert not list((tmp_path / "out").rglob("*.html"))


def test_with_content_problems_warn_the_build_logs_them_and_writes(tmp_path, caplog):
    make_content(tmp_path, {"articles/first.md": first_with().replace("Category:", "Catgory:")})
    overrides = {**production_overrides(tmp_path), "CONTENT_PROBLEMS": "warn"}
    assert build_site(ROOT / "publishconf.py", overrides) == 0
    assert (tmp_path / "output/first-steps/index.html").is_file()
    assert any(
        "[content]" in r.getMessage() and "[Catgory]: unknown field" in r.getMessage() for r in caplog.records
    )
    # The check is not a build: it reports the problem either way.
    assert (
        len(
            check_content(
                ROOT / "pelicanconf.py", {"PATH": str(tmp_path / "content"), "CONTENT_PROBLEMS": "warn"}
            )
        )
        == 1
    )


def test_what_pelican_warns_about_while_reading_is_a_problem_with_the_file_and_line(tmp_path):
    content = make_content(tmp_path, {"articles/first.md": first_with("Date: 2025-03-05 10:00\n")})
    (problem,) = check(content)
    assert "articles/first.md:7 [Date]: Pelican: Duplicate definition of `date` for " in problem
    assert problem.endswith(
        "Using first one. Fix: correct the file as the message says (Pelican could not use it as it is)"
    )


def test_a_clean_build_swaps_its_output_in_and_writes_over_the_one_before_last(tmp_path):
    import threading

    make_content(tmp_path, {})
    overrides = production_overrides(tmp_path)
    output, old = tmp_path / "output", tmp_path / "output.old"

    def build_marked(marker: str) -> None:
        assert build_site(ROOT / "publishconf.py", overrides) == 0
        (output / marker).write_text(marker, encoding="utf-8")
        for thread in threading.enumerate():
            if thread.name == "remove-old-output":
                thread.join()

    build_marked("first")
    assert (output / "index.html").is_file() and not old.exists()
    build_marked("second")
    assert (old / "first").is_file() and not (output / "first").exists()
    build_marked("third")
    assert (old / "second").is_file() and not (old / "first").exists()
    assert not (tmp_path / "output.old.deleting").exists() and not (tmp_path / "output.partial").exists()
