"""fastbuild's compatibility module (fastbuild.compat): the Pelican internals it relies on are
there, on any other Pelican fastbuild is off and the build is plain Pelican's, and its patch of
``Content.get_content`` never outlives the page being rendered, whether the build succeeds or not;
its memoized ``Content.url`` and ``save_as`` last from ``get_writer`` to ``finalized`` (or to the next
build's start after a build that raised) and change no byte of the output."""

from __future__ import annotations

import inspect
import logging
import pickle
import re
import shutil
from pathlib import Path

import pelican
import pytest
from pelican import Pelican
from pelican.contents import Article, Content, Page
from pelican.readers import Readers
from pelican.urlwrappers import URLWrapper
from pelican.utils import memoized
from pelican.writers import Writer

from pelican.plugins.fastbuild import compat, handlers
from pelican_contentkit.build import reset_log_deduplication
from tests.support.site import ROOT, site_settings, write_files
from tests.support.trees import assert_same_tree

PELICANS_OWN_GET_CONTENT = Content.__dict__["get_content"]
PELICANS_OWN_URLS = {
    (base, name): base.__dict__[name]
    for base in compat.MEMOIZED_CLASSES
    for name in compat.MEMOIZED_PROPERTIES
}
RENDER_RECORDS = "fastbuild-render.pickle"

TINY_SITE = {
    "quoteactions/2026-09.md": """
        Month: 2026-09
        Quote: Give what you can, when you can.
        Quote_author: Sam Example

        Your action is to offer one small favour this week.
        """,
    "articles/first.md": """
        Title: First article
        Date: 2026-09-03 08:00
        Category: Giving First
        Tags: first
        Summary: A *summary* of the first article.

        The first article's body, with a [link]({filename}second.md).
        """,
    "articles/second.md": """
        Title: Second article
        Date: 2026-09-04 08:00
        Date: 2026-09-05 08:00
        Category: Relationships
        Tags: second

        The second article's body, whose summary is made from it.
        """,
    "pages/about.md": """
        Title: About

        About this site.
        """,
}


# ---------------------------------------------------------------- the internals themselves


def test_fastbuild_was_tested_with_the_pelican_this_project_pins():
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    pinned = re.search(r"^pelican\[markdown\]==(\S+)$", requirements, re.M)
    assert pinned is not None
    assert pinned[1] in compat.TESTED_PELICAN_VERSIONS
    assert compat.pelican_version() == pinned[1]
    assert compat.missing_internals() == []
    assert compat.unsupported_reason() is None


def read_tiny_site(tmp_path):
    """The tiny site's two articles read by Pelican's readers into a context, as a build holds them."""
    write_files(tmp_path / "content", TINY_SITE)
    context = {compat.LOCAL_SITEURL: "../..", "generated_content": {}, "static_content": {}}
    readers = Readers(site_settings(tmp_path))
    for relative in ("articles/first.md", "articles/second.md"):
        context["generated_content"][relative] = readers.read_file(
            str(tmp_path / "content"), relative, content_class=Article, context=context
        )
    return context


def test_content_objects_hold_their_body_and_context_as_fastbuild_reads_them(tmp_path):
    context = read_tiny_site(tmp_path)
    article = context["generated_content"]["articles/first.md"]
    # the body as read, before Pelican rewrites its links
    assert isinstance(vars(article)["_content"], str) and "{filename}second.md" in vars(article)["_content"]
    assert compat.raw_body(article) == vars(article)["_content"]
    assert vars(article)["_context"] is context
    assert set(vars(article)) >= compat.CONTENT_INTERNAL_FIELDS
    assert article.get_siteurl() == "../.."
    # get_content is memoized in Pelican's way (.func is the function) and taken as (self, siteurl)
    assert isinstance(PELICANS_OWN_GET_CONTENT, memoized)
    assert list(inspect.signature(PELICANS_OWN_GET_CONTENT.func).parameters) == ["self", "siteurl"]
    assert "get_content" not in Article.__dict__ and "get_content" not in Page.__dict__
    assert article.content == article.get_content("../..")
    assert 'href="../../second-article/"' in article.content


def test_forget_bodies_empties_pelicans_memo_of_bodies_and_a_body_comes_back_the_same(tmp_path):
    context = read_tiny_site(tmp_path)
    article = context["generated_content"]["articles/first.md"]
    body = article.content
    assert PELICANS_OWN_GET_CONTENT.cache[(article, "../..")] is body
    compat.forget_bodies()
    assert PELICANS_OWN_GET_CONTENT.cache == {}
    assert article.content == body and 'href="../../second-article/"' in body


