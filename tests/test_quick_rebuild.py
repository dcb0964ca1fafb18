"""The quick rebuild (fastbuild.quick): after an edit of bodies alone, a live-reload rebuild
writes only the pages and feeds that read them, and the output is byte for byte what a
plain cold build of the edited content writes. Every other edit is a whole rebuild, which
says why in its log; a problem the edit brings is reported as by any build.

Each case builds a copy of the sample content in place with build_site and the caches on
(as `invoke livereload` does), in this process, edits, builds again, and compares the whole
output with a cold build made without fastbuild.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from tests.support.site import ROOT
from tests.support.site import dev_build as live_reload_build
from tests.support.trees import assert_same_tree, strip_build_stamps
from tests.test_render_cache import run_build

ARTICLE = "articles/give-before-you-get.md"  # in no newsletter issue in full
FEATURED = "articles/a-network-map-in-one-hour.md"  # the featured article of an issue
QUICK_LOGGER = "pelican.plugins.fastbuild.quick"


def dev_build(site: Path, **overrides) -> int:
    """A live-reload build of the site's copy of the content and theme."""
    return live_reload_build(site, THEME=str(site / "theme"), **overrides)


@pytest.fixture
def site(tmp_path: Path, caplog) -> Path:
    """The sample content and theme, built once in place, as live reload starts."""
    caplog.set_level(logging.INFO, logger=QUICK_LOGGER)
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "theme", tmp_path / "theme")
    assert dev_build(tmp_path) == 0
    return tmp_path


def said(caplog) -> list[str]:
    """What the quick rebuilder logged since the last call."""
    lines = [record.getMessage() for record in caplog.records if record.name == QUICK_LOGGER]
    caplog.clear()
    return lines


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{text}\n", encoding="utf-8")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def assert_same_as_cold_build(site: Path) -> None:
    run_build(site, "cold", cached=False, plugins_off=("fastbuild",), READER_SEARCH_INDEX=False)
    strip_build_stamps(site / "output")
    assert_same_tree(site / "cold", site / "output")


def test_an_edited_body_writes_only_what_reads_it(site, caplog):
    said(caplog)
    page = site / "output" / "give-before-you-get" / "index.html"
    untouched = (site / "output" / "index.html").stat().st_mtime_ns
    append(site / "content" / ARTICLE, "A sentence added while writing, with <b>tags</b> & ampersands.")
    assert dev_build(site) == 0
    [line] = said(caplog)
    assert line.startswith("[fastbuild] quick rebuild: content/articles/give-before-you-get.md;"), line
    assert "with <b>tags</b> &amp; ampersands." in page.read_text(encoding="utf-8")
    assert (site / "output" / "index.html").stat().st_mtime_ns == untouched
    assert_same_as_cold_build(site)


def test_quick_rebuilds_in_a_row_end_where_a_cold_build_does(site, caplog):
    articles = sorted((site / "content" / "articles").glob("*.md"))
    featured = site / "content" / FEATURED
    edited = [path for path in articles if path != featured][:4]
    for number, path in enumerate([*edited, edited[0]]):
        append(path, f"Edit number {number}, in a row.")
        assert dev_build(site) == 0
    lines = said(caplog)
    # An edit that changes an article's reading time rebuilds the whole site.
    assert len(lines) == 5 and all("quick rebuild" in line or "(reading_minutes)" in line for line in lines)
    assert sum("quick rebuild" in line for line in lines) >= 3, lines
    assert_same_as_cold_build(site)
    # The render cache's records were kept up to date: a whole cached rebuild renders nothing.
    from pelican.plugins.fastbuild import quick

    quick.forget()
    caplog.set_level(logging.INFO, logger="pelican.plugins.fastbuild.writing")
    assert dev_build(site) == 0
    [counts] = [r.getMessage() for r in caplog.records if "unchanged" in r.getMessage()]
    assert counts.startswith("[fastbuild] rendered 0 pages, kept "), counts


# Edits that must rebuild the whole site, and the reason each gives.
WHOLE = {
    "a field": (ARTICLE, "Title: ", "Title: Really ", "title changed"),
    "a featured body": (
        FEATURED,
        "\n\n",
        "\n\nA sentence for the email.\n\n",
        "read outside pages and feeds",
    ),
    "a QuoteAction": ("quoteactions/2026-11.md", "Quote: ", "Quote: Indeed, ", "not the source"),
    "a connector prompt": (
        "connector-prompts.yaml",
        "**Ask each of them**",
        "**Ask both of them**",
        "not the source",
    ),
}


