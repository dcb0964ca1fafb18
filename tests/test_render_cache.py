"""The render cache (fastbuild.writing): a warm rebuild renders only what changed, and its
output is byte for byte what a plain cold build writes.

Each case builds a copy of the sample content in place with Pelican's content cache on
(as `invoke livereload` does), changes one input, rebuilds, and compares the whole
output tree with a cold build of the changed content made without the fastbuild plugin.
"""

from __future__ import annotations

import pickle
import shutil
import sys
from pathlib import Path

import pytest

from tests.support.site import ROOT, dev_build, site_settings
from tests.support.trees import assert_same_tree

PREVIEW_ARTICLE = "articles/give-before-you-get.md"


def run_build(tmp_path: Path, output: str, cached: bool, plugins_off: tuple[str, ...] = (), **overrides):
    from pelican import Pelican

    from pelican_contentkit.build import reset_log_deduplication

    reset_log_deduplication()
    settings = site_settings(
        tmp_path,
        OUTPUT_PATH=str(tmp_path / output),
        CACHE_CONTENT=cached,
        LOAD_CONTENT_CACHE=cached,
        THEME=str(tmp_path / "theme"),
        **overrides,
    )
    settings["PLUGINS"] = [name for name in settings["PLUGINS"] if name not in plugins_off]
    pelican = Pelican(settings)
    pelican.run()
    return getattr(pelican, "fastbuild_render_counts", None)


def assert_same_as_cold_build(tmp_path: Path, **overrides) -> None:
    """The in-place cached output holds exactly what a plain cold build writes."""
    run_build(tmp_path, "cold", cached=False, plugins_off=("fastbuild",), **overrides)
    assert_same_tree(tmp_path / "cold", tmp_path / "output")


