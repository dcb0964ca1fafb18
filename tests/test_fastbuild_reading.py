"""fastbuild's Markdown reader: real builds give what Pelican's own reader gives, byte for byte."""

from __future__ import annotations

import logging
import os
import re
import sys
from pathlib import Path

import pytest
from pelican import Pelican, signals

from pelican.plugins.fastbuild import reading
from pelican_contentkit.build import reset_log_deduplication
from tests.support.processes import no_children_left
from tests.support.site import ROOT, site_settings, write_files
from tests.support.trees import assert_same_tree

PLUGINS_WITHOUT_FASTBUILD = ["quoteaction", "monthly_newsletter", "reader_features", "sitemap"]
CONVERTED_LOG = re.compile(r"converted (\d+) Markdown files \((\d+) in worker processes\)")

STATEFUL_SITE = {
    "quoteactions/2026-09.md": """
        Month: 2026-09
        Quote: Give what you can, when you can.
        Quote_author: Sam Example

        Your action is to offer one small favour this week.
        """,
    "articles/toc.md": """
        Title: Headings twice
        Date: 2026-09-03 08:00
        Category: Giving First
        Tags: toc, headings
        Summary: A *summary* with [a link](https://example.com) and HTML[^s].
            [^s]: A footnote inside the summary.

        [TOC]

        ## Intro

        ## Intro

        ## Intro[^1]

        Some HTML is used here.

        *[HTML]: Hyper Text Markup Language

        [^1]: The heading's footnote.
        """,
    "articles/footnotes.md": """
        Title: Footnotes and duplicates
        Date: 2026-09-04 08:00
        Date: 2026-09-05 08:00
        Category: Giving First
        Category: Introductions
        Tags: footnotes
        Reviewer: Ada
        Reviewer: Ben
        Summary: First line of the summary,
            continued with **bold** and HTML.

        Text[^a] with a second[^b] note and an HTML abbreviation from another file? No.

        ## Intro

        [^a]: First note.
        [^b]: Second note.
        """,
    "articles/abbr.md": """
        Title: Abbreviations
        Date: 2026-09-06 08:00
        Category: Relationships
        Tags: abbr; lists, commas
        Summary: Uses CRM[^x].
            [^x]: Customer relationship management.

        A CRM is not a network. Neither is HTML.

        *[CRM]: Customer Relationship Management

        ## Intro
        """,
    "articles/plain.md": """
        Title: Plain
        Date: 2026-09-07 08:00
        Category: Relationships

        Nothing special[^z], except CRM and HTML, which this file does not define.

        [^z]: Still a footnote.
        """,
    "pages/about.md": """
        Title: About
        Summary: The *about* page.

        ## Intro

        About[^p].

        [^p]: Page footnote.
        """,
}


BROKEN_FILE = b"Title: Broken\nDate: 2026-09-08\n\n\xff\xfe not UTF-8\n"


@pytest.fixture(autouse=True)
def workers_for_small_sites(monkeypatch):
    """Tiny test sites are worth workers too (the real threshold skips them)."""
    monkeypatch.setattr(reading, "MIN_FILES_FOR_WORKERS", 1)


def run_build(base: Path, content: Path, fastbuild_workers: int | None, **overrides) -> Path:
    """A real Pelican build of ``content`` into base/output; no fastbuild when workers is None.
    The sites here are odd on purpose (duplicate fields, a file that is not UTF-8): their
    content problems are logged, not stopping the build, so both readers' output compares."""
    reset_log_deduplication()
    overrides.setdefault("CONTENT_PROBLEMS", "warn")
    if fastbuild_workers is None:
        overrides["PLUGINS"] = PLUGINS_WITHOUT_FASTBUILD
    else:
        overrides["FASTBUILD_WORKERS"] = fastbuild_workers
    settings = site_settings(base, PATH=str(content), **overrides)
    Pelican(settings).run()
    return Path(settings["OUTPUT_PATH"])


def conversions(caplog) -> list[tuple[int, int]]:
    """(files converted, of which in workers) per build, from the reader's log line."""
    return [
        (int(match[1]), int(match[2]))
        for record in caplog.records
        if (match := CONVERTED_LOG.search(record.getMessage()))
    ]


@pytest.fixture
def read_content():
    """What every article and page was read as: its content and metadata, as text."""
    seen: dict[str, tuple[str, dict[str, str]]] = {}

    def record(generators):
        for generator in generators:
            for item in [*getattr(generator, "articles", []), *getattr(generator, "pages", [])]:
                seen[item.relative_source_path] = (
                    item._content,
                    {k: repr(v) for k, v in item.metadata.items()},
                )

    signals.all_generators_finalized.connect(record)
    yield seen
    signals.all_generators_finalized.disconnect(record)


def test_sample_site_is_byte_identical_with_workers(tmp_path, caplog):
    caplog.set_level(logging.DEBUG, logger=reading.__name__)
    content = ROOT / "content"
    plain = run_build(tmp_path / "plain", content, None)
    fast = run_build(tmp_path / "fast", content, 2)
    assert_same_tree(plain, fast)
    [(converted, in_workers)] = conversions(caplog)
    assert converted == len(list((content / "articles").rglob("*.md"))) + len(
        list((content / "pages").rglob("*.md"))
    )
    assert in_workers > 0


