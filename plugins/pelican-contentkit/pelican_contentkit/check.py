"""``invoke check``: every mistake an author can make in ``content/``, found without building.

:func:`check_content` is a pure function of the site's settings and today's date. It
returns :class:`~networker.errors.ContentError` problems, each naming the file (and the
line, where there is one), the field, what is wrong and how to fix it. The QuoteAction,
prompt and newsletter files are checked by the same functions the build uses, so the
check and the build never disagree.
"""

from __future__ import annotations

import difflib
import json
import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from pelican_contentkit.errors import ContentError

MARKDOWN_EXTENSIONS = frozenset({".md", ".markdown", ".mkd", ".mdown"})
REQUIRED_ARTICLE_FIELDS = ("title", "date", "category", "summary")
REQUIRED_PAGE_FIELDS = ("title",)
# Pelican's own metadata plus the fields Networker's plugins and theme read.
KNOWN_FIELDS = frozenset(
    {
        "title", "date", "modified", "category", "tags", "keywords", "author", "authors", "summary",
        "slug", "status", "lang", "translation", "template", "save_as", "url", "image", "image_alt",
        "connector_prompt", "quoteaction",
    }
)
STATUSES = ("published", "draft", "hidden")
# How far ahead a date may be before it looks like a typo rather than a scheduled post.
FAR_FUTURE = timedelta(days=366)
SUMMARY_MAX = 300
PROMPT_OFF_VALUES = frozenset({"none", "off", "no", "false"})
LINK_PLACEHOLDER = re.compile(r"^(?:\{(filename|static|attach)\}|\|(filename|static|attach)\|)(.*)$")
HEADER_LINE = re.compile(r"^ {0,3}([A-Za-z0-9_-]+):\s*(.*?)\s*$")


@dataclass(frozen=True)
class Field:
    value: str
    line: int


@dataclass(frozen=True)
class SourceFile:
    """One Markdown article or page, as the author wrote it."""

    kind: str  # "article" or "page"
    path: Path
    label: str
    fields: dict[str, Field]  # lowercase key -> value and line number
    body: str
    body_first_line: int

    def value(self, key: str) -> str:
        field = self.fields.get(key)
        return field.value if field else ""

    def line_of(self, key: str) -> int | None:
        field = self.fields.get(key)
        return field.line if field else None


def parse_header(text: str) -> tuple[dict[str, Field], str, int]:
    """(fields, body, line number the body starts on) of a Markdown file with a metadata
    header, read the way Python-Markdown's ``meta`` extension reads it."""
    lines = text.splitlines()
    fields: dict[str, Field] = {}
    index = 1 if lines and lines[0].strip() == "---" else 0
    last_key = None
    while index < len(lines):
        line = lines[index]
        if not line.strip() or line.strip() in ("---", "..."):
            index += 1 if line.strip() in ("---", "...") else 0
            break
        match = HEADER_LINE.match(line)
        if match:
            last_key = match.group(1).lower()
            fields[last_key] = Field(match.group(2), index + 1)
        elif line.startswith("    ") and last_key:
            previous = fields[last_key]
            fields[last_key] = Field(f"{previous.value} {line.strip()}".strip(), previous.line)
        else:
            break
        index += 1
    return fields, "\n".join(lines[index:]), index + 1


