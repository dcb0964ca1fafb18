"""``invoke new-article / new-quoteaction / new-newsletter / new-author``: correctly named files
with every field.

The ``*_file`` functions are pure: they return the path (relative to the content folder)
and the text. :func:`create` writes it, refusing to overwrite. Comments are Markdown
comments (``[//]: # "..."``), which render to nothing, so a forgotten one never
reaches readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from pelican_contentkit.errors import ContentError


def comment(text: str) -> str:
    """A Markdown comment line: a link reference definition nothing refers to."""
    return f'[//]: # "{text.replace(chr(34), chr(39))}"'


def article_file(
    title: str,
    now: datetime,
    slug: str,
    author: str,
    categories: Sequence[str],
    prompt_ids: Sequence[str],
    folder: str = "articles",
) -> tuple[str, str]:
    """A draft article: Status: draft until the author removes it (or sets published)."""
    known = ", ".join(categories) if categories else "none yet: choose a short name"
    prompts = ", ".join(prompt_ids) if prompt_ids else "none defined"
    text = "\n".join(
        [
            f"Title: {title}",
            f"Date: {now:%Y-%m-%d %H:%M}",
            "Category:",
            "Tags:",
            f"Author: {author}",
            "Summary:",
            f"Slug: {slug}",
            "Status: draft",
            "",
            comment("Fill in every field above, then delete these comment lines."),
            comment(f"Category: one of the site's categories ({known})."),
            comment("Tags: a few words, separated by commas, e.g. introductions, follow-up."),
            comment("Summary: one or two sentences; lists, search results and the newsletter show it."),
            comment(
                "Status: draft keeps it off the site, the feeds and the newsletter. "
                "Remove the line to publish."
            ),
            comment(f"Optional: Connector_prompt: one of {prompts}, your own sentence, or none."),
            comment(
                "Images: ![Describe the picture]({static}/images/name.jpg) with the file in content/images/."
            ),
            comment("Links to other articles: [their title]({filename}other-article.md)."),
            comment(
                "Write the article below, in Markdown: start with the reader's problem, then the advice."
            ),
            "",
        ]
    )
    return f"{folder}/{slug}.md", text


def quoteaction_file(month: str, folder: str = "quoteactions") -> tuple[str, str]:
    text = "\n".join(
        [
            f"Month: {month}",
            "Quote:",
            "Quote_author:",
            "Quote_author_role:",
            "Source:",
            "",
            comment("Quote: the words exactly as said or written, without quotation marks."),
            comment("Quote_author: who said it. Quote_author_role (optional): what they are, e.g. poet."),
            comment("Source (optional): where it comes from, e.g. a book or speech and its year."),
            comment(
                "Below: the month's one concrete action, starting 'Your action is to ...'. "
                "Then delete these comments."
            ),
            "",
        ]
    )
    return f"{folder}/{month}.md", text


def newsletter_file(month: str, folder: str = "newsletters") -> tuple[str, str]:
    text = "\n".join(
        [
            "Subject:",
            "Preview_text:",
            "",
            comment(
                f"Overrides for the {month} issue. Every field is optional; empty fields keep the defaults."
            ),
            comment(
                "Subject: what subscribers see in their inbox "
                "(at most 78 characters; the default is the name, number and month)."
            ),
            comment("Preview_text: the line mail clients show after the subject (at most 140 characters)."),
            comment(
                "Articles: slug-one, slug-two  (add this line to choose and order the issue's articles)."
            ),
            comment(
                "Featured: a-slug  (add this line to put that article in full in the issue, "
                "after the note; keep the email under 90 KB)."
            ),
            comment(
                "Send_date: 2026-12-01 09:00  (the planned send, in the site's time zone: "
                "`--schedule` without a time schedules at it)."
            ),
            comment("Always_build: yes  (add this line to build an issue for a month without articles)."),
            comment("Number: 4  (add this line once the issue is sent: its number then never changes)."),
            comment("Text below the comments is the editor's note at the top of the issue, in Markdown."),
            "",
        ]
    )
    return f"{folder}/{month}.md", text


def author_file(name: str, slug: str, folder: str = "authors") -> tuple[str, str]:
    """An author's profile: ``Name:`` as the articles write it in ``Author:``."""
    text = "\n".join(
        [
            f"Name: {name}",
            "Role:",
            "Website:",
            "Links:",
            "Photo:",
            "Photo_alt:",
            "",
            comment(f"Name: exactly as articles write it in Author: (the page is /author/{slug}/)."),
            comment("Role (optional): one line, e.g. Career coach."),
            comment("Website (optional): a full address, e.g. https://example.com/."),
            comment("Links (optional): full addresses separated by commas: LinkedIn, Mastodon, GitHub ..."),
            comment(
                "Photo (optional): {static}/images/authors/name.jpg, the file in content/images/authors/; "
                "Photo_alt: what the photo shows (required with a photo)."
            ),
            comment(
                "Empty optional fields can stay or go. Below: the bio in Markdown; its first paragraph is "
                "the short profile under articles and in the newsletter. Then delete these comments."
            ),
            "",
        ]
    )
    return f"{folder}/{slug}.md", text


def create(content: Path, relative: str, text: str) -> Path:
    """Write ``text`` to ``content/relative``; never overwrite an existing file."""
    target = content / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise ContentError(
            target, None, "already exists and was left untouched", "edit it, or choose another title or month"
        ) from None
    return target