def test_pelicans_writer_keeps_the_bookkeeping_fastbuild_reads(tmp_path):
    from pelican.writers import FileOverwriteFailedError

    writer = Writer(str(tmp_path), settings={})
    assert writer._written_files == set() and writer._overridden_files == set()
    parameters = list(inspect.signature(Writer._open_w).parameters)
    assert parameters == ["self", "filename", "encoding", "override"]
    path = str(tmp_path / "page.html")
    with writer._open_w(path, "utf-8") as stream:
        stream.write("first")
    assert writer._written_files == {path}
    with pytest.raises(FileOverwriteFailedError):
        writer._open_w(path, "utf-8")
    with writer._open_w(path, "utf-8", override=True) as stream:
        stream.write("second")
    assert writer._overridden_files == {path}


def test_fastbuilds_writer_leaves_a_file_as_it_is_with_pelicans_bookkeeping(tmp_path):
    writer = compat.Writer(str(tmp_path), settings={})
    path = str(tmp_path / "kept.html")
    Path(path).write_text("kept", encoding="utf-8")
    assert writer.writes_plainly(path, override=False)
    writer.leave_as_it_is(path)
    with writer._open_w(path, "utf-8") as stream:
        stream.write("not written")
    assert Path(path).read_text(encoding="utf-8") == "kept"
    assert not writer.writes_plainly(path, override=False)
    # a second write is Pelican's again
    with writer._open_w(path, "utf-8", override=True) as stream:
        stream.write("overridden")
    assert Path(path).read_text(encoding="utf-8") == "overridden"


def test_the_copied_and_overridden_pelican_code_is_the_tested_releases(tmp_path):
    for name, expected in compat.COPIED_SOURCES.items():
        assert compat.source_digest(name) == expected, f"{name} changed: compare fastbuild/compat.py with it"


# ---------------------------------------------------------------- builds


def run_build(base: Path, output: str, fastbuild: bool, **overrides) -> Pelican:
    reset_log_deduplication()
    settings = site_settings(
        base,
        PATH=str(base / "content"),
        OUTPUT_PATH=str(base / output),
        CACHE_PATH=str(base / f"{output}-cache"),
        NEWSLETTER_CAMPAIGNS_PATH=str(base / f"{output}-campaigns"),
        CONTENT_PROBLEMS="warn",  # the content is odd on purpose (a field twice, no summary)
        **overrides,
    )
    if not fastbuild:
        settings["PLUGINS"] = [name for name in settings["PLUGINS"] if name != "fastbuild"]
    assert ("fastbuild" in settings["PLUGINS"]) == fastbuild
    site = Pelican(settings)
    site.run()
    return site


def fastbuild_warnings(caplog) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("pelican.plugins.fastbuild") and r.levelno >= logging.WARNING
    ]


def fake_pelican_4_13(monkeypatch):
    monkeypatch.setattr(pelican, "__version__", "4.13.0")
    return "4.13.0"


def changed_open_w(monkeypatch):
    """A Pelican whose writer's _open_w takes another parameter (plain Pelican still works)."""
    original = Writer._open_w

    def _open_w(self, filename, encoding, override=False, mode="w"):
        return original(self, filename, encoding, override)

    monkeypatch.setattr(Writer, "_open_w", _open_w)
    return "Writer._open_w does not take"


@pytest.mark.parametrize(
    "change", [fake_pelican_4_13, changed_open_w], ids=["another version", "a changed internal"]
)
@pytest.mark.parametrize("cached", [True, False], ids=["render cache", "rendering on every core"])
def test_on_a_pelican_it_was_not_tested_with_fastbuild_is_off_and_the_build_is_plain_pelicans(
    tmp_path, caplog, monkeypatch, change, cached
):
    caplog.set_level(logging.DEBUG, logger="pelican.plugins.fastbuild")
    write_files(tmp_path / "content", TINY_SITE)
    options = {"CACHE_CONTENT": cached, "FASTBUILD_WORKERS": 2}

    # This Pelican: fastbuild runs (so the comparison below can tell it apart).
    on = run_build(tmp_path, "on", fastbuild=True, **options)
    assert (tmp_path / "on-cache" / RENDER_RECORDS).exists() == cached
    assert getattr(on, "fastbuild_writers", None) is not None
    assert fastbuild_warnings(caplog) == []

    run_build(tmp_path, "plain", fastbuild=False, **options)
    named = change(monkeypatch)
    for number in (1, 2):  # each build warns once
        caplog.clear()
        off = run_build(tmp_path, f"off-{number}", fastbuild=True, **options)
        [warning] = fastbuild_warnings(caplog)
        assert named in warning and "this build is plain Pelican's" in warning
        assert not hasattr(off, "fastbuild_writers")
        assert not (tmp_path / f"off-{number}-cache" / RENDER_RECORDS).exists()
        assert Content.__dict__["get_content"] is PELICANS_OWN_GET_CONTENT
        assert_same_tree(tmp_path / "plain", tmp_path / f"off-{number}")
        assert_same_tree(tmp_path / "plain-campaigns", tmp_path / f"off-{number}-campaigns")
    assert_same_tree(tmp_path / "plain", tmp_path / "on")


