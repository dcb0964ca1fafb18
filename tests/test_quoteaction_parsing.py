"""QuoteAction files and the prompts file: parsing and every bad input, as pure functions."""

from __future__ import annotations

import textwrap

import pytest

from pelican.plugins.quoteaction.parsing import (
    load_connector_prompts,
    load_quoteactions,
    parse_quoteaction,
    read_connector_prompts,
    read_quoteactions,
)
from pelican_contentkit.errors import ContentError, ContentErrors

GOOD = """\
Month: 2026-09
Quote: Alone we can do so little; together we can do so much.
Quote_author: Helen Keller
Quote_author_role: author and activist

Your action is to **invite** one person to something you are already going to.
"""


def write(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")


def messages(problems):
    return [problem.message for problem in problems]


def test_a_good_file_becomes_a_quoteaction():
    quoteaction, problems = parse_quoteaction("content/quoteactions/2026-09.md", GOOD)
    assert problems == []
    assert quoteaction.month == "2026-09"
    assert quoteaction.quote == "Alone we can do so little; together we can do so much."
    assert quoteaction.author == "Helen Keller"
    assert quoteaction.author_role == "author and activist"
    assert quoteaction.source is None
    assert (
        quoteaction.action_html == "<p>Your action is to <strong>invite</strong> one person "
        "to something you are already going to.</p>"
    )
    assert (
        quoteaction.action_text
        == "Your action is to invite one person to something you are already going to."
    )
    assert quoteaction.anchor == "qa-2026-09"
    assert quoteaction.month_label == "September 2026"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "2026-09.md",
            GOOD.replace("Quote: Alone we can do so little; together we can do so much.\n", ""),
            "content/quoteactions/2026-09.md [Quote]: missing or empty. "
            "Fix: add a line 'Quote: ...' at the top",
        ),
        (
            "2026-09.md",
            GOOD.replace("Month: 2026-09", "Month: 2026-10"),
            "content/quoteactions/2026-09.md [Month]: says 2026-10 but the file is named 2026-09.md. "
            "Fix: rename the file to 2026-10.md or set Month: 2026-09",
        ),
        (
            "2026-13.md",
            GOOD.replace("Month: 2026-09", "Month: 2026-13"),
            "content/quoteactions/2026-13.md [Month]: '2026-13' is not a real month "
            "(months run from 01 to 12). "
            "Fix: write the month as YYYY-MM, e.g. 2026-11",
        ),
        (
            "2026-09.md",
            GOOD.replace("Month: 2026-09", "Month: September 2026"),
            "content/quoteactions/2026-09.md [Month]: 'September 2026' is not in the form YYYY-MM. "
            "Fix: write the month as YYYY-MM, e.g. 2026-11",
        ),
        (
            "2026-09.md",
            GOOD.replace("Quote_author_role", "Quote_autor_role"),
            "content/quoteactions/2026-09.md [Quote_autor_role]: unknown field. "
            "Fix: did you mean Quote_author_role:?",
        ),
        (
            "2026-09.md",
            GOOD.split("\n\n")[0] + "\n",
            "content/quoteactions/2026-09.md [action]: the file has no action below its fields. "
            "Fix: add a paragraph starting 'Your action is to ...'",
        ),
        (
            "september.md",
            GOOD,
            "content/quoteactions/september.md [file name]: 'september' is not in the form YYYY-MM. "
            "Fix: name the file after its month, e.g. 2026-11.md",
        ),
    ],
)
def test_each_bad_quoteaction_file_is_reported_with_file_field_and_fix(tmp_path, name, text, expected):
    write(tmp_path / "content/quoteactions", name, text)
    parsed = read_quoteactions(tmp_path / "content/quoteactions", tmp_path)
    assert expected in messages(parsed.problems)
    assert parsed.by_month == {}


def test_two_files_for_one_month_are_an_error(tmp_path):
    folder = tmp_path / "content/quoteactions"
    write(folder, "2026-09.md", GOOD)
    write(folder, "2026-09-second-try.md", GOOD)
    parsed = read_quoteactions(folder, tmp_path)
    assert messages(parsed.problems) == [
        "content/quoteactions/2026-09-second-try.md [Month]: 2026-09 already has a QuoteAction in "
        "content/quoteactions/2026-09.md. "
        "Fix: keep one file per month: merge the two files or correct this one's Month"
    ]
    assert list(parsed.by_month) == ["2026-09"]


def test_months_come_newest_first(tmp_path):
    folder = tmp_path / "content/quoteactions"
    write(folder, "2026-10.md", GOOD.replace("Month: 2026-09", "Month: 2026-10"))
    write(folder, "2026-09.md", GOOD)
    write(folder, "2026-11.md", GOOD.replace("Month: 2026-09", "Month: 2026-11"))
    parsed = read_quoteactions(folder, tmp_path)
    assert list(parsed.by_month) == ["2026-11", "2026-10", "2026-09"]
    assert parsed.problems == ()


def test_load_raises_every_problem_at_once(tmp_path):
    folder = tmp_path / "content/quoteactions"
    write(folder, "2026-09.md", GOOD.replace("Quote_author: Helen Keller\n", ""))
    write(folder, "2026-10.md", GOOD)
    with pytest.raises(ContentErrors) as raised:
        load_quoteactions(folder, tmp_path)
    text = str(raised.value)
    assert "2 problems in the content:" in text
    assert "content/quoteactions/2026-09.md [Quote_author]: missing or empty." in text
    assert "content/quoteactions/2026-10.md [Month]: says 2026-09 but the file is named 2026-10.md." in text


def test_quote_text_is_kept_as_text_for_templates_to_escape():
    text = GOOD.replace(
        "Alone we can do so little; together we can do so much.", "Less <script>alert(1)</script> & more"
    )
    quoteaction, _ = parse_quoteaction("content/quoteactions/2026-09.md", text)
    assert quoteaction.quote == "Less <script>alert(1)</script> & more"


PROMPTS = """\
- id: introduce-two-peers
  text: Introduce two people who *should* know each other.
  categories: [Introductions]
  tags: [introductions]
- id: pass-on-a-link
  text: "Send [a useful article](https://example.org/a) to someone who needs it today."
"""


def test_prompts_file_is_read_with_markdown(tmp_path):
    write(tmp_path / "content", "connector-prompts.yaml", PROMPTS)
    prompts = load_connector_prompts(tmp_path / "content/connector-prompts.yaml", tmp_path)
    assert [p.id for p in prompts] == ["introduce-two-peers", "pass-on-a-link"]
    assert prompts[0].text_html == "Introduce two people who <em>should</em> know each other."
    assert prompts[0].categories == ("Introductions",)
    assert (
        prompts[1].text_plain
        == "Send [a useful article](https://example.org/a) to someone who needs it today."
    )


def test_a_prompt_that_starts_like_a_metadata_line_is_kept_whole(tmp_path):
    # Issue 14: the converter with Python-Markdown's meta extension made this an empty <p></p>.
    write(
        tmp_path / "content",
        "connector-prompts.yaml",
        """\
        - id: think-of-two
          text: "Tip: think of two people who should meet."
        - id: note
          text: |
            Note: **one** introduction a week.
            Month: 2026-09 is not a field here either.
        """,
    )
    prompts = load_connector_prompts(tmp_path / "content/connector-prompts.yaml", tmp_path)
    assert prompts[0].text_html == "Tip: think of two people who should meet."
    assert prompts[0].text_plain == "Tip: think of two people who should meet."
    assert prompts[1].text_html == (
        "Note: <strong>one</strong> introduction a week.\nMonth: 2026-09 is not a field here either."
    )


def test_a_quoteaction_reads_its_header_and_keeps_field_like_lines_of_its_action():
    text = GOOD.replace("Your action is to", "Tip: your action is to")
    quoteaction, problems = parse_quoteaction("content/quoteactions/2026-09.md", text)
    assert problems == []
    assert quoteaction.action_html.startswith("<p>Tip: your action is to <strong>invite</strong>")


def test_merge_tags_in_an_action_survive_markdown():
    text = GOOD.replace("Your action is to", "*|FNAME|*, your action is to")
    quoteaction, _ = parse_quoteaction("content/quoteactions/2026-09.md", text)
    assert quoteaction.action_html.startswith("<p>*|FNAME|*, your action is to")


def test_missing_prompts_file_means_no_prompts(tmp_path):
    assert load_connector_prompts(tmp_path / "content/connector-prompts.yaml", tmp_path) == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "- id: a\n  text: [unclosed\n",
            "content/connector-prompts.yaml: is not valid YAML at line 3, column 1: "
            "expected ',' or ']', but got '<stream end>'. "
            "Fix: check indentation and quote text that contains ': '",
        ),
        (
            "- id: introduce-two-peers\n",
            "content/connector-prompts.yaml [prompt 1 (introduce-two-peers) text]: missing or empty. "
            "Fix: add 'text: ...' with the call to action",
        ),
        (
            "- id: same\n  text: One.\n- id: same\n  text: Two.\n",
            "content/connector-prompts.yaml [prompt 2 (same) id]: 'same' is also the id of prompt 1. "
            "Fix: give every prompt its own id",
        ),
        (
            "- text: No id here.\n",
            "content/connector-prompts.yaml [prompt 1 id]: missing. "
            "Fix: add 'id: a-short-name' (lowercase words joined by -)",
        ),
        (
            "- id: Two Words\n  text: Bad id.\n",
            "content/connector-prompts.yaml [prompt 1 (Two Words) id]: "
            "'Two Words' is not lowercase words joined by -. "
            "Fix: use e.g. 'introduce-two-peers'",
        ),
        (
            "- id: a\n  text: T.\n  tag: [x]\n",
            "content/connector-prompts.yaml [prompt 1 (a) tag]: unknown key. Fix: did you mean 'tags'?",
        ),
        (
            "id: a\ntext: T.\n",
            "content/connector-prompts.yaml: must be a list of prompts. "
            "Fix: start each prompt with '- id: ...' on its own line",
        ),
    ],
)
def test_each_bad_prompts_file_is_reported(tmp_path, text, expected):
    write(tmp_path / "content", "connector-prompts.yaml", text)
    _, problems = read_connector_prompts(tmp_path / "content/connector-prompts.yaml", tmp_path)
    assert messages(problems) == [expected]
    with pytest.raises(ContentError):
        load_connector_prompts(tmp_path / "content/connector-prompts.yaml", tmp_path)
