"""Previous/next and related articles, decided over plain facts about the published articles."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ArticleFacts:
    key: str  # unique: the article's source path
    sort_key: tuple[str, str]  # (ISO date, key): chronological and total
    tags: frozenset[str]  # tag slugs


@dataclass(frozen=True)
class Neighbours:
    previous: str | None  # the key of the next older article
    next: str | None  # the key of the next newer article


def neighbours(articles: list[ArticleFacts]) -> dict[str, Neighbours]:
    """Each article's older and newer neighbour, by date (then source path)."""
    ordered = [fact.key for fact in sorted(articles, key=lambda fact: fact.sort_key)]
    return {
        key: Neighbours(
            previous=ordered[index - 1] if index > 0 else None,
            next=ordered[index + 1] if index + 1 < len(ordered) else None,
        )
        for index, key in enumerate(ordered)
    }


def related(article: ArticleFacts, candidates: list[ArticleFacts], limit: int = 3) -> list[str]:
    """Keys of up to ``limit`` other articles sharing tags with ``article``: most shared tags
    first, then the newest, then by source path, so the choice never depends on input order."""
    scored = [
        (len(article.tags & other.tags), other)
        for other in candidates
        if other.key != article.key and article.tags & other.tags
    ]
    # Sorts are stable: the last one decides first.
    scored.sort(key=lambda pair: pair[1].key)
    scored.sort(key=lambda pair: pair[1].sort_key[0], reverse=True)  # newest first
    scored.sort(key=lambda pair: pair[0], reverse=True)  # most shared tags first
    return [other.key for _, other in scored[:limit]]