def check_content(settings: dict[str, Any], today: date) -> list[ContentError]:
    """Every problem in the content folder ``settings["PATH"]``, in file and line order."""
    from pelican_contentkit.markup import markdown_from_settings
    from pelican.plugins.quoteaction.parsing import read_connector_prompts, read_quoteactions

    from pelican_contentkit.converting import convert_bodies
    from pelican.plugins.quoteaction.settings import plugin_settings

    from pelican.plugins.monthly_newsletter.overrides import read_overrides
    from pelican.plugins.monthly_newsletter.settings import newsletter_settings

    from pelican_contentkit.paths import site_root

    content = Path(settings["PATH"])
    label_root = site_root(settings)
    problems: list[ContentError] = []
    if not content.is_dir():
        return [ContentError(content, None, "is not a folder", "pass the content folder, e.g. --content content")]

    sources: list[SourceFile] = []
    for kind, folders in (("article", settings.get("ARTICLE_PATHS", [""])), ("page", settings.get("PAGE_PATHS", ["pages"]))):
        for path in markdown_files(content, folders, settings.get("IGNORE_FILES", [])):
            source, read_problems = read_source(kind, path, _label(path, label_root))
            problems += read_problems
            if source:
                sources.append(source)
    # Folders listed in both ARTICLE_PATHS and PAGE_PATHS would be read twice: pages win, as in Pelican.
    page_paths = {s.path for s in sources if s.kind == "page"}
    sources = [s for s in sources if s.kind == "page" or s.path not in page_paths]

    quoteaction_settings = plugin_settings(settings)
    md_meta = markdown_from_settings(settings["MARKDOWN"], with_metadata=True)
    quoteactions = read_quoteactions(content / quoteaction_settings.path, label_root, md_meta)
    problems += quoteactions.problems
    prompts_path = content / quoteaction_settings.prompts_file
    prompts, prompt_problems = read_connector_prompts(prompts_path, label_root, md_meta)
    problems += prompt_problems
    prompt_ids = {prompt.id for prompt in prompts}

    bodies_html = convert_bodies(settings["MARKDOWN"], [source.body for source in sources])
    now = datetime.combine(today, datetime.max.time())
    published: list[tuple[SourceFile, datetime]] = []
    for source, body_html in zip(sources, bodies_html, strict=True):
        problems += metadata_problems(source, today)
        if source.kind == "article":
            problems += prompt_reference_problems(source, prompt_ids, _label(prompts_path, label_root))
            when = parsed_date(source.value("date"))
            status = source.value("status").lower() or settings.get("DEFAULT_STATUS", "published")
            if when and status == "published" and when.replace(tzinfo=None) <= now:
                published.append((source, when))
        problems += body_problems(source, content, body_html, settings)
        if source.kind == "article" and source.value("status").lower() != "draft" and not body_html.strip():
            problems.append(
                ContentError(source.label, "text", "the article has no text below its fields", "write the article after the blank line that ends the fields", source.body_first_line)
            )
    problems += duplicate_slug_problems(sources, settings)

    newsletter = newsletter_settings(settings)
    overrides, override_problems = read_overrides(
        content / newsletter.path, label_root, md_meta, settings.get("TIMEZONE", "UTC")
    )
    problems += override_problems
    published_slugs = {source_slug(source, settings) for source, _ in published}
    for month, override in sorted(overrides.items()):
        unknown = [slug for slug in override.article_slugs or () if slug not in published_slugs]
        if unknown:
            problems.append(
                ContentError(
                    override.source_path, "Articles",
                    f"no published article has the slug {', '.join(map(repr, unknown))}",
                    _did_you_mean(unknown[0], published_slugs) or "use the Slug: of published articles (see content/articles/)",
                )
            )
    article_months: dict[str, int] = {}
    for _, when in published:
        article_months[when.strftime("%Y-%m")] = article_months.get(when.strftime("%Y-%m"), 0) + 1
    wanted = article_months | {
        m: 0 for m, o in overrides.items() if o.always_build and m not in article_months
    }
    # A month whose file exists but has problems is reported by those problems alone.
    present = {path.stem for path in (content / quoteaction_settings.path).glob("*.md")}
    for month in sorted(set(wanted) - set(quoteactions.by_month) - present):
        count = wanted[month]
        reason = f"{count} published article{'s' if count != 1 else ''}" if count else "a newsletter issue (Always_build)"
        problems.append(
            ContentError(
                _label(content / quoteaction_settings.path / f"{month}.md", label_root), None,
                f"{month} has {reason} but no QuoteAction: this file does not exist",
                f"create it with `invoke new-quoteaction {month}` and fill in the quote and the action",
            )
        )
    return sorted(problems, key=lambda p: (p.path or "", p.line or 0, p.field or ""))


