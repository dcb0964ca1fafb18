"""The content check's migration warnings: syntax only Python-Markdown understood, in files
the GFM reader reads, named with file and line; warnings never stop a build."""

from __future__ import annotations

import json

import pytest

from pelican_contentkit.build import build_site
from pelican_contentkit.check import check_report
from pelican_contentkit.migration import migration_warnings
from tests.support.site import ROOT
from tests.test_authoring import first_with, invoke, make_content

HEADER = "Title: Old habits\nDate: 2025-03-05 09:00\n\n"


@pytest.mark.parametrize(
    ("body", "line", "says"),
    [
        ("Intro.\n\n[TOC]\n", 6, "[TOC] is Python-Markdown's table of contents"),
        ("## Start here {#start}\n", 4, "{#start} is a Python-Markdown attribute list"),
        ("A lead paragraph.\n{: .lead }\n", 5, "{: .lead } is a Python-Markdown attribute list"),
        ("Term\n: The definition.\n", 5, "a line starting with ': ' is a Python-Markdown definition list"),
        ("Some HTML.\n\n*[HTML]: HyperText Markup Language\n", 6, "is a Python-Markdown abbreviation"),
        ('<div class="box" markdown="1">\n*inside*\n</div>\n', 4, 'markdown="1" asks Python-Markdown'),
        (
            "100. The hundredth step\n    - a detail\n",
            5,
            "indented 4 spaces: Python-Markdown nested it under the item above, CommonMark does not",
        ),
        ("- A step\n        - a detail, eight spaces in\n", 5, "indented 8 spaces"),
        ("- A step\n\t\t- a detail, two tabs in\n", 5, "indented 8 spaces"),
        # Taking the code span out leaves an attribute list, as Python-Markdown saw it.
        ("A lead paragraph.\n{`x`: .lead }\n", 5, "{: .lead } is a Python-Markdown attribute list"),
        ("<DIV class='box' MarkDown=1>\n*inside*\n</DIV>\n", 4, 'markdown="1" asks Python-Markdown'),
    ],
)
def test_each_construct_is_named_with_its_line(body, line, says):
    [warning] = migration_warnings("content/articles/old.md", HEADER + body)
    assert (warning.path, warning.line, warning.field) == ("content/articles/old.md", line, "Markdown")
    assert says in warning.problem and warning.fix


def test_github_flavoured_markdown_and_code_are_not_warned_about():
    body = (
        "## A heading\n\nSee [this]({filename}other.md) and ![x]({static}/images/a.png), "
        "`{: .lead}` and `[TOC]` in code.\n\n"
        "```markdown\n[TOC]\n## Heading {#id}\nTerm\n: definition\n*[HTML]: x\n```\n\n"
        "- a step\n  - nested two spaces in\n    - and four\n\n"
        "1. first\n   - nested under the text\n\n"
        "Time: 10:30, a colon in prose. {curly braces} too.\n"
    )
    assert migration_warnings("a.md", HEADER + body) == []


def test_the_check_lists_warnings_and_passes_and_the_build_builds(tmp_path, caplog):
    article = first_with() + "\n[TOC]\n\nTerm\n: Definition\n"
    content = make_content(tmp_path, {"articles/first.md": article})
    lines = article.split("\n")
    toc_line, definition_line = lines.index("[TOC]") + 1, lines.index(": Definition") + 1

    result = invoke("check", "--content", str(content))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Content check: no problems found.\n2 warnings (the build goes on):" in result.stdout
    assert f"content/articles/first.md:{toc_line} [Markdown]: [TOC] is" in result.stdout
    assert (
        f"content/articles/first.md:{definition_line} [Markdown]: a line starting with ': '" in result.stdout
    )

    as_json = json.loads(invoke("check", "--content", str(content), "--format", "json").stdout)
    assert as_json["count"] == 0
    assert [(w["file"], w["line"]) for w in as_json["warnings"]] == [
        ("content/articles/first.md", toc_line),
        ("content/articles/first.md", definition_line),
    ]

    overrides = {
        "PATH": str(content),
        "OUTPUT_PATH": str(tmp_path / "output"),
        "CACHE_PATH": str(tmp_path / "cache"),
        "NEWSLETTER_CAMPAIGNS_PATH": str(tmp_path / "campaigns"),
    }
    assert build_site(ROOT / "publishconf.py", overrides) == 0
    assert (tmp_path / "output/first-steps/index.html").is_file()
    logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith("[content] warning: ")]
    assert len(logged) == 2 and f"content/articles/first.md:{toc_line} [Markdown]: [TOC] is" in logged[0]


def test_with_python_markdown_there_is_nothing_to_warn_about(tmp_path):
    content = make_content(tmp_path, {"articles/first.md": first_with() + "\n[TOC]\n"})
    gfm = check_report(ROOT / "pelicanconf.py", {"PATH": str(content)})
    assert (gfm.problems, len(gfm.warnings)) == ([], 1)
    python_markdown = check_report(
        ROOT / "pelicanconf.py", {"PATH": str(content), "GFM_READER_ENABLED": False}
    )
    assert (python_markdown.problems, python_markdown.warnings) == ([], [])


def test_the_sample_content_has_no_migration_warnings():
    report = check_report(ROOT / "pelicanconf.py")
    assert (report.problems, report.warnings) == ([], [])