SEEN_GET_CONTENT: list[object] = []


def note_get_content() -> str:
    """A Jinja global (module level: the content cache pickles the settings) that writes nothing
    and notes which ``Content.get_content`` is in place while a template renders."""
    SEEN_GET_CONTENT.append(Content.__dict__["get_content"])
    return ""


@pytest.fixture
def get_content_seen():
    """What :func:`note_get_content` notes, and the setting that gives templates it."""
    SEEN_GET_CONTENT.clear()
    yield SEEN_GET_CONTENT, {"JINJA_GLOBALS": {"note_get_content": note_get_content}}
    SEEN_GET_CONTENT.clear()


def copy_theme(tmp_path: Path, broken: bool) -> Path:
    theme = tmp_path / "theme"
    if not theme.exists():
        shutil.copytree(ROOT / "theme", theme)
    article = theme / "templates" / "article.html"
    text = (ROOT / "theme" / "templates" / "article.html").read_text(encoding="utf-8")
    assert "{{ article.content|safe }}" in text
    replacement = (
        "{{ article.no_such.field }}" if broken else "{{ note_get_content() }}{{ article.content|safe }}"
    )
    article.write_text(text.replace("{{ article.content|safe }}", replacement, 1), encoding="utf-8")
    return theme


def test_get_content_is_watched_only_while_a_page_renders(tmp_path, get_content_seen):
    seen, jinja = get_content_seen
    write_files(tmp_path / "content", TINY_SITE)
    theme = copy_theme(tmp_path, broken=False)
    run_build(tmp_path, "fast", fastbuild=True, CACHE_CONTENT=True, THEME=str(theme), **jinja)

    assert Content.__dict__["get_content"] is PELICANS_OWN_GET_CONTENT
    assert len(seen) == 2 and all(found is not PELICANS_OWN_GET_CONTENT for found in seen)
    with (tmp_path / "fast-cache" / RENDER_RECORDS).open("rb") as stream:
        records = pickle.load(stream)["records"]
    assert records["first-article/index.html"].bodies  # the watch saw the page read its body


def test_a_build_that_fails_midway_leaves_pelican_unpatched(tmp_path, get_content_seen):
    seen, jinja = get_content_seen
    write_files(tmp_path / "content", TINY_SITE)
    theme = copy_theme(tmp_path, broken=False)
    run_build(tmp_path, "plain-before", fastbuild=False, THEME=str(theme), **jinja)
    assert seen and all(found is PELICANS_OWN_GET_CONTENT for found in seen)

    copy_theme(tmp_path, broken=True)
    with pytest.raises(Exception, match="no_such"):  # a template error while the watch is on
        run_build(tmp_path, "failed", fastbuild=True, CACHE_CONTENT=True, THEME=str(theme), **jinja)
    assert Content.__dict__["get_content"] is PELICANS_OWN_GET_CONTENT

    copy_theme(tmp_path, broken=False)
    seen.clear()
    run_build(tmp_path, "plain-after", fastbuild=False, THEME=str(theme), **jinja)
    assert seen and all(found is PELICANS_OWN_GET_CONTENT for found in seen)
    assert_same_tree(tmp_path / "plain-before", tmp_path / "plain-after")


def test_plugins_that_load_fastbuild():
    assert handlers.listed(["sitemap", "fastbuild"])
    assert handlers.listed(["pelican.plugins.fastbuild"])
    assert handlers.listed(None)  # Pelican loads every installed namespace plugin
    assert not handlers.listed([])
    assert not handlers.listed(["sitemap", "fastbuild_extra"])


# ---------------------------------------------------------------- memoized URLs


def pelicans_own_urls() -> bool:
    return all(base.__dict__[name] is own for (base, name), own in PELICANS_OWN_URLS.items())


def test_the_url_properties_are_pelicans_as_fastbuild_memoizes_them():
    assert set(compat.MEMOIZED_CLASSES) == {Content, URLWrapper}
    assert all(isinstance(own, property) for own in PELICANS_OWN_URLS.values())
    for base, subclasses in compat.MEMOIZED_CLASSES.items():
        assert all(issubclass(cls, base) for cls in subclasses)
        assert not any(name in cls.__dict__ for cls in subclasses for name in compat.MEMOIZED_PROPERTIES)


