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


def related_all(articles: list[ArticleFacts], limit: int = 3) -> dict[str, list[str]]:
    """:func:`related` for every article at once, without comparing every pair: the same
    choices, in time that grows with the articles sharing tags rather than with their square.

    Articles sharing two tags or more are found by intersecting the tags' article sets (few);
    the rest of the places go to the newest articles sharing one tag, read from the front of
    each tag's newest-first list."""
    by_recency = sorted(
        sorted(articles, key=lambda fact: fact.key), key=lambda fact: fact.sort_key[0], reverse=True
    )
    rank = {fact.key: position for position, fact in enumerate(by_recency)}
    tags_of = {fact.key: fact.tags for fact in articles}
    newest_first: dict[str, list[str]] = {}
    for fact in by_recency:
        for tag in fact.tags:
            newest_first.setdefault(tag, []).append(fact.key)
    members = {tag: set(keys) for tag, keys in newest_first.items()}

    chosen: dict[str, list[str]] = {}
    for fact in articles:
        tags = sorted(fact.tags)
        several: set[str] = set()
        for first, tag in enumerate(tags):
            for other_tag in tags[first + 1 :]:
                several |= members[tag] & members[other_tag]
        several.discard(fact.key)
        best = sorted(several, key=lambda key: (-len(fact.tags & tags_of[key]), rank[key]))[:limit]
        if len(best) < limit:
            wanted = limit - len(best)
            one_tag: set[str] = set()
            for tag in tags:
                taken = 0
                for key in newest_first[tag]:
                    if key != fact.key and key not in several:
                        one_tag.add(key)
                        taken += 1
                        if taken == wanted:
                            break
            best += sorted(one_tag, key=rank.__getitem__)[:wanted]
        chosen[fact.key] = best
    return chosen