def markdown_files(content: Path, folders: Sequence[str], ignore: Sequence[str]) -> list[Path]:
    import fnmatch

    found: set[Path] = set()
    for folder in folders:
        root = content / folder
        if not root.is_dir():
            continue
        for path in root.rglob("*"):
            parts = path.relative_to(content).parts
            if any(fnmatch.fnmatch(part, pattern) for part in parts for pattern in ignore):
                continue
            if path.is_file() and path.suffix.lower() in MARKDOWN_EXTENSIONS:
                found.add(path)
    return sorted(found)


def read_source(kind: str, path: Path, label: str) -> tuple[SourceFile | None, list[ContentError]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        return None, [ContentError(label, None, "is not UTF-8 text", "save the file as UTF-8 in your editor", line)]
    if not text.strip():
        return None, [
            ContentError(label, None, "is empty", f"fill it in (`invoke new-article \"Title\"` makes a template) or delete it")
        ]
    fields, body, body_line = parse_header(text)
    return SourceFile(kind, path, label, fields, body, body_line), []


def metadata_problems(source: SourceFile, today: date) -> list[ContentError]:
    problems: list[ContentError] = []
    label = source.label
    required = REQUIRED_ARTICLE_FIELDS if source.kind == "article" else REQUIRED_PAGE_FIELDS
    typos: dict[str, str] = {}
    for key, field in source.fields.items():
        if key in KNOWN_FIELDS:
            continue
        guess = difflib.get_close_matches(key, KNOWN_FIELDS, n=1, cutoff=0.75)
        if guess and guess[0] not in source.fields:
            typos[guess[0]] = key
            problems.append(
                ContentError(label, _field_label(key), "unknown field", f"did you mean '{_field_label(guess[0])}:'?", field.line)
            )
    for key in required:
        if key in typos:
            continue  # the typo above says it all
        if key not in source.fields:
            problems.append(
                ContentError(
                    label, _field_label(key), f"is missing; every {source.kind} needs one",
                    f"add a line '{_field_label(key)}: {_EXAMPLES[key]}' at the top of the file, before the first blank line",
                    1,
                )
            )
        elif not source.value(key):
            problems.append(
                ContentError(label, _field_label(key), "is empty", f"write it after the colon, e.g. '{_field_label(key)}: {_EXAMPLES[key]}'", source.line_of(key))
            )

    for key in ("date", "modified"):
        value = source.value(key)
        if not value:
            continue
        when = parsed_date(value)
        if when is None:
            problems.append(
                ContentError(
                    label, _field_label(key), f"{value!r} is not a date",
                    "write it as YYYY-MM-DD or YYYY-MM-DD HH:MM, e.g. 2026-11-25 09:00", source.line_of(key),
                )
            )
        elif when.date() > today + FAR_FUTURE:
            problems.append(
                ContentError(
                    label, _field_label(key), f"{value} is more than a year ahead; is the year a typo?",
                    f"correct the date (today is {today.isoformat()}); future-dated articles stay unpublished until their date",
                    source.line_of(key),
                )
            )
    published_at, modified_at = parsed_date(source.value("date")), parsed_date(source.value("modified"))
    if published_at and modified_at and modified_at.replace(tzinfo=None) < published_at.replace(tzinfo=None):
        problems.append(
            ContentError(label, "Modified", "is earlier than Date", "set Modified to the date of the last real change", source.line_of("modified"))
        )

    status = source.value("status")
    if status and status.lower() not in STATUSES:
        problems.append(
            ContentError(
                label, "Status", f"{status!r} is not a status", f"use one of {', '.join(STATUSES)} (or remove the line to publish)",
                source.line_of("status"),
            )
        )
    summary = source.value("summary")
    if len(summary) > SUMMARY_MAX:
        problems.append(
            ContentError(
                label, "Summary", f"is {len(summary)} characters; it is shown in lists, search results and the newsletter",
                f"keep it to one or two sentences (at most {SUMMARY_MAX} characters)", source.line_of("summary"),
            )
        )
    tags = source.value("tags")
    if tags and any(not tag.strip() for tag in tags.split(",")):
        problems.append(
            ContentError(label, "Tags", "has an empty tag (two commas in a row, or a comma at the end)", "separate tags with single commas: 'Tags: habits, follow-up'", source.line_of("tags"))
        )
    return problems


def prompt_reference_problems(source: SourceFile, prompt_ids: set[str], prompts_label: str) -> list[ContentError]:
    value = source.value("connector_prompt")
    if not value or " " in value or value.lower() in PROMPT_OFF_VALUES or value in prompt_ids:
        return []
    hint = _did_you_mean(value, prompt_ids)
    return [
        ContentError(
            source.label, "Connector_prompt", f"{value!r} is not the id of a prompt in {prompts_label}",
            hint or "use a prompt's id, your own sentence, or 'none'", source.line_of("connector_prompt"),
        )
    ]


class _LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("a", "img"):
            self.links.append((tag, dict(attrs)))


def body_problems(source: SourceFile, content: Path, body_html: str, settings: dict[str, Any]) -> list[ContentError]:
    """Links and images in the body (``body_html``, the body converted) that lead nowhere."""
    collector = _LinkCollector()
    collector.feed(body_html)
    problems: list[ContentError] = []
    content_files = None
    for tag, attrs in collector.links:
        target = (attrs.get("src") if tag == "img" else attrs.get("href")) or ""
        line = _line_containing(source, target)
        if tag == "img" and not (attrs.get("alt") or "").strip():
            problems.append(
                ContentError(
                    source.label, "image", f"{target} has no alt text",
                    "describe the picture in the brackets: ![Two people shaking hands](...)", line,
                )
            )
        problem = link_problem(tag, target, source, content, settings)
        if problem:
            what, fix = problem
            if fix is None:
                content_files = content_files or [p.relative_to(content).as_posix() for p in content.rglob("*") if p.is_file()]
                wanted_file = _resolve(content, source, _placeholder_path(target, absolute=False))
                wanted_label = wanted_file.relative_to(content).as_posix() if wanted_file else _placeholder_path(target)
                guess = difflib.get_close_matches(wanted_label, content_files, n=1, cutoff=0.6)
                fix = f"did you mean {{filename}}/{guess[0]}?" if guess else "check the file name, or link to an existing file"
                if tag == "img":
                    fix = f"did you mean {{static}}/{guess[0]}?" if guess else "add the image file, or correct its path"
            problems.append(ContentError(source.label, "image" if tag == "img" else "link", what, fix, line))
    return problems


def link_problem(tag: str, target: str, source: SourceFile, content: Path, settings: dict[str, Any]) -> tuple[str, str | None] | None:
    """(what is wrong, fix or None to suggest a close file) for one link or image target."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith(("#", "mailto:", "tel:")) or not target:
        return None
    match = LINK_PLACEHOLDER.match(target)
    if match:
        kind = match.group(1) or match.group(2)
        path = unquote(urlsplit(match.group(3)).path)
        if not path:
            return None
        resolved = _resolve(content, source, path)
        if resolved is None or not resolved.is_file():
            return f"{{{kind}}}{path}: there is no such file in {content.name}/", None
        return None
    path = unquote(parts.path)
    if Path(path).suffix.lower() in MARKDOWN_EXTENSIONS:
        return (
            f"{target} links to a Markdown file, which does not exist on the built site",
            f"let Pelican link it: [text]({{filename}}{path})",
        )
    if tag == "img" and not path.startswith("/"):
        return (
            f"{target} is relative to the article's address and will break",
            f"write ![description]({{static}}/{path.lstrip('./')}) with the image under content/",
        )
    if tag == "img" and path.startswith("/"):
        if not (content / path.lstrip("/")).is_file():
            return f"{target} does not exist under {content.name}/", None
    return None


def duplicate_slug_problems(sources: Iterable[SourceFile], settings: dict[str, Any]) -> list[ContentError]:
    """Two published items written to the same address (drafts have their own namespace)."""
    problems: list[ContentError] = []
    first: dict[tuple[str, str], SourceFile] = {}
    for source in sources:
        status = source.value("status").lower()
        namespace = "draft" if status == "draft" else "site"
        if source.kind == "page" and namespace == "draft":
            namespace = "draft-page"
        slug = source_slug(source, settings)
        if not slug:
            continue
        key = (namespace, slug)
        if key in first:
            field = "Slug" if "slug" in source.fields else "Title"
            problems.append(
                ContentError(
                    source.label, field, f"gives the slug {slug!r}, which {first[key].label} already uses: one would overwrite the other",
                    "give one of them its own 'Slug: ...' line (or a different title)", source.line_of(field.lower()),
                )
            )
        else:
            first[key] = source
    return problems


def source_slug(source: SourceFile, settings: dict[str, Any]) -> str:
    from pelican.utils import slugify

    if source.value("slug"):
        return source.value("slug")
    title = source.value("title")
    if not title:
        return ""
    return slugify(
        title,
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
        preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
        use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
    )


def parsed_date(value: str) -> datetime | None:
    from pelican.utils import get_date

    if not value:
        return None
    try:
        return get_date(value)
    except (ValueError, OverflowError):
        return None


def format_text(problems: Sequence[ContentError]) -> str:
    if not problems:
        return "Content check: no problems found."
    count = len(problems)
    lines = [f"Content check: {count} problem{'s' if count != 1 else ''} found."]
    lines += [f"  {problem.message}" for problem in problems]
    return "\n".join(lines)


def format_json(problems: Sequence[ContentError]) -> str:
    return json.dumps({"problems": [p.as_dict() for p in problems], "count": len(problems)}, indent=2)


_EXAMPLES = {
    "title": "How to Make an Introduction",
    "date": "2026-11-25 09:00",
    "category": "Connecting",
    "summary": "One sentence on what the reader will learn.",
}


def _field_label(key: str) -> str:
    return key[:1].upper() + key[1:]


def _did_you_mean(value: str, known: Iterable[str]) -> str:
    guess = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.6)
    return f"did you mean {guess[0]!r}?" if guess else ""


def _placeholder_path(target: str, absolute: bool = True) -> str:
    match = LINK_PLACEHOLDER.match(target)
    path = unquote(urlsplit(match.group(3) if match else target).path)
    return path.lstrip("/") if absolute else path


def _resolve(content: Path, source: SourceFile, path: str) -> Path | None:
    if path.startswith("/"):
        joined = posixpath.normpath(path.lstrip("/"))
    else:
        folder = source.path.parent.relative_to(content).as_posix()
        joined = posixpath.normpath(posixpath.join(folder, path))
    if joined.startswith(".."):
        return None
    return content / joined


def _line_containing(source: SourceFile, needle: str) -> int | None:
    if not needle:
        return None
    lines = list(enumerate(source.body.splitlines(), start=source.body_first_line))
    # The link itself, [text](target) or <target> or [ref]: target, before any mention of it.
    for pattern in (f"]({needle}", f"<{needle}>", f": {needle}", f'"{needle}"', needle):
        for number, line in lines:
            if pattern in line:
                return number
    return None


def _label(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def run_check(settings_file: str | Path, content: str | Path | None, output_format: str, today: date) -> int:
    """The ``invoke check`` command: print the problems, return the exit code."""
    import sys

    from pelican.settings import read_settings

    if output_format not in ("text", "json"):
        print(f"Unknown --format {output_format!r}: use text or json.", file=sys.stderr)
        return 2
    override = {"PATH": str(Path(content).resolve())} if content else {}
    try:
        settings = read_settings(str(settings_file), override=override)
        problems = check_content(settings, today)
    except ContentError as error:  # a bad QUOTEACTION_* / NEWSLETTER_* setting
        problems = [error]
    print(format_json(problems) if output_format == "json" else format_text(problems))
    return 1 if problems else 0