def test_memoized_urls_are_worked_out_once_and_pelicans_come_back(tmp_path):
    write_files(tmp_path / "content", TINY_SITE)
    settings = site_settings(tmp_path)
    context = {compat.LOCAL_SITEURL: "", "generated_content": {}, "static_content": {}}
    article = Readers(settings).read_file(
        str(tmp_path / "content"), "articles/first.md", content_class=Article, context=context
    )
    category = article.category
    forget = compat.memoize_urls()
    try:
        assert not pelicans_own_urls()
        assert (article.url, article.save_as) == ("first-article/", "first-article/index.html")
        assert category.url == "category/giving-first/"
        article.slug = "changed"  # never done while pages are written: the kept URLs stay
        category.name = "Changed"
        assert (article.url, category.url) == ("first-article/", "category/giving-first/")
    finally:
        forget()
    assert pelicans_own_urls()
    assert (article.url, article.save_as) == ("changed/", "changed/index.html")
    assert category.url == "category/changed/"


SEEN_URL_PROPERTIES: list[bool] = []


def note_url_properties() -> str:
    """A Jinja global that writes nothing and notes whether Pelican's own ``Content.url`` and
    ``save_as`` are in place while a template renders."""
    SEEN_URL_PROPERTIES.append(pelicans_own_urls())
    return ""


@pytest.fixture
def url_properties_seen():
    SEEN_URL_PROPERTIES.clear()
    globals_ = {"note_url_properties": note_url_properties, "note_get_content": note_get_content}
    yield SEEN_URL_PROPERTIES, {"JINJA_GLOBALS": globals_}
    SEEN_URL_PROPERTIES.clear()


def theme_noting_urls(tmp_path: Path, broken: bool) -> Path:
    theme = copy_theme(tmp_path, broken=broken)
    article = theme / "templates" / "article.html"
    text = article.read_text(encoding="utf-8")
    article.write_text(
        text.replace("{% block content %}", "{% block content %}{{ note_url_properties() }}", 1)
    )
    return theme


@pytest.mark.parametrize(
    "writer",
    [{"CACHE_CONTENT": True}, {"FASTBUILD_WORKERS": 2}, {"FASTBUILD_WORKERS": 1}],
    ids=["render cache", "rendering kept for the end", "pelican's writer"],
)
def test_urls_are_memoized_only_while_pages_are_written(tmp_path, url_properties_seen, writer):
    seen, jinja = url_properties_seen
    write_files(tmp_path / "content", TINY_SITE)
    theme = theme_noting_urls(tmp_path, broken=False)
    run_build(tmp_path, "fast", fastbuild=True, THEME=str(theme), **writer, **jinja)
    assert len(seen) == 2 and not any(seen)  # memoized on both article pages
    assert pelicans_own_urls()

    seen.clear()
    run_build(tmp_path, "plain", fastbuild=False, THEME=str(theme), **jinja)
    assert len(seen) == 2 and all(seen)
    assert_same_tree(tmp_path / "plain", tmp_path / "fast")


def test_after_a_build_that_raised_the_next_build_has_pelicans_urls(tmp_path, url_properties_seen):
    seen, jinja = url_properties_seen
    write_files(tmp_path / "content", TINY_SITE)
    theme = theme_noting_urls(tmp_path, broken=True)
    with pytest.raises(Exception, match="no_such"):
        run_build(tmp_path, "failed", fastbuild=True, FASTBUILD_WORKERS=1, THEME=str(theme), **jinja)

    theme_noting_urls(tmp_path, broken=False)
    seen.clear()
    run_build(tmp_path, "plain", fastbuild=False, THEME=str(theme), **jinja)
    assert len(seen) == 2 and all(seen)
    assert pelicans_own_urls()


ATTACHED_SITE = {
    **TINY_SITE,
    "articles/with-files.md": """
        Title: With files
        Date: 2026-09-06 08:00
        Category: Giving First
        Summary: Files attached to an article and linked from another.

        The [attached file]({attach}files/notes.txt), a [static one]({static}/images/logo.txt),
        and [the first article]({filename}first.md).
        """,
    "articles/files/notes.txt": "Notes kept beside the article.\n",
    "images/logo.txt": "A static file.\n",
    "pages/links.md": """
        Title: Links

        The [static file]({static}/images/logo.txt) from a page, and
        [the files article]({filename}/articles/with-files.md).
        """,
}


@pytest.mark.parametrize(
    "writer",
    [{"CACHE_CONTENT": True}, {"FASTBUILD_WORKERS": 2}, {"FASTBUILD_WORKERS": 1}],
    ids=["render cache", "rendering kept for the end", "pelican's writer"],
)
def test_static_files_linked_from_bodies_land_where_pelican_puts_them(tmp_path, writer):
    """A static file's URL is never memoized (``{attach}`` may move one while the body that links
    to it renders): every link and copy is where plain Pelican puts it."""
    write_files(tmp_path / "content", ATTACHED_SITE)
    options = {"STATIC_PATHS": ["images", "articles/files"], **writer}
    run_build(tmp_path, "plain", fastbuild=False, **options)
    run_build(tmp_path, "fast", fastbuild=True, **options)
    assert_same_tree(tmp_path / "plain", tmp_path / "fast")
