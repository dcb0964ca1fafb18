"""The check and the build agree: on the same content, `invoke check` and `make build` both
pass, or both fail with the same file-named messages, and a failing build writes nothing.

Each case is an input seen to break the build after a clean check, or to break the check
itself: outputs that land on one path (a Save_as or Slug over another page, a feed, the
search index, the theme's files), slugs a link cannot carry, a name too long for a file
system, an empty slug, a symlink loop, bytes that are not UTF-8; and inputs both must pass
(a byte order mark, an article dated later today)."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pelican_contentkit.build import build_site
from pelican_contentkit.check import check_content
from tests.support.site import ROOT
from tests.test_authoring import CLEAN, article, first_with, make_content
from tests.test_one_reading import production_overrides


def _later_today() -> str:
    # Made when the tests are collected, minutes before this one runs (later still among parallel
    # workers): 23:59 today, or 5 minutes on in the day's last hour.
    now = datetime.now(UTC)
    later = now.replace(hour=23, minute=59) if now.hour < 23 else now + timedelta(minutes=5)
    if later.date() != now.date():  # just before midnight: an hour ago is "today" too
        return ""
    return first_with().replace("2025-03-04 09:00", f"{later:%Y-%m-%d %H:%M}").replace("First Steps", "Later")


def _latin1(relative: str, line: int) -> bytes:
    text = CLEAN[relative].split("\n")
    text.insert(line - 1, "Caf\xe9")
    return "\n".join(text).encode("latin-1")


def _symlink_loop(content: Path) -> None:
    os.symlink("..", content / "articles/loop")


FIRST = "content/articles/first.md"
# (id, changes to the clean content, something done to the folder, what the problem says; None: clean)
CASES: list[tuple[str, dict[str, str | bytes], Callable[[Path], None] | None, str | None]] = [
    (
        "save-as-home-page",
        {"articles/first.md": first_with("Save_as: index.html\n")},
        None,
        f"{FIRST}:7 [Save_as]: writes index.html, which the index page (INDEX_SAVE_AS) writes too",
    ),
    (
        "save-as-feed",
        {"articles/first.md": first_with("Save_as: feeds/all.atom.xml\n")},
        None,
        f"{FIRST}:7 [Save_as]: writes feeds/all.atom.xml, which a feed (FEED_ALL_ATOM) writes too",
    ),
    (
        "save-as-feeds-folder",
        {"articles/first.md": first_with("Save_as: feeds\n")},
        None,
        f"{FIRST}:7 [Save_as]: writes feeds as a file, where the feed of category 'Connecting'",
    ),
    (
        "save-as-second-home-page",
        {
            "articles/first.md": first_with("Save_as: page/2/index.html\n"),
            **{
                f"articles/extra-{n}.md": article(f"Extra {n}", f"2025-03-1{n} 09:00", "first")
                for n in range(8)
            },
        },
        None,
        f"{FIRST}:7 [Save_as]: writes page/2/index.html, which page 2 of the index page (INDEX_SAVE_AS)",
    ),
    (
        "save-as-robots",
        {"articles/first.md": first_with("Save_as: robots.txt\n")},
        None,
        f"{FIRST}:7 [Save_as]: writes robots.txt, which the robots page (ROBOTS_SAVE_AS) writes too",
    ),
    (
        "save-as-newsletter-issue",
        {"articles/first.md": first_with("Save_as: newsletter/2025-03/index.html\n")},
        None,
        f"{FIRST}:7 [Save_as]: writes newsletter/2025-03/index.html, which the newsletter issue 2025-03",
    ),
    (
        "save-as-theme-css",
        {"articles/first.md": first_with("Save_as: theme/css/site.css\n")},
        None,
        f"{FIRST}:7 [Save_as]: writes theme/css/site.css, which the theme's static/css/site.css writes too",
    ),
    (
        "save-as-static-image",
        {"articles/first.md": first_with("Save_as: images/photo.png\n"), "images/photo.png": b"\x89PNG"},
        None,
        f"{FIRST}:7 [Save_as]: writes images/photo.png, which content/images/photo.png writes too",
    ),
    (
        "slug-pagefind",
        {"articles/first.md": first_with("Slug: pagefind\n")},
        None,
        f"{FIRST}:7 [Slug]: writes pagefind/index.html, inside pagefind/, which the search index",
    ),
    *[
        (
            f"slug-{slug}",
            {"articles/first.md": first_with(f"Slug: {slug}\n")},
            None,
            f"{FIRST}:7 [Slug]: writes {slug}/index.html, which {owner} writes too",
        )
        for slug, owner in [
            ("search", "the search page (SEARCH_SAVE_AS)"),
            ("newsletter", "the newsletter index (NEWSLETTER_INDEX_SAVE_AS)"),
            ("quoteactions", "the QuoteAction archive (QUOTEACTION_ARCHIVE_SAVE_AS)"),
            ("archives", "the archives page (ARCHIVES_SAVE_AS)"),
            ("2025", "the archive of 2025 (YEAR_ARCHIVE_SAVE_AS)"),
        ]
    ],
    (
        "slug-of-another-article",
        {
            "articles/second.md": CLEAN["articles/second.md"].replace(
                "Summary:", "Slug: first-steps\nSummary:"
            )
        },
        None,
        "content/articles/second.md:",
    ),
    *[
        (
            f"slug-with-{name}",
            {"articles/first.md": first_with(f"Slug: {slug}\n")},
            None,
            f"{FIRST}:7 [Slug]: gives the address {slug + '/index.html'!r}, with {shown}, which a link "
            f"cannot carry as written. Fix: write 'Slug: {fixed}'",
        )
        for name, slug, shown, fixed in [
            ("space", "two words", "a space", "two-words"),
            ("question-mark", "why?", "'?'", "why"),
            ("hash", "number#1", "'#'", "number1"),
            ("percent", "100%", "'%'", "100"),
        ]
    ],
    (
        "title-too-long",
        {"articles/first.md": first_with().replace("Title: First Steps", "Title: " + "Long " * 2000)},
        None,
        f"{FIRST}:1 [Title]: gives an address with a name of 9999 characters; file systems take at most 255",
    ),
    (
        "title-of-punctuation",
        {"articles/first.md": first_with().replace("Title: First Steps", "Title: ?!...")},
        None,
        f"{FIRST}:1 [Title]: gives an empty slug",
    ),
    ("symlink-loop", {}, _symlink_loop, "content/articles/loop: is a link to .., a folder that contains it"),
    (
        "latin-1-newsletter-note",
        {"newsletters/2025-03.md": _latin1("newsletters/2025-03.md", 2)},
        None,
        "content/newsletters/2025-03.md:2: is not UTF-8 text",
    ),
    (
        "latin-1-connector-prompts",
        {"connector-prompts.yaml": _latin1("connector-prompts.yaml", 3)},
        None,
        "content/connector-prompts.yaml:3: is not UTF-8 text",
    ),
    ("byte-order-mark", {"articles/first.md": b"\xef\xbb\xbf" + first_with().encode("utf-8")}, None, None),
    (
        "quoteaction-byte-order-mark",
        {"quoteactions/2025-03.md": b"\xef\xbb\xbf" + CLEAN["quoteactions/2025-03.md"].encode("utf-8")},
        None,
        None,
    ),
    ("dated-later-today", {"articles/later.md": _later_today()} if _later_today() else {}, None, None),
]


@pytest.mark.parametrize(
    ("changes", "prepare", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_the_check_and_the_build_agree(tmp_path, capsys, changes, prepare, expected):
    content = make_content(tmp_path, changes)
    if prepare:
        prepare(content)
    overrides = production_overrides(tmp_path)
    checked = [p.message for p in check_content(ROOT / "publishconf.py", overrides)]
    default_check = [p.message for p in check_content(ROOT / "pelicanconf.py", {"PATH": str(content)})]
    capsys.readouterr()
    code = build_site(ROOT / "publishconf.py", overrides)
    said = capsys.readouterr().err
    assert "Traceback" not in said
    if expected is None:
        assert (checked, default_check, code) == ([], [], 0), said
        assert (tmp_path / "output/index.html").is_file()
        return
    assert len(checked) == 1 and expected in checked[0], checked
    assert default_check == checked  # `invoke check` (development settings) says the same
    assert code == 1
    assert checked[0] in said  # the build stops with the check's own message
    assert not (tmp_path / "output").exists() and not (tmp_path / "output.partial").exists()
    assert not (tmp_path / "campaigns").exists()


def test_a_markdown_file_pelican_does_not_read_is_a_warning_naming_it(tmp_path, caplog):
    profile = "Name: Ada Tester\n\nAda writes tests.\n"
    content = make_content(
        tmp_path, {"notes/idea.md": "Title: An idea\n\nText.\n", "authors/ada-tester.md": profile}
    )
    assert check_content(ROOT / "pelicanconf.py", {"PATH": str(content)}) == []
    warned = [r.getMessage() for r in caplog.records if "Pelican does not read" in r.getMessage()]
    assert len(warned) == 1 and "content/notes/idea.md" in warned[0], warned
    # The plugins' data folders (QuoteActions, issues, author profiles) are read by the plugins.
    assert not any(folder in warned[0] for folder in ("quoteactions/", "newsletters/", "authors/"))


def test_an_unexpected_exception_ends_the_build_with_one_message_naming_the_file(tmp_path, capsys):
    import shutil

    make_content(tmp_path, {})
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    base = theme / "templates/base.html"
    base.write_text(base.read_text(encoding="utf-8") + "{{ (SITENAME | length) // 0 }}", encoding="utf-8")
    code = build_site(ROOT / "publishconf.py", {**production_overrides(tmp_path), "THEME": str(theme)})
    said = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in said
    assert said.count("Build failed: ") == 1, said
    assert "Build failed: template theme/templates/base.html:" in said and "ZeroDivisionError" in said
    assert not (tmp_path / "output").exists() and not (tmp_path / "output.partial").exists()


def test_plain_pelican_says_an_unexpected_exception_in_one_line_too(tmp_path):
    import shutil
    import subprocess
    import sys

    content = make_content(tmp_path, {})
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    base = theme / "templates/base.html"
    base.write_text(base.read_text(encoding="utf-8") + "{{ (SITENAME | length) // 0 }}", encoding="utf-8")
    command = [
        str(Path(sys.executable).with_name("pelican")),
        str(content),
        "-s",
        str(ROOT / "publishconf.py"),
        "-o",
        str(tmp_path / "out"),
        "-t",
        str(theme),
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "400"}
    )
    said = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 1
    assert "Traceback" not in said, said
    assert f"template {base}:" in said and "ZeroDivisionError: integer division or modulo by zero" in said
    assert "run with -D for the details" in said
