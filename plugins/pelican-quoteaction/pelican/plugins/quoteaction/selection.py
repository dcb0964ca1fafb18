"""Choosing a connector prompt for each article.

The algorithm, in order:

1. An article's ``Connector_prompt:`` metadata wins: ``none`` switches the prompt
   off, a known prompt id picks that prompt, and any text with a space in it is used
   as the article's own prompt. A single word that is not a known id is an error
   (most likely a typo of an id).
2. Otherwise each prompt scores 2 if it lists the article's category and 1 for every
   tag it shares with the article (case-insensitive). The prompts that match at all
   are the candidates, best score first; when nothing matches, every prompt is.
3. Candidates with the same score are ranked by a hash of (article slug, prompt id):
   the same article gets the same ranking on every build, whatever order the files
   were read in, and adding a prompt moves an article only if the new prompt ranks
   first for it.
4. Articles are taken in date order; each takes its best-ranked candidate that none of
   the ``spread`` articles before it took, so neighbours differ whenever the
   candidates allow it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from pelican_contentkit.errors import ContentError

from .model import ConnectorPrompt

CUSTOM_PROMPT_ID = "custom"
OFF_VALUES = frozenset({"none", "off", "no", "false"})


@dataclass(frozen=True)
class ArticleFacts:
    """What prompt selection needs to know about an article."""

    key: str  # unique: the source file
    slug: str  # stable across moves and renames of the file: ranks the prompts
    sort_key: tuple  # (date, source path): the order articles are taken in
    category: str
    tags: tuple[str, ...]
    override: str | None  # the Connector_prompt metadata, if any
    source_path: str


def match_score(prompt: ConnectorPrompt, article: ArticleFacts) -> int:
    score = 2 if article.category.lower() in {c.lower() for c in prompt.categories} else 0
    return score + len({t.lower() for t in prompt.tags} & {t.lower() for t in article.tags})


def rank(article_key: str, prompt_id: str) -> str:
    return hashlib.sha256(f"{article_key}\0{prompt_id}".encode()).hexdigest()


def override_prompt(
    article: ArticleFacts, prompts_by_id: dict[str, ConnectorPrompt], custom: ConnectorPrompt | None
) -> tuple[bool, ConnectorPrompt | None]:
    """(True, prompt-or-None) when the article's metadata decides its prompt."""
    value = (article.override or "").strip()
    if not value:
        return False, None
    if value.lower() in OFF_VALUES:
        return True, None
    if value in prompts_by_id:
        return True, prompts_by_id[value]
    if " " not in value:
        known = ", ".join(sorted(prompts_by_id)) or "none are defined"
        raise ContentError(
            article.source_path,
            "Connector_prompt",
            f"{value!r} is not the id of a connector prompt",
            f"use an id from content/connector-prompts.yaml ({known}), your own sentence, or 'none'",
        )
    return True, custom


def choose_prompts(
    articles: Sequence[ArticleFacts],
    prompts: Sequence[ConnectorPrompt],
    custom_prompts: dict[str, ConnectorPrompt],
    spread: int = 3,
) -> dict[str, ConnectorPrompt | None]:
    """The prompt of every article, by article key. ``custom_prompts`` holds the rendered
    custom texts by article key."""
    prompts_by_id = {prompt.id: prompt for prompt in prompts}
    chosen: dict[str, ConnectorPrompt | None] = {}
    recent: list[str] = []
    for article in sorted(articles, key=lambda a: a.sort_key):
        decided, prompt = override_prompt(article, prompts_by_id, custom_prompts.get(article.key))
        if not decided:
            prompt = _best_candidate(article, prompts, recent[-spread:] if spread else [])
        chosen[article.key] = prompt
        if prompt is not None:
            recent.append(prompt.id)
    return chosen


def _best_candidate(
    article: ArticleFacts, prompts: Sequence[ConnectorPrompt], avoid: list[str]
) -> ConnectorPrompt | None:
    if not prompts:
        return None
    scores = {prompt.id: match_score(prompt, article) for prompt in prompts}
    matching = [prompt for prompt in prompts if scores[prompt.id] > 0] or list(prompts)
    candidates = sorted(matching, key=lambda p: (-scores[p.id], rank(article.slug, p.id)))
    fresh = [prompt for prompt in candidates if prompt.id not in avoid]
    return (fresh or candidates)[0]
