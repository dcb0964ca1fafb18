"""A deterministic synthetic content folder shaped like content/, for the build benchmark.

``write_corpus(folder, articles, seed)`` writes ``articles`` Markdown articles of about
1,150 words each (headings, paragraphs, lists, links, block quotes, an image), the two
pages, a QuoteAction for every month that has articles, the connector prompts file and
the one image the articles show. The text comes from a fixed word list and
``random.Random(seed)``: the same ``articles`` and ``seed`` give a byte-identical folder.
"""

from __future__ import annotations

import random
import struct
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

# Ten years of writing, fixed so the corpus never depends on today's date.
FIRST_DAY = datetime(2016, 1, 1, 7, 0)
LAST_DAY = datetime(2025, 12, 28, 7, 0)
WORDS_PER_ARTICLE = 1150
IMAGE = "images/bench-figure.png"

CATEGORIES = ("Introductions", "Relationships", "Giving First", "Communities", "Careers", "Habits")
AUTHORS = ("Dana Whitfield", "Sam Okafor", "Lena Brandt", "Tomas Reyes")
TAGS = (
    "introductions",
    "connectors",
    "follow-up",
    "habits",
    "generosity",
    "reconnecting",
    "trust",
    "reach",
    "email",
    "invitations",
    "events",
    "mentoring",
    "meetups",
    "coffee",
    "gratitude",
    "listening",
    "questions",
    "notes",
    "calendars",
    "referrals",
    "hiring",
    "careers",
    "founders",
    "teams",
    "remote",
    "writing",
    "feedback",
    "boundaries",
    "reputation",
    "favours",
    "community",
    "volunteering",
    "conferences",
    "online",
    "neighbours",
    "alumni",
    "advice",
    "learning",
    "patience",
    "reciprocity",
)
NOUNS = (
    "network",
    "friend",
    "colleague",
    "introduction",
    "message",
    "meeting",
    "habit",
    "favour",
    "conversation",
    "community",
    "founder",
    "mentor",
    "neighbour",
    "note",
    "question",
    "answer",
    "calendar",
    "list",
    "week",
    "month",
    "year",
    "project",
    "idea",
    "team",
    "event",
    "dinner",
    "walk",
    "call",
    "letter",
    "reply",
    "promise",
    "gift",
    "lesson",
    "story",
    "book",
    "name",
    "contact",
    "group",
    "circle",
    "table",
    "office",
    "city",
    "street",
    "garden",
    "workshop",
    "kitchen",
    "library",
    "market",
    "bridge",
    "door",
    "road",
    "river",
    "morning",
    "evening",
)
VERBS = (
    "send",
    "write",
    "ask",
    "answer",
    "remember",
    "notice",
    "share",
    "offer",
    "invite",
    "thank",
    "follow",
    "meet",
    "call",
    "visit",
    "introduce",
    "listen",
    "keep",
    "plan",
    "review",
    "help",
    "recommend",
    "forward",
    "read",
    "note",
    "start",
    "finish",
    "return",
    "open",
    "build",
    "tend",
)
ADJECTIVES = (
    "small",
    "useful",
    "quiet",
    "honest",
    "warm",
    "short",
    "clear",
    "generous",
    "simple",
    "patient",
    "kind",
    "busy",
    "new",
    "old",
    "careful",
    "specific",
    "open",
    "steady",
    "friendly",
    "curious",
    "thoughtful",
    "early",
    "late",
    "weekly",
    "monthly",
    "rare",
    "good",
    "brief",
    "plain",
    "real",
)
ADVERBS = (
    "quietly",
    "often",
    "rarely",
    "gently",
    "clearly",
    "always",
    "usually",
    "slowly",
    "soon",
    "today",
    "again",
    "together",
    "carefully",
    "simply",
    "honestly",
    "kindly",
)
LINKERS = ("and", "but", "so", "because", "while", "when", "until", "after", "before", "if")
DETERMINERS = ("the", "a", "one", "every", "your", "their", "our", "this", "that", "each")
PEOPLE = (
    "Ada",
    "Bruno",
    "Chidi",
    "Dora",
    "Emil",
    "Farah",
    "Goran",
    "Hana",
    "Ivo",
    "Jun",
    "Kemal",
    "Lior",
    "Mina",
    "Nils",
    "Oona",
    "Pavel",
    "Rosa",
    "Sven",
    "Talia",
    "Uma",
    "Viktor",
    "Wen",
    "Yara",
    "Zeno",
)
ROLES = ("teacher", "founder", "gardener", "editor", "engineer", "librarian", "organiser", "nurse")


