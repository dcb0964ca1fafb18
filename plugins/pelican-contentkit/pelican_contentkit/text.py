"""Reading time, shared by the theme (article pages) and the newsletter."""

from __future__ import annotations

import functools
import math
import re

WORDS_PER_MINUTE = 230
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+(?:['’]\w+)*")


def word_count(html: str) -> int:
    return len(_WORD.findall(_TAG.sub(" ", html)))


# Asked twice per article in a build (the theme's plugin, the newsletter), and again on every
# live-reload rebuild: a body string seen before is answered without counting.
@functools.lru_cache(maxsize=16384)
def reading_minutes(html: str, words_per_minute: int = WORDS_PER_MINUTE) -> int:
    """Whole minutes to read ``html`` at ``words_per_minute``; at least 1."""
    return max(1, math.ceil(word_count(html) / words_per_minute))
