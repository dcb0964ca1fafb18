"""The plain text of rendered pieces (the email's text part): text without markup takes a
shortcut around html2text, which must say exactly what html2text says."""

from __future__ import annotations

import pytest

from pelican_contentkit.markup import converted_to_text, html_to_text


@pytest.mark.parametrize(
    "rendered",
    [
        "How to Make an Introduction",
        "<p>One sentence on what the reader will learn.</p>\n",
        "<p>One sentence</p>",
        "  runs  of\twhite\n\nspace\xa0too  ",
        "<p>  a \n b  </p>\n",
        "1. not a list",
        "# not a heading",
        "*not emphasis* _nor this_ a\\b --- > q | a | b |",
        "Café “quoted” — dashes…",
        "",
        "<p></p>",
        # Markup: html2text's own way.
        "<p>Fish &amp; chips</p>",
        "<p>a <em>b</em></p>\n",
        "<p>one</p>\n<p>two</p>\n",
        "<p>unclosed",
        "closed</p>",
        "Tom &amp; Jerry",
    ],
)
def test_the_shortcut_says_what_html2text_says(rendered):
    assert html_to_text(rendered) == converted_to_text(rendered)