@dataclass(frozen=True)
class ArticlePlan:
    """What one article is before its text is written."""

    index: int
    slug: str
    title: str
    date: datetime
    category: str
    tags: tuple[str, ...]
    author: str


def write_corpus(folder: Path, articles: int, seed: int = 0) -> Path:
    """Write the corpus into ``folder`` (created; existing files with the same names are
    overwritten) and return it."""
    if articles < 1:
        raise ValueError(f"articles must be at least 1, not {articles}")
    folder = Path(folder)
    rng = random.Random(seed)
    plans = plan_articles(articles, rng)
    slugs = [plan.slug for plan in plans]
    for plan in plans:
        _write(folder / "articles" / f"{plan.slug}.md", article_text(plan, slugs, rng))
    for name, text in pages().items():
        _write(folder / "pages" / f"{name}.md", text)
    for month in sorted({plan.date.strftime("%Y-%m") for plan in plans}):
        _write(folder / "quoteactions" / f"{month}.md", quoteaction_text(month, rng))
    _write(folder / "connector-prompts.yaml", prompts_text(rng))
    image = folder / IMAGE
    image.parent.mkdir(parents=True, exist_ok=True)
    image.write_bytes(tiny_png())
    return folder


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def plan_articles(count: int, rng: random.Random) -> list[ArticlePlan]:
    """Titles, slugs, dates (spread evenly over ten years), categories, tags and authors."""
    span = (LAST_DAY - FIRST_DAY).total_seconds()
    plans = []
    for index in range(count):
        offset = span * index / max(count - 1, 1)
        date = FIRST_DAY + timedelta(seconds=int(offset) // 60 * 60)
        words = [
            rng.choice(ADJECTIVES),
            rng.choice(NOUNS),
            rng.choice(("for", "with", "after", "before")),
            rng.choice(DETERMINERS),
            rng.choice(NOUNS),
        ]
        title = " ".join(words).capitalize()
        slug = f"{'-'.join(words)}-{index + 1:05d}"
        tags = tuple(sorted(rng.sample(TAGS, rng.randint(2, 4))))
        plans.append(ArticlePlan(index, slug, title, date, rng.choice(CATEGORIES), tags, rng.choice(AUTHORS)))
    return plans


def sentence(rng: random.Random, low: int = 8, high: int = 18) -> str:
    """One sentence of plain words, capitalised, with a full stop."""
    words: list[str] = []
    target = rng.randint(low, high)
    while len(words) < target:
        words += [rng.choice(DETERMINERS), rng.choice(ADJECTIVES), rng.choice(NOUNS), rng.choice(VERBS)]
        if rng.random() < 0.4:
            words.append(rng.choice(ADVERBS))
        words += [rng.choice(DETERMINERS), rng.choice(NOUNS)]
        if len(words) < target:
            words.append(rng.choice(LINKERS))
    text = " ".join(words[:target]).rstrip(",")
    if text.split()[-1] in LINKERS:
        text = text.rsplit(" ", 1)[0]
    return text[0].upper() + text[1:] + rng.choice((".", ".", ".", "?"))


def paragraph(rng: random.Random, sentences: tuple[int, int] = (3, 6), extras: tuple[str, ...] = ()) -> str:
    parts = [sentence(rng) for _ in range(rng.randint(*sentences))]
    if rng.random() < 0.3:
        index = rng.randrange(len(parts))
        words = parts[index].split(" ")
        at = rng.randrange(1, len(words) - 1)
        words[at] = f"**{words[at]}**"
        parts[index] = " ".join(words)
    parts += extras
    return " ".join(parts)


def article_text(plan: ArticlePlan, slugs: list[str], rng: random.Random) -> str:
    """The whole Markdown file of one article: fields, then about 1,150 words of body."""
    others = [slug for slug in slugs if slug != plan.slug]
    summary = sentence(rng, 14, 24).rstrip("?.") + "."
    header = [
        f"Title: {plan.title}",
        f"Date: {plan.date:%Y-%m-%d %H:%M}",
        f"Category: {plan.category}",
        f"Tags: {', '.join(plan.tags)}",
        f"Author: {plan.author}",
        f"Summary: {summary}",
        f"Slug: {plan.slug}",
    ]
    blocks = [paragraph(rng), paragraph(rng)]
    section = 0
    while _word_count(blocks) < WORDS_PER_ARTICLE - 60:
        section += 1
        heading = " ".join(
            [rng.choice(VERBS), rng.choice(DETERMINERS), rng.choice(ADJECTIVES), rng.choice(NOUNS)]
        )
        blocks.append(f"## {heading.capitalize()}")
        link = ""
        if others and rng.random() < 0.7:
            target = rng.choice(others)
            link = f"Read more in [{' '.join(target.split('-')[:3])}]({{filename}}{target}.md)."
        elif rng.random() < 0.5:
            noun, path, number = rng.choice(NOUNS), rng.choice(NOUNS), rng.randint(1, 999)
            link = f"See [the {noun} notes](https://example.org/{path}/{number}/)."
        blocks.append(paragraph(rng, extras=(link,) if link else ()))
        kind = section % 4
        if kind == 1:
            blocks.append("\n".join(f"- {sentence(rng, 5, 10)}" for _ in range(rng.randint(3, 6))))
        elif kind == 2:
            person = rng.choice(PEOPLE)
            blocks.append(
                "\n>\n".join(f"> {sentence(rng, 10, 16)}" for _ in range(2))
                + f"\n>\n> — {person}, {rng.choice(ROLES)}"
            )
        elif kind == 3:
            blocks.append("\n".join(f"{n}. {sentence(rng, 6, 12)}" for n in range(1, rng.randint(4, 6))))
        else:
            blocks.append(
                f"![A {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} drawn as a small "
                f"square]({{static}}/{IMAGE})"
            )
        blocks.append(paragraph(rng))
    if section < 4:
        blocks.append(
            f"![A {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} drawn as a small square]({{static}}/{IMAGE})"
        )
    return "\n".join(header) + "\n\n" + "\n\n".join(blocks) + "\n"


def _word_count(blocks: list[str]) -> int:
    return sum(len(block.split()) for block in blocks)


def pages() -> dict[str, str]:
    return {
        "about": (
            "Title: About\nSlug: about\nSummary: A benchmark site with many articles about building a "
            "network.\n\n"
            "This site is generated for Networker's build benchmark. Every article ends with a\n"
            "**connector prompt** and every month has a **QuoteAction**.\n\n"
            "## Who writes here\n\nA small group of made-up authors, writing from a fixed word list.\n"
        ),
        "subscribe": (
            "Title: Subscribe\nSlug: subscribe\nTemplate: subscribe\n"
            "Summary: Get the newsletter once a month: a QuoteAction, the month's articles and one way to "
            "help.\n\n"
            "The newsletter arrives once a month. Each issue has:\n\n"
            "- **The QuoteAction:** a quote and one concrete action.\n"
            "- **The month's articles,** each with a short summary.\n"
            "- **A connector prompt:** one way to help someone.\n\n"
            "Every past issue is on the [newsletter page](/newsletter/).\n"
        ),
    }


def quoteaction_text(month: str, rng: random.Random) -> str:
    quote = sentence(rng, 8, 16)
    return (
        f"Month: {month}\n"
        f"Quote: {quote}\n"
        f"Quote_author: {rng.choice(PEOPLE)} {rng.choice(PEOPLE)}son\n"
        f"Quote_author_role: {rng.choice(ROLES)}\n\n"
        f"Your action is to {rng.choice(VERBS)} {rng.choice(DETERMINERS)} {rng.choice(ADJECTIVES)} "
        f"{rng.choice(NOUNS)} this month. {paragraph(rng, (1, 2))}\n"
    )


def prompts_text(rng: random.Random, count: int = 12) -> str:
    lines = ["# Connector prompts of the benchmark corpus.", ""]
    for number in range(1, count + 1):
        verb, noun = rng.choice(VERBS), rng.choice(NOUNS)
        lines.append(f"- id: {verb}-a-{noun}-{number:02d}")
        lines.append(
            f"  text: {verb.capitalize()} one {rng.choice(ADJECTIVES)} {noun} this week, **for someone "
            "else**."
        )
        if number % 2:
            lines.append(f"  categories: [{CATEGORIES[number % len(CATEGORIES)]}]")
        lines.append(f"  tags: [{', '.join(sorted(rng.sample(TAGS, 2)))}]")
        lines.append("")
    return "\n".join(lines)


def tiny_png() -> bytes:
    """An 8×8 PNG of one colour, built by hand (no image library)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x2a\x6f\x97" * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )
