"""The editor's optional content/newsletters/YYYY-MM.md files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pelican_contentkit.errors import ContentError
from pelican_contentkit.header import header_fields, read_header, unknown_field_fix
from pelican_contentkit.markup import html_to_text, piece_html
from pelican_contentkit.months import month_problem
from pelican_contentkit.reading import read_content_file

from .model import NewsletterOverride

FIELDS = ("subject", "preview_text", "articles", "featured", "send_date", "always_build", "number")
LABELS = {
    "subject": "Subject",
    "preview_text": "Preview_text",
    "articles": "Articles",
    "featured": "Featured",
    "send_date": "Send_date",
    "always_build": "Always_build",
    "number": "Number",
}
# What mail clients show: subjects are cut at about 60 characters on phones,
# preview text after about 90-140.
SUBJECT_MAX = 78
PREVIEW_TEXT_MAX = 140
YES = frozenset({"yes", "true", "1", "on"})
NO = frozenset({"no", "false", "0", "off"})


def parse_override(
    label: str, text: str, timezone: str
) -> tuple[NewsletterOverride | None, list[ContentError]]:
    """(NewsletterOverride or None, problems) for one override file: its header as an
    article's, the editor's note below it in the site's Markdown."""
    problems: list[ContentError] = []
    month = Path(label).stem
    bad_name = month_problem(month)
    if bad_name:
        problems.append(
            ContentError(
                label, "file name", bad_name, "name the file after the issue's month, e.g. 2026-11.md"
            )
        )
    header = read_header(text)
    note_html = piece_html(header.body)
    meta = header_fields(header)
    for key in sorted(set(meta) - set(FIELDS)):
        problems.append(
            ContentError(label, key.capitalize(), "unknown field", unknown_field_fix(key, LABELS))
        )

    subject = meta.get("subject") or None
    if subject is not None and len(subject) > SUBJECT_MAX:
        problems.append(
            ContentError(
                label,
                "Subject",
                f"is {len(subject)} characters; mail clients cut it after about {SUBJECT_MAX}",
                "shorten it",
            )
        )
    preview = meta.get("preview_text") or None
    if preview is not None and len(preview) > PREVIEW_TEXT_MAX:
        problems.append(
            ContentError(
                label,
                "Preview_text",
                f"is {len(preview)} characters; mail clients show about {PREVIEW_TEXT_MAX}",
                "shorten it to one line",
            )
        )
    slugs = None
    if "articles" in meta:
        slugs = tuple(slug.strip() for slug in meta["articles"].split(",") if slug.strip())
        if not slugs:
            problems.append(
                ContentError(
                    label,
                    "Articles",
                    "is empty",
                    "list article slugs separated by commas, or remove the line",
                )
            )
    featured = meta.get("featured", "").strip() or None
    if featured is not None and ("," in featured or " " in featured):
        problems.append(
            ContentError(
                label,
                "Featured",
                f"{featured!r} is not one slug",
                "name one article by its Slug:, e.g. Featured: a-network-map-in-one-hour",
            )
        )
    send_at = None
    if meta.get("send_date"):
        try:
            send_at = datetime.fromisoformat(meta["send_date"])
        except ValueError:
            problems.append(
                ContentError(
                    label,
                    "Send_date",
                    f"{meta['send_date']!r} is not a date and time",
                    "write it as 2026-12-01 09:00",
                )
            )
        else:
            if send_at.tzinfo is None:
                send_at = send_at.replace(tzinfo=ZoneInfo(timezone))
    always = (meta.get("always_build") or "no").lower()
    if always not in YES | NO:
        problems.append(
            ContentError(label, "Always_build", f"{always!r} is not yes or no", "write Always_build: yes")
        )
    number = None
    if meta.get("number"):
        value = meta["number"].strip().lstrip("#")
        if value.isdigit() and int(value) >= 1:
            number = int(value)
        else:
            problems.append(
                ContentError(
                    label,
                    "Number",
                    f"{meta['number']!r} is not an issue number",
                    "write the number the issue was sent with, e.g. Number: 4",
                )
            )
    if problems:
        return None, problems
    return (
        NewsletterOverride(
            month=month,
            source_path=label,
            subject=subject,
            preview_text=preview,
            note_html=note_html,
            note_text=html_to_text(note_html),
            article_slugs=slugs,
            send_at=send_at,
            always_build=always in YES,
            number=number,
            featured_slug=featured,
        ),
        [],
    )


def read_overrides(
    folder: Path, label_root: Path, timezone: str
) -> tuple[dict[str, NewsletterOverride], list[ContentError]]:
    """({month: NewsletterOverride}, problems) for every file in ``folder``."""
    found: dict[str, NewsletterOverride] = {}
    problems: list[ContentError] = []
    if folder.is_dir():
        for path in sorted(folder.glob("*.md")):
            try:
                label = path.resolve().relative_to(label_root.resolve()).as_posix()
            except ValueError:
                label = str(path)
            try:
                text = read_content_file(path, label)
            except ContentError as error:
                problems.append(error)
                continue
            override, file_problems = parse_override(label, text, timezone)
            problems += file_problems
            if override is not None:
                found[override.month] = override
    return found, problems