@pytest.fixture
def warm_site(tmp_path: Path) -> Path:
    """A copy of the sample content and theme, built once in place with the caches on."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "theme", tmp_path / "theme")
    counts = run_build(tmp_path, "output", cached=True)
    assert counts["kept"] == 0 and counts["rendered"] > 40
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_nothing_changed_renders_nothing(warm_site):
    counts = run_build(warm_site, "output", cached=True)
    assert counts == {"rendered": 0, "kept": counts["kept"]} and counts["kept"] > 40
    assert_same_as_cold_build(warm_site)


def test_an_edited_body_renders_only_the_pages_that_show_it(warm_site):
    article = warm_site / "content" / PREVIEW_ARTICLE
    article.write_text(
        article.read_text(encoding="utf-8") + "\nA sentence added while writing.\n", encoding="utf-8"
    )
    counts = run_build(warm_site, "output", cached=True)
    assert 1 <= counts["rendered"] <= 3, counts
    assert (
        "A sentence added while writing."
        in (warm_site / "output" / "give-before-you-get" / "index.html").read_text()
    )
    assert_same_as_cold_build(warm_site)


# Changes that every page (or many) may show: each must reach the output.
EDITS = {
    "article title": (PREVIEW_ARTICLE, "Title: ", "Title: Really "),
    "article summary": (PREVIEW_ARTICLE, "Summary: ", "Summary: In short: "),
    "quoteaction": ("quoteactions/2026-11.md", "Quote: ", "Quote: Indeed, "),
    "connector prompt": ("connector-prompts.yaml", "**Ask each of them**", "**Ask both of them**"),
    "newsletter note": ("newsletters/2026-11.md", "Subject: ", "Subject: New: "),
    "page body": ("pages/about.md", "\n\n", "\n\nA new first paragraph.\n\n"),
}


@pytest.mark.parametrize("change", sorted(EDITS))
def test_a_change_to_what_other_pages_show_reaches_every_page(warm_site, change):
    relative, old, new = EDITS[change]
    edit(warm_site / "content" / relative, old, new)
    run_build(warm_site, "output", cached=True)
    assert_same_as_cold_build(warm_site)


def test_an_edited_template_renders_again(warm_site):
    edit(warm_site / "theme" / "templates" / "base.html", "</body>", "<!-- edited --></body>")
    counts = run_build(warm_site, "output", cached=True)
    assert counts["kept"] == 0
    assert_same_as_cold_build(warm_site)


def test_a_changed_setting_renders_again(warm_site):
    run_build(warm_site, "output", cached=True, SITESUBTITLE="A different subtitle")
    assert_same_as_cold_build(warm_site, SITESUBTITLE="A different subtitle")


def test_a_page_changed_by_hand_in_the_output_is_rendered_again(warm_site):
    index = warm_site / "output" / "index.html"
    index.write_text("changed by hand", encoding="utf-8")
    counts = run_build(warm_site, "output", cached=True)
    assert counts["rendered"] == 1
    assert_same_as_cold_build(warm_site)


def test_a_damaged_cache_file_is_rebuilt_not_trusted(warm_site, caplog):
    records = warm_site / "cache" / "fastbuild-render.pickle"
    assert pickle.loads(records.read_bytes())["records"]
    records.write_bytes(b"not a pickle")
    counts = run_build(warm_site, "output", cached=True)
    assert counts["kept"] == 0
    assert "ignoring the render cache" in caplog.text
    assert_same_as_cold_build(warm_site)


def test_without_the_content_cache_the_plain_writer_is_used(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "theme", tmp_path / "theme")
    assert run_build(tmp_path, "output", cached=False) is None
    assert not (tmp_path / "cache" / "fastbuild-render.pickle").exists()


EXTRA_PAGE_PLUGIN = '''
from pathlib import Path

from pelican import signals
from pelican.generators import Generator


class ExtraPageGenerator(Generator):
    """Writes extra/index.html from a text file, handing the text to the template directly."""

    def generate_output(self, writer):
        message = (Path(self.path) / "extra.txt").read_text(encoding="utf-8")
        writer.write_file("extra/index.html", self.get_template("extra"), self.context, message=message)


def get_generators(pelican_object):
    return ExtraPageGenerator


def register():
    signals.get_generators.connect(get_generators)
'''


def test_values_handed_to_one_page_are_part_of_its_key(warm_site):
    """A plugin may give a page a value that is nowhere in the shared context."""
    (warm_site / "extra_plugins").mkdir()
    (warm_site / "extra_plugins" / "extra_page.py").write_text(EXTRA_PAGE_PLUGIN, encoding="utf-8")
    (warm_site / "theme" / "templates" / "extra.html").write_text("<p>{{ message }}</p>\n", encoding="utf-8")
    (warm_site / "content" / "extra.txt").write_text("first", encoding="utf-8")
    extra = {"PLUGIN_PATHS": [str(warm_site / "extra_plugins")]}

    def build_with_extra(output, cached):
        from pelican import Pelican

        from pelican_contentkit.build import reset_log_deduplication

        reset_log_deduplication()
        settings = site_settings(
            warm_site,
            OUTPUT_PATH=str(warm_site / output),
            CACHE_CONTENT=cached,
            LOAD_CONTENT_CACHE=cached,
            THEME=str(warm_site / "theme"),
            IGNORE_FILES=[".*", "__pycache__", "quoteactions", "newsletters", "extra.txt"],
            **extra,
        )
        settings["PLUGINS"] = [*settings["PLUGINS"], "extra_page"]
        Pelican(settings).run()

    try:
        build_with_extra("output", cached=True)
        (warm_site / "content" / "extra.txt").write_text("second", encoding="utf-8")
        build_with_extra("output", cached=True)
    finally:  # the plugin's handler would stay connected for the tests that follow
        from pelican import signals

        signals.get_generators.disconnect(sys.modules.pop("extra_page").get_generators)
    assert (warm_site / "output" / "extra" / "index.html").read_text(encoding="utf-8") == "<p>second</p>"


def test_a_rebuild_through_build_site_renders_nothing_when_nothing_changed(tmp_path):
    """`invoke livereload` builds with build_site, whose build id changes every build: it must
    not be part of what a page's record holds, or every rebuild renders every page."""
    import os

    shutil.copytree(ROOT / "content", tmp_path / "content")
    pages = ["index.html", "give-before-you-get/index.html", "archives/index.html"]
    assert dev_build(tmp_path) == 0
    written = {page: os.stat(tmp_path / "output" / page).st_mtime_ns for page in pages}
    assert dev_build(tmp_path) == 0
    assert {page: os.stat(tmp_path / "output" / page).st_mtime_ns for page in pages} == written


