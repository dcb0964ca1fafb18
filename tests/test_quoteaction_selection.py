"""Choosing connector prompts: deterministic, matching, spread, overridable."""

from __future__ import annotations

import random

import pytest

from pelican.plugins.quoteaction.model import ConnectorPrompt
from pelican.plugins.quoteaction.selection import ArticleFacts, choose_prompts, match_score
from pelican_contentkit.errors import ContentError


def prompt(prompt_id, categories=(), tags=()):
    return ConnectorPrompt(
        prompt_id, f"{prompt_id} text", f"{prompt_id} text", tuple(categories), tuple(tags)
    )


def article(slug, day, category="Relationships", tags=(), override=None):
    return ArticleFacts(
        key=f"content/articles/{slug}.md",
        slug=slug,
        sort_key=(f"2026-10-{day:02d}", slug),
        category=category,
        tags=tuple(tags),
        override=override,
        source_path=f"content/articles/{slug}.md",
    )


GENERAL = [
    prompt("reconnect"),
    prompt("pass-on-a-link"),
    prompt("recommend-a-book"),
    prompt("endorse-a-peer"),
]
INTRO = prompt("introduce-two-peers", categories=["Introductions"], tags=["introductions"])
FOLLOW = prompt("follow-up-note", tags=["follow-up"])
PROMPTS = [*GENERAL, INTRO, FOLLOW]


def test_score_prefers_category_then_tags_case_insensitively():
    assert match_score(INTRO, article("a", 1, "introductions", ["Introductions"])) == 3
    assert match_score(INTRO, article("a", 1, "Introductions")) == 2
    assert match_score(FOLLOW, article("a", 1, tags=["follow-up"])) == 1
    assert match_score(GENERAL[0], article("a", 1, "Introductions", ["introductions"])) == 0


def test_matching_prompt_wins_over_general_ones():
    chosen = choose_prompts([article("warm-intro", 1, "Introductions")], PROMPTS, {})
    assert chosen["content/articles/warm-intro.md"] == INTRO


def test_choice_is_the_same_whatever_order_articles_and_prompts_come_in():
    articles = [article(f"a{i}", i) for i in range(1, 20)]
    first = choose_prompts(articles, PROMPTS, {})
    shuffled_articles, shuffled_prompts = articles[:], PROMPTS[:]
    random.Random(7).shuffle(shuffled_articles)
    random.Random(8).shuffle(shuffled_prompts)
    assert choose_prompts(shuffled_articles, shuffled_prompts, {}) == first


def test_neighbouring_articles_do_not_repeat_a_prompt_when_there_are_alternatives():
    articles = [article(f"a{i}", i) for i in range(1, 25)]
    chosen = choose_prompts(articles, GENERAL, {}, spread=3)
    sequence = [chosen[a.key].id for a in articles]
    for index in range(1, len(sequence)):
        assert sequence[index] not in sequence[max(0, index - 3) : index], sequence
    assert len(set(sequence)) == len(GENERAL)


def test_spreading_stays_among_matching_prompts():
    articles = [article(f"i{i}", i, "Introductions", ["follow-up"]) for i in range(1, 6)]
    chosen = choose_prompts(articles, PROMPTS, {}, spread=3)
    assert {chosen[a.key].id for a in articles} == {"introduce-two-peers", "follow-up-note"}


def test_without_spreading_an_article_always_gets_its_own_best_ranked_prompt():
    one = choose_prompts([article("x", 5)], GENERAL, {}, spread=0)
    many = choose_prompts(
        [article(f"a{i}", i) for i in range(1, 5)] + [article("x", 5)], GENERAL, {}, spread=0
    )
    assert one["content/articles/x.md"] == many["content/articles/x.md"]


def test_overrides_pick_an_id_switch_off_or_use_custom_text():
    custom = ConnectorPrompt("custom", "Call <em>Sam</em>.", "Call Sam.")
    articles = [
        article("by-id", 1, override="reconnect"),
        article("off", 2, override="none"),
        article("own-words", 3, override="Call *Sam* this week and ask how the move went."),
    ]
    chosen = choose_prompts(articles, PROMPTS, {"content/articles/own-words.md": custom})
    assert chosen["content/articles/by-id.md"].id == "reconnect"
    assert chosen["content/articles/off.md"] is None
    assert chosen["content/articles/own-words.md"] is custom


def test_unknown_prompt_id_is_an_error_naming_the_article_and_the_ids():
    with pytest.raises(ContentError) as raised:
        choose_prompts([article("typo", 1, override="reconect")], GENERAL, {})
    assert raised.value.message == (
        "content/articles/typo.md [Connector_prompt]: 'reconect' is not the id of a connector prompt. "
        "Fix: use an id from content/connector-prompts.yaml "
        "(endorse-a-peer, pass-on-a-link, recommend-a-book, "
        "reconnect), your own sentence, or 'none'"
    )


def test_no_prompts_means_no_prompt():
    assert choose_prompts([article("a", 1)], [], {}) == {"content/articles/a.md": None}
