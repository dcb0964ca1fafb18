import pytest

from pelican_contentkit.text import reading_minutes, word_count


def test_word_count_ignores_markup_and_keeps_contractions():
    assert word_count("<p>Don’t <em>wait</em> to <a href='x'>help</a>.</p>") == 4


@pytest.mark.parametrize(("words", "minutes"), [(0, 1), (230, 1), (231, 2), (1150, 5)])
def test_reading_minutes_rounds_up_with_a_floor_of_one(words, minutes):
    assert reading_minutes("<p>" + "word " * words + "</p>") == minutes


@pytest.mark.parametrize(
    ("html", "words"),
    [
        ("<p>rock'n'roll a''b 'tis o' x_1 -- 42</p>", 7),  # the ASCII path, apostrophes joining or not
        ("<p>a’b’c “quoted” — dash… end</p>", 4),  # smart punctuation, read as ASCII
        ("<p>Café naïve ² don’t</p>", 4),  # other letters: the regular expression
        ("'a", 1),
        ("", 0),
    ],
)
def test_word_count_is_the_count_of_runs_joined_by_apostrophes(html, words):
    assert word_count(html) == words
