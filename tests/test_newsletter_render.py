"""The shortcuts of the newsletter's rendering give exactly what the plain way gives."""

from __future__ import annotations

import json
import os
import random

import pytest
from jinja2 import Environment
from jinja2.filters import do_wordwrap

from pelican.plugins.monthly_newsletter.inputs import content_files
from pelican.plugins.monthly_newsletter.render import (
    RenderedEmail,
    content_folder_json,
    record_json,
    use_fast_wordwrap,
    utm_link,
    with_utm,
    wordwrap,
    write_campaign,
)

SITE = "https://example.com"
UTM = (("utm_source", "newsletter"), ("utm_medium", "email"), ("utm_campaign", "{issue_key}"))


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/",
        "https://example.com/a-post/",
        "https://example.com/a-post/#part-2",
        "https://example.com/search/?q=new%20friends&utm_source=blog",
        "https://example.com/page?",
        "https://example.com/ünïcode path/",
        "https://other.example.org/a-post/",
        "https://example.com",
        "mailto:hello@example.com",
    ],
)
@pytest.mark.parametrize("parameters", [UTM, (), (("utm_source", "a"), ("utm_source", "b"))])
def test_an_issues_link_function_gives_what_with_utm_gives(url, parameters):
    link = utm_link(SITE + "/", parameters, "networker-2026-01", "2026-01")
    expected = with_utm(url, SITE, parameters, "networker-2026-01", "2026-01")
    assert link(url) == expected
    assert link(url) == expected  # kept, the same


def test_an_issues_links_carry_its_own_parameters():
    first = utm_link(SITE, UTM, "networker-2026-01", "2026-01")
    second = utm_link(SITE, UTM, "networker-2026-02", "2026-02")
    assert (
        first(SITE + "/x/")
        == SITE + "/x/?utm_campaign=networker-2026-01&utm_medium=email&utm_source=newsletter"
    )
    assert second(SITE + "/x/").endswith(
        "utm_campaign=networker-2026-02&utm_medium=email&utm_source=newsletter"
    )


@pytest.mark.parametrize(
    "title",
    [
        "Plain",
        'A "quoted" title \\ with a backslash',
        "\0content_folder\0",  # the placeholder's own text, in another field
        '"\\u0000content_folder\\u0000"',
        "Ünïcode · “quotes”",
    ],
)
def test_campaign_json_with_the_folder_encoded_once_is_json_dumps(title):
    folder = {"path": "content", "files": ["articles/a.md", 'odd "name".md', "ü/ß.md"]}
    record = {
        "schema": 2,
        "title": title,
        "sources": {"content/a.md": "sha256:00", title: "sha256:11"},
        "content_folder": folder,
        "build": {"id": "x", "site": "output"},
    }
    expected = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    assert record_json(record, content_folder_json(folder)) == expected
    assert record_json(record) == expected


def _email() -> RenderedEmail:
    return RenderedEmail(subject="S", html="<p>ü</p>\n", text="ü\n")


@pytest.mark.parametrize("in_place", [False, True])
def test_campaign_files_replace_the_old_ones_and_keep_the_publishers_record(tmp_path, in_place):
    folder = tmp_path / "campaigns" / "2026-01"
    folder.mkdir(parents=True)
    (folder / "email.html").write_text("old", encoding="utf-8")
    (folder / "published.json").write_text("{}", encoding="utf-8")
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me", encoding="utf-8")
    (folder / "email.txt").symlink_to(outside)
    write_campaign(folder, _email(), {"month": "2026-01"}, in_place=in_place)
    assert (folder / "email.html").read_bytes() == "<p>ü</p>\n".encode()
    assert (folder / "email.txt").read_bytes() == "ü\n".encode()
    assert not (folder / "email.txt").is_symlink()
    assert outside.read_text(encoding="utf-8") == "keep me"
    assert json.loads((folder / "campaign.json").read_text(encoding="utf-8")) == {"month": "2026-01"}
    assert (folder / "published.json").read_text(encoding="utf-8") == "{}"
    assert sorted(p.name for p in folder.parent.iterdir()) == ["2026-01"]
    assert (folder.stat().st_mode & 0o777) == 0o755


def test_content_files_lists_every_visible_file_through_links_to_files_not_folders(tmp_path):
    content = tmp_path / "content"
    (content / "articles" / "deep").mkdir(parents=True)
    (content / "articles" / "a.md").write_text("a", encoding="utf-8")
    (content / "articles" / "deep" / "b.md").write_text("b", encoding="utf-8")
    (content / ".hidden").mkdir()
    (content / ".hidden" / "c.md").write_text("c", encoding="utf-8")
    (content / ".d.md").write_text("d", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "e.md").write_text("e", encoding="utf-8")
    os.symlink(elsewhere / "e.md", content / "linked.md")
    os.symlink(elsewhere, content / "linked-folder")
    os.symlink(tmp_path / "missing.md", content / "broken.md")
    expected = ["articles/a.md", "articles/deep/b.md", "linked.md"]
    assert content_files(content) == expected
    assert content_files(tmp_path / "content/") == expected
    assert content_files(tmp_path / "nowhere") == []


WORDS = [
    "a",
    "bb",
    "well-known",
    "--",
    "x--y",
    "-b",
    "ü",
    "\u00a0",
    "ä-ö",
    "word,",
    "end.",
    "  ",
    "\t",
    "z" * 90,
]


@pytest.mark.parametrize("seed", range(3))
def test_the_faster_wordwrap_wraps_as_jinjas_does(seed):
    env = Environment()
    rng = random.Random(seed)
    for _ in range(150):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 40)))
        text = text.replace(" ", "\n", rng.randint(0, 2))
        for width in (5, 72, 76):
            for break_long_words in (False, True):
                for break_on_hyphens in (True, False):
                    for wrapstring in (None, "\n   "):
                        arguments = (text, width, break_long_words, wrapstring, break_on_hyphens)
                        assert wordwrap(env, *arguments) == do_wordwrap(env, *arguments)


def test_the_faster_wordwrap_leaves_a_sites_own_filter_alone():
    env = Environment()
    use_fast_wordwrap(env)
    assert env.filters["wordwrap"] is wordwrap
    assert env.from_string("{{ 'one two three'|wordwrap(7) }}").render() == "one two\nthree"
    own = Environment()
    own.filters["wordwrap"] = str.upper
    use_fast_wordwrap(own)
    assert own.filters["wordwrap"] is str.upper