@pytest.mark.parametrize("change", sorted(WHOLE))
def test_any_other_edit_rebuilds_the_whole_site(site, caplog, change):
    relative, old, new, reason = WHOLE[change]
    said(caplog)
    edit(site / "content" / relative, old, new)
    assert dev_build(site) == 0
    lines = said(caplog)
    assert any("whole rebuild" in line and reason in line for line in lines), lines
    assert_same_as_cold_build(site)


def test_a_template_edit_rebuilds_the_whole_site(site, caplog):
    said(caplog)
    edit(site / "theme" / "templates" / "base.html", "</body>", "<!-- edited --></body>")
    append(site / "content" / ARTICLE, "And a new sentence.")
    assert dev_build(site) == 0
    assert any("not the source of a published article" in line for line in said(caplog))
    assert "<!-- edited -->" in (site / "output" / "index.html").read_text(encoding="utf-8")
    assert_same_as_cold_build(site)


def test_a_changed_reading_time_rebuilds_the_whole_site(site, caplog):
    said(caplog)
    append(site / "content" / ARTICLE, " ".join(["word"] * 600))
    assert dev_build(site) == 0
    assert any("derive from the body" in line for line in said(caplog))
    assert_same_as_cold_build(site)


def test_a_new_or_removed_file_rebuilds_the_whole_site(site, caplog):
    said(caplog)
    (site / "content" / "articles" / "a-new-one.md").write_text(
        "Title: A new one\nDate: 2026-11-20 09:00\nCategory: Connecting\nAuthor: Sam Lee\n"
        "Summary: Newly written.\n\nIts first paragraph.\n",
        encoding="utf-8",
    )
    assert dev_build(site) == 0
    assert any("added or removed" in line for line in said(caplog))
    assert (site / "output" / "a-new-one" / "index.html").is_file()


def test_a_problem_the_edit_brings_is_reported_and_the_next_build_is_whole(site, caplog, capsys):
    said(caplog)
    append(site / "content" / ARTICLE, "See [the notes]({filename}no-such-article.md).")
    assert dev_build(site) == 1
    assert any("has something to report" in line for line in said(caplog))
    err = capsys.readouterr().err
    assert "give-before-you-get.md" in err and "no-such-article.md: there is no such file" in err
    edit(site / "content" / ARTICLE, "({filename}no-such-article.md)", "(https://example.org/notes)")
    assert dev_build(site) == 0
    assert said(caplog) == []  # nothing recorded after a failed build: whole, no reason to give
    assert_same_as_cold_build(site)


def test_a_file_that_is_no_longer_utf8_is_reported_by_the_whole_build(site, caplog, capsys):
    said(caplog)
    path = site / "content" / ARTICLE
    path.write_bytes(path.read_bytes() + "\n\nCaf\u00e9 in Latin-1.\n".encode("latin-1"))
    assert dev_build(site) == 1
    assert any("whole rebuild" in line for line in said(caplog))
    assert "give-before-you-get.md" in capsys.readouterr().err


def test_other_settings_rebuild_the_whole_site(site, caplog):
    said(caplog)
    append(site / "content" / ARTICLE, "Another sentence.")
    assert dev_build(site, SITESUBTITLE="Another subtitle") == 0
    assert any("the settings changed" in line for line in said(caplog))


def test_a_plugin_that_declared_nothing_means_a_whole_rebuild(site, caplog):
    said(caplog)
    append(site / "content" / ARTICLE, "Another sentence.")
    # pelican-sitemap declares nothing; without fastbuild vouching for it the rebuild is whole.
    assert dev_build(site, FASTBUILD_QUICK_REBUILD_ALSO_FOR=()) == 0
    assert any("settings changed" in line for line in said(caplog))  # a setting, first
    append(site / "content" / ARTICLE, "And one more.")
    assert dev_build(site, FASTBUILD_QUICK_REBUILD_ALSO_FOR=()) == 0
    assert any("pelican.plugins.sitemap has not declared" in line for line in said(caplog))
    assert_same_as_cold_build(site)


