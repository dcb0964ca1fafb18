import pytest

from pelican_contentkit.text import reading_minutes, word_count


def test_word_count_ignores_markup_and_keeps_contractions():
    assert word_count("<p>Don’t <em>wait</em> to <a href='x'>help</a>.</p>") == 4


@pytest.mark.parametrize(("words", "minutes"), [(0, 1), (230, 1), (231, 2), (1150, 5)])
def test_reading_minutes_rounds_up_with_a_floor_of_one(words, minutes):
    assert reading_minutes("<p>" + "word " * words + "</p>") == minutes