# ---------------------------------------------------------------- what else a cached build keeps
# The content check's per-file results and the newsletter's emails are kept between cached
# builds too (pelican_contentkit.memo); these edits reach them as well as the pages.


def test_an_edited_body_in_a_newsletter_issue_reaches_its_email(warm_site):
    """The featured article is carried in full by the issue's email."""
    edit(
        warm_site / "content" / "articles" / "a-network-map-in-one-hour.md",
        "\n\n",
        "\n\nA sentence for the email.\n\n",
    )
    run_build(warm_site, "output", cached=True)
    emails = list((warm_site / "output").glob("newsletter-preview/*/email.html"))
    assert any("A sentence for the email." in email.read_text(encoding="utf-8") for email in emails)
    assert_same_as_cold_build(warm_site)


def test_a_deleted_article_leaves_every_page_and_email(warm_site):
    from tests.support.trees import output_tree

    before = set(output_tree(warm_site / "output"))  # the warm build's files
    (warm_site / "content" / "articles" / "generosity-without-a-ledger.md").unlink()
    # No search index: the in-place one would index the page left behind.
    run_build(warm_site, "output", cached=True, READER_SEARCH_INDEX=False)
    shutil.rmtree(warm_site / "output" / "pagefind")
    run_build(warm_site, "cold", cached=False, plugins_off=("fastbuild",), READER_SEARCH_INDEX=False)
    # An in-place build leaves the files it no longer writes: only those may be extra.
    extra = set(output_tree(warm_site / "output")) - set(output_tree(warm_site / "cold"))
    assert "generosity-without-a-ledger/index.html" in extra and extra <= before
    for name in extra:
        (warm_site / "output" / name).unlink()
    assert_same_tree(warm_site / "cold", warm_site / "output")


def test_a_new_article_reaches_every_page_and_email(warm_site):
    (warm_site / "content" / "articles" / "a-new-one.md").write_text(
        "Title: A new one\nDate: 2026-11-20 09:00\nCategory: Connecting\nAuthor: Sam Lee\n"
        "Summary: Newly written.\n\nIts first paragraph.\n",
        encoding="utf-8",
    )
    run_build(warm_site, "output", cached=True)
    assert (warm_site / "output" / "a-new-one" / "index.html").is_file()
    assert_same_as_cold_build(warm_site)


def check_counts(caplog) -> tuple[int, int]:
    """(checks made, checks kept) of the last build's content check, from its debug line."""
    [line] = [r.getMessage() for r in caplog.records if "content-check.pickle" in r.getMessage()][-1:]
    made, kept = (int(word) for word in line.replace(",", "").split() if word.isdigit())
    return made, kept


def test_a_problem_an_edit_brings_is_reported_on_the_rebuild(tmp_path, capsys, caplog):
    import logging

    caplog.set_level(logging.DEBUG, logger="pelican_contentkit.memo")
    shutil.copytree(ROOT / "content", tmp_path / "content")
    assert dev_build(tmp_path) == 0
    assert dev_build(tmp_path) == 0
    made, kept = check_counts(caplog)
    assert made == 0 and kept > 20  # nothing changed: nothing checked again

    article = tmp_path / "content" / "articles" / "share-what-you-learn.md"
    article.write_text(
        article.read_text(encoding="utf-8") + "\nSee [the notes]({filename}no-such-article.md).\n",
        encoding="utf-8",
    )
    assert dev_build(tmp_path) == 1
    made, _ = check_counts(caplog)
    assert 1 <= made <= 4  # that one file's text and checks
    said = capsys.readouterr().err
    assert "share-what-you-learn.md" in said and "no-such-article.md: there is no such file" in said


def test_deleting_a_linked_article_is_reported_on_the_articles_that_link_to_it(tmp_path, capsys):
    """A link is checked against the other files: an unchanged article's kept result is not used
    once the file it links to is gone."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    assert dev_build(tmp_path) == 0
    (tmp_path / "content" / "articles" / "quality-over-reach.md").unlink()
    assert dev_build(tmp_path) == 1
    said = capsys.readouterr().err
    assert "the-follow-up-that-gets-answered.md:37 [link]" in said
    assert "quality-over-reach.md: there is no such file" in said
