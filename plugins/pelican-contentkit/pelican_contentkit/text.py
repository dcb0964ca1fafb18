"""Reading time, shared by the theme (article pages) and the newsletter."""

from __future__ import annotations

import functools
import itertools
import math
import re

WORDS_PER_MINUTE = 230
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
# What smart punctuation and authors put in English text besides ASCII: none of it is a word
# character (the right single quote is the apostrophe _WORD joins words with, as ' is).
_PUNCTUATION = (
    ("’", "'"),
    ("—", " "),
    ("–", " "),
    ("“", " "),
    ("”", " "),
    ("‘", " "),
    ("…", " "),
    ("\xa0", " "),
)
# ASCII bytes: a word character (\w) becomes a, ' stays, anything else is a space.
_WORD_MAP = (
    bytes(
        ord("a") if chr(byte).isalnum() or byte == ord("_") else byte if byte == ord("'") else ord(" ")
        for byte in range(128)
    )
    + b" " * 128
)


def word_count(html: str) -> int:
    """The words of ``html``'s text: runs of word characters, joined by an apostrophe."""
    text = _TAG.sub(" ", html)
    for mark, replacement in _PUNCTUATION:
        if mark in text:
            text = text.replace(mark, replacement)
    if not text.isascii():
        return len(_WORD.findall(text))
    # _WORD's count without a string per word (five times faster): the runs of word
    # characters, less the apostrophes that join two of them.
    mapped = text.encode("ascii").translate(_WORD_MAP)
    runs = mapped.count(b" a") + mapped.count(b"'a") + mapped.startswith(b"a")
    if b"'" not in mapped:
        return runs
    pieces = mapped.split(b"'")
    return runs - sum(
        1 for before, after in itertools.pairwise(pieces) if before.endswith(b"a") and after.startswith(b"a")
    )


# Asked twice per article in a build (the theme's plugin, the newsletter), and again on every
# live-reload rebuild: a body string seen before is answered without counting.
@functools.lru_cache(maxsize=16384)
def reading_minutes(html: str, words_per_minute: int = WORDS_PER_MINUTE) -> int:
    """Whole minutes to read ``html`` at ``words_per_minute``; at least 1."""
    return max(1, math.ceil(word_count(html) / words_per_minute))