def test_quick_rebuild_off_is_a_whole_rebuild(site, caplog):
    said(caplog)
    append(site / "content" / ARTICLE, "Another sentence.")
    assert dev_build(site, FASTBUILD_QUICK_REBUILD=False) == 0
    assert not any("quick rebuild:" in line for line in said(caplog))
    assert_same_as_cold_build(site)


def remove_a_folder(output: Path) -> None:
    shutil.rmtree(output / "category")


def change_a_page_by_hand(output: Path) -> None:
    (output / "index.html").write_text("changed by hand", encoding="utf-8")


@pytest.mark.parametrize(
    "change", [remove_a_folder, change_a_page_by_hand], ids=lambda change: change.__name__
)
def test_an_output_changed_since_the_build_is_rebuilt_whole(site, caplog, change):
    said(caplog)
    change(site / "output")
    append(site / "content" / ARTICLE, "Another sentence.")
    assert dev_build(site) == 0
    assert any("the output is not what the previous build wrote" in line for line in said(caplog))
    assert_same_as_cold_build(site)


def test_an_edited_page_body_is_quick_too(site, caplog):
    said(caplog)
    append(site / "content" / "pages" / "about.md", "A new last paragraph about us.")
    assert dev_build(site) == 0
    assert any(line.startswith("[fastbuild] quick rebuild: content/pages/about.md;") for line in said(caplog))
    assert "A new last paragraph about us." in (site / "output" / "about" / "index.html").read_text(
        encoding="utf-8"
    )
    assert_same_as_cold_build(site)


def test_an_attach_link_rebuilds_the_whole_site(site, caplog):
    """Pelican moves a file linked with {attach} beside the article that renders the link."""
    said(caplog)
    append(site / "content" / ARTICLE, "![The map]({attach}../images/network-map.png)")
    assert dev_build(site) == 0
    assert any("has an {attach} link" in line for line in said(caplog))
    assert_same_as_cold_build(site)


def test_any_other_build_in_between_means_a_whole_rebuild(site, caplog):
    """A build the quick rebuild did not record (plain Pelican here) may have written the
    output: the next build starts afresh."""
    said(caplog)
    run_build(site, "elsewhere", cached=False)
    append(site / "content" / ARTICLE, "Another sentence.")
    assert dev_build(site) == 0
    assert said(caplog) == []  # nothing recorded to start from: whole, no reason to give
    append(site / "content" / ARTICLE, "And one more.")
    assert dev_build(site) == 0
    assert any("quick rebuild:" in line for line in said(caplog))


def test_an_editors_swap_backup_and_autosave_files_leave_the_rebuild_quick(site, caplog):
    """Vim's swap file (ignored by the site's IGNORE_FILES, as by Pelican), a backup and an
    Emacs autosave appear beside the article while it is edited: no input of the build."""
    said(caplog)
    folder = site / "content" / "articles"
    (folder / ".give-before-you-get.md.swp").write_bytes(b"\x00swap")
    (folder / "give-before-you-get.md~").write_text("Title: old\n", encoding="utf-8")
    (folder / "#give-before-you-get.md#").write_text("Title: autosaved\n", encoding="utf-8")
    append(folder / "give-before-you-get.md", "Written with an editor open.")
    assert dev_build(site) == 0
    assert any(line.startswith("[fastbuild] quick rebuild:") for line in said(caplog))
    (folder / ".give-before-you-get.md.swp").write_bytes(b"\x00swap, later")
    append(folder / "give-before-you-get.md", "And saved again.")
    assert dev_build(site) == 0
    assert any(line.startswith("[fastbuild] quick rebuild:") for line in said(caplog))
    for name in (".give-before-you-get.md.swp", "give-before-you-get.md~", "#give-before-you-get.md#"):
        (folder / name).unlink()
    assert_same_as_cold_build(site)


def test_a_quoteaction_inserted_into_a_body_means_a_whole_rebuild():
    """QUOTEACTION_INSERT_IN_CONTENT appends the QuoteAction to the body, which only the
    whole rebuild does again."""
    from types import SimpleNamespace

    from pelican.plugins.quoteaction.handlers import derived_from_body

    assert derived_from_body(SimpleNamespace(), {}) == {}
    assert derived_from_body(SimpleNamespace(quoteaction_inserted="<aside>...</aside>"), {}) is None
