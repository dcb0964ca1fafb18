"""Read and validate author profile files (content/authors/<slug>.md).

Pure functions over text and paths, read the way QuoteAction files are read: the kit's
reader (:func:`~pelican_contentkit.reading.read_content_file`), the kit's header reader for the
fields (:func:`~pelican_contentkit.header.read_header`), the site's Markdown engine for the bio
(:func:`~pelican_contentkit.markup.piece_html`), and the kit's header scan
(:func:`~pelican_contentkit.header.scan_header`) for the line each field is on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pelican_contentkit.errors import ContentError
from pelican_contentkit.header import header_fields, read_header, scan_header, unknown_field_fix
from pelican_contentkit.markup import html_to_text, piece_html
from pelican_contentkit.reading import read_content_file

from .model import AuthorProfile, ProfileLink, link_label

FIELDS = ("name", "role", "website", "links", "photo", "photo_alt")
LABELS = {name: name.capitalize() for name in FIELDS}
_STATIC = re.compile(r"^(?:\{static\}|\|static\|)")
_FIRST_PARAGRAPH = re.compile(r"<p>.*?</p>", re.DOTALL)

# name -> (slug, url of the author page relative to SITEURL), as Pelican makes them.
AuthorPage = Callable[[str], tuple[str, str]]


@dataclass(frozen=True)
class ParsedProfiles:
    by_name: dict[str, AuthorProfile]
    problems: tuple[ContentError, ...]


def url_problem(value: str) -> str | None:
    """Why ``value`` is not an address a reader can open (None when it is)."""
    parts = urlsplit(value)
    if any(char.isspace() for char in value):
        return f"{value!r} has a space in it"
    if parts.scheme not in ("http", "https") or not parts.hostname or "." not in parts.hostname:
        return f"{value!r} is not a web address"
    return None


def parse_profile(
    label: str,
    text: str,
    content_root: Path,
    static_paths: Sequence[str],
    author_page: AuthorPage,
) -> tuple[AuthorProfile | None, list[ContentError]]:
    """Parse one profile file (``label`` is its path as shown to the author)."""
    problems: list[ContentError] = []
    header = scan_header(text)
    fields = read_header(text)
    bio_html = piece_html(fields.body)
    meta = header_fields(fields)

    def error(field: str | None, problem: str, fix: str) -> None:
        line = header.line_of(field.lower()) if field else header.body_first_line
        problems.append(ContentError(label, field, problem, fix, line))

    for key in sorted(set(meta) - set(FIELDS)):
        error(key.capitalize(), "unknown field", unknown_field_fix(key, LABELS))
    name = meta.get("name", "")
    if not name:
        error(
            "Name",
            "missing or empty",
            "add a line 'Name: ...' at the top, as the articles write it in Author:",
        )
    website = meta.get("website") or None
    if website and (problem := url_problem(website)):
        error("Website", problem, "write the full address, e.g. https://example.com/")
    links = []
    for value in (part.strip() for part in meta.get("links", "").split(",")):
        if not value:
            continue
        if problem := url_problem(value):
            error(
                "Links",
                problem,
                "write full addresses separated by commas, e.g. https://www.linkedin.com/in/name",
            )
        else:
            links.append(ProfileLink(url=value, label=link_label(value)))
    photo = _STATIC.sub("", meta.get("photo", "")).lstrip("/") or None
    photo_alt = meta.get("photo_alt") or None
    if photo:
        if not (content_root / photo).is_file():
            error(
                "Photo",
                f"{photo} does not exist in the content folder",
                "put the image in content/images/authors/ and write Photo: {static}/images/authors/name.jpg",
            )
        elif not any(
            Path(photo).is_relative_to(folder.strip("/")) for folder in static_paths if folder.strip("/")
        ):
            error(
                "Photo",
                f"{photo} is not in a static folder ({', '.join(static_paths)}): it would not be copied",
                "move it to content/images/",
            )
        if not photo_alt:
            error(
                "Photo",
                "has no alt text",
                "add 'Photo_alt: ...' saying what the photo shows, e.g. Dana smiling at her desk",
            )
    elif photo_alt:
        error(
            "Photo_alt",
            "there is no Photo for it to describe",
            "add 'Photo: {static}/images/...' or remove the line",
        )
    if not bio_html:
        error(None, "the file has no bio below its fields", "add a paragraph or two on who the author is")
    if problems:
        return None, problems
    slug, url = author_page(name)
    first = _FIRST_PARAGRAPH.search(bio_html)
    summary_html = first.group(0) if first else bio_html
    return (
        AuthorProfile(
            name=name,
            slug=slug,
            role=meta.get("role") or None,
            website=website,
            links=tuple(links),
            photo=photo,
            photo_alt=photo_alt,
            bio_html=bio_html,
            bio_text=html_to_text(bio_html),
            summary_html=summary_html,
            summary_text=html_to_text(summary_html),
            url=url,
            source_path=label,
        ),
        [],
    )


def read_profiles(
    folder: Path,
    label_root: Path,
    content_root: Path,
    static_paths: Sequence[str],
    author_page: AuthorPage,
) -> ParsedProfiles:
    """Every profile in ``folder`` (``*.md``) by name, sorted by name, and every problem."""
    problems: list[ContentError] = []
    found: dict[str, AuthorProfile] = {}
    if folder.is_dir():
        for path in sorted(folder.glob("*.md")):
            label = _label(path, label_root)
            try:
                text = read_content_file(path, label)
            except ContentError as error:
                problems.append(error)
                continue
            profile, file_problems = parse_profile(label, text, content_root, static_paths, author_page)
            problems += file_problems
            if profile is None:
                continue
            if profile.name in found:
                problems.append(
                    ContentError(
                        label,
                        "Name",
                        f"{profile.name!r} already has a profile in {found[profile.name].source_path}",
                        "keep one file per author: merge the two files",
                        scan_header(text).line_of("name"),
                    )
                )
                continue
            found[profile.name] = profile
    return ParsedProfiles(by_name=dict(sorted(found.items())), problems=tuple(problems))


def unused_profiles(profiles: dict[str, AuthorProfile], author_names: set[str]) -> list[AuthorProfile]:
    """Profiles whose Name no article writes in Author: (a typo, or an author yet to publish)."""
    return [profile for name, profile in profiles.items() if name not in author_names]


def _label(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