@pytest.mark.parametrize("workers", [2, 1])
@pytest.mark.parametrize("unique_footnote_ids", [False, True])
def test_stateful_markdown_features_read_as_pelican_reads_them(
    tmp_path, caplog, read_content, workers, unique_footnote_ids
):
    caplog.set_level(logging.DEBUG, logger=reading.__name__)
    write_files(tmp_path / "content", STATEFUL_SITE)
    markdown = {
        "extension_configs": {
            "markdown.extensions.extra": {"footnotes": {"UNIQUE_IDS": unique_footnote_ids}},
            "markdown.extensions.smarty": {},
            "markdown.extensions.abbr": {},
            "markdown.extensions.toc": {"permalink": True},
        },
        "output_format": "html5",
    }
    plain = run_build(tmp_path / "plain", tmp_path / "content", None, MARKDOWN=markdown)
    plain_read = dict(read_content)
    plain_warnings = sorted(r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)
    read_content.clear()
    caplog.clear()
    fast = run_build(tmp_path / "fast", tmp_path / "content", workers, MARKDOWN=markdown)

    assert read_content == plain_read
    assert_same_tree(plain, fast)
    assert sorted(r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING) == plain_warnings
    assert any("Duplicate definition of `date`" in message for message in plain_warnings)
    assert "Reviewer" not in plain_read["articles/footnotes.md"][1]
    assert 'class="footnote-ref"' in plain_read["articles/abbr.md"][1]["summary"]
    assert plain_read["articles/footnotes.md"][1]["reviewer"] == repr(["Ada", "Ben"])
    [(converted, in_workers)] = conversions(caplog)
    assert converted == len(STATEFUL_SITE) - 1  # not the QuoteAction
    assert (in_workers > 0) == (workers > 1)


def logged_errors(caplog) -> list[tuple[str, str, str]]:
    """Logger, message and exception of every error (DEBUG=True: Pelican logs the exception)."""
    return [
        (record.name, record.getMessage(), repr(record.exc_info[1]) if record.exc_info else "")
        for record in caplog.records
        if record.levelno >= logging.ERROR
    ]


def take_after_workers_are_done(queue, path):
    """The build process waits for the workers to drain the queue: they convert every file."""
    for thread in queue._threads:
        thread.join()
    return ORIGINAL_TAKE(queue, path)


ORIGINAL_TAKE = reading.ConversionQueue.take


@pytest.mark.parametrize("worker", ["real", "crashing"])
def test_a_file_that_cannot_be_read_is_skipped_as_pelican_skips_it(tmp_path, caplog, monkeypatch, worker):
    if worker == "crashing":
        monkeypatch.setattr(
            reading, "worker_command", lambda: [sys.executable, "-c", "import sys; sys.exit(3)"]
        )
    else:
        monkeypatch.setattr(reading.ConversionQueue, "take", take_after_workers_are_done)
    write_files(tmp_path / "content", STATEFUL_SITE)
    (tmp_path / "content/articles/broken.md").write_bytes(BROKEN_FILE)

    plain = run_build(tmp_path / "plain", tmp_path / "content", None, DEBUG=True)
    plain_errors = logged_errors(caplog)
    caplog.clear()
    fast = run_build(tmp_path / "fast", tmp_path / "content", 2, DEBUG=True)

    assert [(name, message) for name, message, _ in plain_errors] == [
        ("pelican.generators", "Could not process articles/broken.md")
    ]
    assert "UnicodeDecodeError" in plain_errors[0][2]
    assert logged_errors(caplog) == plain_errors
    assert_same_tree(plain, fast)
    assert no_children_left()


class ErrorsAreFatal(logging.Filter):
    """What Pelican's fatal logger does in `invoke build`: the first error ends the build."""

    def filter(self, record):
        if record.levelno >= logging.ERROR:
            raise RuntimeError("Warning or error encountered")
        return True


def test_a_build_that_raises_while_reading_leaves_no_worker_processes(tmp_path):
    files = dict(STATEFUL_SITE)
    for number in range(40):
        files[f"articles/more-{number}.md"] = (
            f"Title: More {number}\nDate: 2026-09-09\n\nText {number}[^1].\n\n[^1]: Note.\n"
        )
    write_files(tmp_path / "content", files)
    (tmp_path / "content/articles/broken.md").write_bytes(BROKEN_FILE)
    fatal = ErrorsAreFatal()
    logging.getLogger("pelican.generators").addFilter(fatal)
    try:
        with pytest.raises(RuntimeError, match="Warning or error encountered"):
            run_build(tmp_path / "fast", tmp_path / "content", 2)
    finally:
        logging.getLogger("pelican.generators").removeFilter(fatal)
    assert no_children_left()


@pytest.mark.parametrize("layer", ["reader", "generator"])
def test_a_cached_rebuild_converts_only_the_changed_file(tmp_path, caplog, layer):
    caplog.set_level(logging.DEBUG, logger=reading.__name__)
    write_files(tmp_path / "content", STATEFUL_SITE)
    cache = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CONTENT_CACHING_LAYER": layer}
    run_build(tmp_path / "cached", tmp_path / "content", 2, **cache)

    changed = tmp_path / "content/articles/plain.md"
    changed.write_text(
        changed.read_text(encoding="utf-8").replace("Nothing special", "Something new"), encoding="utf-8"
    )
    stat = changed.stat()
    os.utime(changed, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    caplog.clear()
    rebuilt = run_build(tmp_path / "cached", tmp_path / "content", 2, **cache)
    assert [converted for converted, _ in conversions(caplog)] == [1]

    cold = run_build(tmp_path / "cold", tmp_path / "content", None)
    assert_same_tree(cold, rebuilt)
    assert b"Something new" in (rebuilt / "plain/index.html").read_bytes()
