"""The checks every Pelican site's articles and pages get, run on what Pelican read.

At ``all_generators_finalized`` the articles and pages (and the files Pelican could not
read) are checked: required fields, field names that look like typos, dates, Status,
summaries, tags, every planned output (:mod:`pelican_contentkit.outputs`: two written to
one path, names too long for a file system, slugs a link cannot carry),
links and images in the HTML Pelican converted (before its link replacement), and articles
without text. The only look at a raw file is the scan of its header for the names and
line numbers of its fields (:mod:`pelican_contentkit.header`), which Pelican's reading
does not keep.

Nothing here knows a feature's fields: plugins declare theirs
(:func:`pelican_contentkit.problems.declare_fields`); the required fields are settings
(``CONTENT_REQUIRED_FIELDS`` for articles, ``CONTENT_REQUIRED_PAGE_FIELDS`` for pages,
both Pelican's own ``["title"]`` by default).
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import functools
import logging
import os
import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from pelican_contentkit import outputs
from pelican_contentkit import problems as ledger_module
from pelican_contentkit.check_cache import CheckCache
from pelican_contentkit.errors import ContentError
from pelican_contentkit.gfm import MARKDOWN_SUFFIXES
from pelican_contentkit.header import Header, scan_header
from pelican_contentkit.paths import real_path

logger = logging.getLogger(__name__)

# What Pelican calls the reader of files the gfm_reader plugin read (its class is GfmReader):
# their Markdown is looked at for syntax only Python-Markdown understood.
GFM_READER_NAME = "gfm"
# Pelican's own metadata fields.
PELICAN_FIELDS = frozenset(
    {
        "title",
        "date",
        "modified",
        "category",
        "tags",
        "keywords",
        "author",
        "authors",
        "summary",
        "slug",
        "status",
        "lang",
        "translation",
        "template",
        "save_as",
        "url",
    }
)
DEFAULT_REQUIRED = ("title",)
STATUSES = ("published", "draft", "hidden")
# How far ahead a date may be before it looks like a typo rather than a scheduled post.
FAR_FUTURE = timedelta(days=366)
SUMMARY_MAX = 300
LINK_PLACEHOLDER = re.compile(r"^(?:\{(filename|static|attach)\}|\|(filename|static|attach)\|)(.*)$")
EXAMPLES = {
    "title": "How to Make an Introduction",
    "date": "2026-11-25 09:00",
    "category": "Connecting",
    "summary": "One sentence on what the reader will learn.",
    "author": "Sam Lee",
    "tags": "first, second",
}


@dataclass(frozen=True)
class Source:
    """One article or page: its file, its header as written, and what Pelican read (None
    when Pelican could not read it)."""

    kind: str  # "article" or "page"
    path: Path
    label: str
    header: Header
    text: str
    content: Any | None

    def value(self, key: str) -> str:
        return self.header.value(key)

    def line_of(self, key: str) -> int | None:
        return self.header.line_of(key)


def check_generators(generators: Sequence[Any]) -> None:
    """``all_generators_finalized``: report every problem of the articles and pages."""
    from pelican.generators import ArticlesGenerator, PagesGenerator

    if not generators:
        return
    _is_file.cache_clear()
    _folder_in.cache_clear()
    _link_verdict.cache_clear()
    context = generators[0].context
    found = ledger_module.ledger(context)
    if found is None or not found.open:
        return
    settings = generators[0].settings
    content_root = Path(settings["PATH"])
    checks = CheckCache(settings, content_root)  # the per-file checks, kept between cached builds
    loops = symlink_loops(content_root)
    problems = [loop_problem(link, content_root) for link in loops]
    loop_labels = [ledger_module.label(link, content_root) for link in loops]
    # Files read through a loop are the loop's problem alone.
    found.logged = [
        p for p in found.logged if not any(_inside(path, loop_labels) for path in (p.path, *p.files))
    ]

    items: list[tuple[str, Any]] = []
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            for name in (
                "articles",
                "translations",
                "hidden_articles",
                "hidden_translations",
                "drafts",
                "drafts_translations",
            ):
                items += [("article", content) for content in getattr(generator, name, [])]
        elif isinstance(generator, PagesGenerator):
            for name in (
                "pages",
                "translations",
                "hidden_pages",
                "hidden_translations",
                "draft_pages",
                "draft_translations",
            ):
                items += [("page", content) for content in getattr(generator, name, [])]
    # (kind, path, content) of each file to check; each is read and checked in turn, so that
    # the texts of all files are never in memory at once (the reader keeps none in a build).
    pending: list[tuple[str, Path, Any]] = []
    read_paths = set()
    for kind, content in items:
        path = Path(content.source_path)
        read_paths.add(real_path(str(path)))
        if not _inside(ledger_module.label(path, content_root), loop_labels):
            pending.append((kind, path, content))
    for relative, content in sorted(context.get("generated_content", {}).items()):
        path = content_root / relative
        if (
            content is not None
            or real_path(str(path)) in read_paths
            or _inside(ledger_module.label(path, content_root), loop_labels)
        ):
            continue
        if path.suffix.lower() in MARKDOWN_SUFFIXES:
            pending.append((_kind_of(relative, settings), path, None))
    warn_unread_markdown(
        content_root,
        settings,
        read_paths
        | {real_path(str(content_root / relative)) for relative in context.get("generated_content", {})},
        loop_labels,
    )
    pending.sort(key=lambda item: (item[0] != "article", ledger_module.label(item[1], context["PATH"])))

    today = _today(settings)
    known = PELICAN_FIELDS | found.plugin_fields
    warnings: list[ContentError] = []
    read: list[Source] = []  # each file read by Pelican, without its text
    for kind, path, content in pending:
        source = checks.source(kind, path, content, problems, context)
        ledger_module.forget_text(context, path)
        if source is None:
            continue
        if source.content is not None:
            read.append(dataclasses.replace(source, text=""))
        problems += _file_problems(source, checks, content_root, settings, known, today, warnings)
    problems += address_problems(read, settings, generators, found.plugins)
    checks.save()
    ledger_module.report(context, problems)
    ledger_module.warn(context, warnings)


def one_file_problems(
    context: dict[str, Any], kind: str, content: Any
) -> tuple[list[ContentError], list[ContentError]]:
    """The problems and warnings of one article or page the build read again (``kind``
    "article" or "page"), found as :func:`check_generators` finds them for that file on its
    own; nothing is kept (the next whole build checks the file again). For a quick rebuild
    (:mod:`pelican_contentkit.rebuild`), which runs only when both lists are empty."""
    _is_file.cache_clear()
    _folder_in.cache_clear()
    _link_verdict.cache_clear()
    settings = content.settings
    content_root = Path(settings["PATH"])
    found = ledger_module.ledger(context)
    checks = CheckCache(settings, content_root)
    problems: list[ContentError] = []
    path = Path(content.source_path)
    source = checks.source(kind, path, content, problems, context)
    ledger_module.forget_text(context, path)
    if source is None:
        return problems, []
    known = PELICAN_FIELDS | (found.plugin_fields if found is not None else frozenset())
    warnings: list[ContentError] = []
    problems += _file_problems(source, checks, content_root, settings, known, _today(settings), warnings)
    return problems, warnings


def _file_problems(
    source: Source,
    checks: CheckCache,
    content_root: Path,
    settings: dict[str, Any],
    known: frozenset[str],
    today: date,
    warnings: list[ContentError],
) -> list[ContentError]:
    """The problems of one article or page on its own (its migration warnings go to ``warnings``)."""
    if not source.header.fields and not source.text.strip():
        return []  # reported as empty
    problems = checks.metadata_problems(source, _required(source.kind, settings), known, today)
    if source.content is None:
        return problems + unread_slug_problems(source, settings)
    html = getattr(source.content, "_content", "") or ""
    problems += checks.body_problems(source, content_root, html)
    if source.content.metadata.get("reader") == GFM_READER_NAME:
        warnings += checks.migration_warnings(source.label, source.text)
    if source.kind == "article" and source.value("status").lower() != "draft" and not html.strip():
        problems.append(
            ContentError(
                source.label,
                "text",
                "the article has no text below its fields",
                "write the article after the blank line that ends the fields",
                source.header.body_first_line,
            )
        )
    return problems


def warn_unread_markdown(
    content_root: Path, settings: dict[str, Any], read: set[str], skip: Sequence[str]
) -> None:
    """A warning for each Markdown file Pelican does not read: outside ARTICLE_PATHS and
    PAGE_PATHS, not ignored, and not in a data folder (one kept out of both articles and pages,
    as :func:`pelican_contentkit.folders.keep_out_of_articles_and_pages` keeps a plugin's). It is
    neither on the site nor checked."""
    ignore = settings.get("IGNORE_FILES", [])
    data_folders = set(settings.get("ARTICLE_EXCLUDES") or []) & set(settings.get("PAGE_EXCLUDES") or [])
    skip = [
        *skip,
        *(
            ledger_module.label(content_root / f.strip("/"), content_root)
            for f in data_folders
            if f.strip("/")
        ),
    ]
    folders = ", ".join(
        f"{content_root.name}/{folder}/"
        for folder in [*settings.get("ARTICLE_PATHS", []), *settings.get("PAGE_PATHS", [])]
    )
    for folder, dirs, files in os.walk(content_root):
        dirs[:] = sorted(d for d in dirs if not any(fnmatch.fnmatch(d, pattern) for pattern in ignore))
        for name in sorted(files):
            # In strings: nearly every file is a Markdown file Pelican read.
            if os.path.splitext(name)[1].lower() not in MARKDOWN_SUFFIXES or any(
                fnmatch.fnmatch(name, p) for p in ignore
            ):
                continue
            if real_path(os.path.join(folder, name)) in read:
                continue
            path = Path(folder) / name
            label = ledger_module.label(path, content_root)
            if _inside(label, skip):
                continue
            logger.warning(
                "%s %s: Pelican does not read this Markdown file (it is outside %s): it is not on "
                "the site and not checked. Fix: move it into one of those folders, or delete it",
                ledger_module.LOG_PREFIX,
                label,
                folders,
            )


def _source(
    kind: str, path: Path, content: Any | None, problems: list[ContentError], context: dict[str, Any]
) -> Source | None:
    label = ledger_module.label(path, context["PATH"])
    if path.suffix.lower() not in MARKDOWN_SUFFIXES:
        return Source(kind, path, label, Header({}, 1), "", content)
    try:
        text = ledger_module.raw_text(context, path)
    except ContentError as error:
        problems.append(error)
        return None
    if not text.strip():
        problems.append(
            ContentError(
                label,
                None,
                "is empty",
                'fill it in (`invoke new-article "Title"` makes a template) or delete it',
            )
        )
    return Source(kind, path, label, scan_header(text), text, content)


def _kind_of(relative: str, settings: dict[str, Any]) -> str:
    """Pages win over articles for a folder in both PAGE_PATHS and ARTICLE_PATHS, as in Pelican."""
    for folder in settings.get("PAGE_PATHS", []):
        if not folder or relative == folder or relative.startswith(folder.rstrip("/") + "/"):
            return "page"
    return "article"


def _required(kind: str, settings: dict[str, Any]) -> tuple[str, ...]:
    name = "CONTENT_REQUIRED_FIELDS" if kind == "article" else "CONTENT_REQUIRED_PAGE_FIELDS"
    return tuple(field.lower() for field in settings.get(name, DEFAULT_REQUIRED))


def _today(settings: dict[str, Any]) -> date:
    """``CONTENT_CHECK_TODAY`` (an ISO date, passed in by the check command) or today in TIMEZONE."""
    given = settings.get("CONTENT_CHECK_TODAY")
    if given:
        return date.fromisoformat(str(given))
    return datetime.now(ZoneInfo(settings.get("TIMEZONE") or "UTC")).date()


def _inside(path: str | None, folders: Iterable[str]) -> bool:
    if not path:
        return False
    return any(path == folder or path.startswith(folder + "/") for folder in folders)


# ---------------------------------------------------------------- symlink loops


def symlink_loops(content_root: Path) -> list[Path]:
    """Links under the content folder to a folder that contains them (Pelican follows links,
    and would read the same files again at every level)."""
    loops = []
    for folder, dirs, _ in os.walk(content_root):
        for name in dirs:
            link = Path(folder) / name
            if link.is_symlink():
                target = os.path.realpath(link)
                here = os.path.realpath(folder)
                if here == target or here.startswith(target + os.sep):
                    loops.append(link)
    return sorted(loops)


def loop_problem(link: Path, content_root: Path) -> ContentError:
    return ContentError(
        ledger_module.label(link, content_root),
        None,
        f"is a link to {os.readlink(link)}, a folder that contains it: "
        "Pelican would read its files again at every level",
        "remove the link (or point it at a folder outside the content folder)",
    )


# ---------------------------------------------------------------- fields


def metadata_problems(
    source: Source, required: Sequence[str], known: frozenset[str], today: date
) -> list[ContentError]:
    problems: list[ContentError] = []
    label = source.label
    typos: dict[str, str] = {}
    for key, field in source.header.fields.items():
        if key in known:
            continue
        guess = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.75)
        if guess and guess[0] not in source.header.fields:
            typos[guess[0]] = key
            problems.append(
                ContentError(
                    label,
                    _field_label(key),
                    "unknown field",
                    f"did you mean '{_field_label(guess[0])}:'?",
                    field.line,
                )
            )
    for key in required:
        if key in typos:
            continue  # the typo above says it all
        example = EXAMPLES.get(key, "...")
        if key not in source.header.fields:
            problems.append(
                ContentError(
                    label,
                    _field_label(key),
                    f"is missing; every {source.kind} needs one",
                    f"add a line '{_field_label(key)}: {example}' at the top of the file, "
                    "before the first blank line",
                    1,
                )
            )
        elif not source.value(key):
            problems.append(
                ContentError(
                    label,
                    _field_label(key),
                    "is empty",
                    f"write it after the colon, e.g. '{_field_label(key)}: {example}'",
                    source.line_of(key),
                )
            )

    dates = {key: _date_of(source, key) for key in ("date", "modified")}
    for key in ("date", "modified"):
        value = source.value(key)
        if not value:
            continue
        when = dates[key]
        if when is None:
            problems.append(
                ContentError(
                    label,
                    _field_label(key),
                    f"{value!r} is not a date",
                    "write it as YYYY-MM-DD or YYYY-MM-DD HH:MM, e.g. 2026-11-25 09:00",
                    source.line_of(key),
                )
            )
        elif when.date() > today + FAR_FUTURE:
            problems.append(
                ContentError(
                    label,
                    _field_label(key),
                    f"{value} is more than a year ahead; is the year a typo?",
                    f"correct the date (today is {today.isoformat()}); "
                    "future-dated articles stay unpublished until their date",
                    source.line_of(key),
                )
            )
    published_at, modified_at = dates["date"], dates["modified"]
    if published_at and modified_at and modified_at.replace(tzinfo=None) < published_at.replace(tzinfo=None):
        problems.append(
            ContentError(
                label,
                "Modified",
                "is earlier than Date",
                "set Modified to the date of the last real change",
                source.line_of("modified"),
            )
        )

    status = source.value("status")
    if status and status.lower() not in STATUSES:
        problems.append(
            ContentError(
                label,
                "Status",
                f"{status!r} is not a status",
                f"use one of {', '.join(STATUSES)} (or remove the line to publish)",
                source.line_of("status"),
            )
        )
    summary = source.value("summary")
    if len(summary) > SUMMARY_MAX:
        problems.append(
            ContentError(
                label,
                "Summary",
                f"is {len(summary)} characters; it is shown in lists, search results and the newsletter",
                f"keep it to one or two sentences (at most {SUMMARY_MAX} characters)",
                source.line_of("summary"),
            )
        )
    tags = source.value("tags")
    if tags and any(not tag.strip() for tag in tags.split(",")):
        problems.append(
            ContentError(
                label,
                "Tags",
                "has an empty tag (two commas in a row, or a comma at the end)",
                "separate tags with single commas: 'Tags: habits, follow-up'",
                source.line_of("tags"),
            )
        )
    return problems


def _date_of(source: Source, key: str) -> datetime | None:
    """The date Pelican read for ``key`` (dateutil is slow: not parsed twice), else parsed here."""
    if not source.value(key):
        return None
    read = source.content.metadata.get(key) if source.content is not None else None
    return read if isinstance(read, datetime) else parsed_date(source.value(key))


def parsed_date(value: str) -> datetime | None:
    from pelican.utils import get_date

    if not value:
        return None
    try:
        return get_date(value)
    except (ValueError, OverflowError):
        return None


# ---------------------------------------------------------------- addresses


def address_problems(
    sources: Iterable[Source], settings: dict[str, Any], generators: Sequence[Any], plugins: Iterable[str]
) -> list[ContentError]:
    """Every output of the build planned (:mod:`pelican_contentkit.outputs`): two written to
    one path, names too long for a file system, slugs a link cannot carry. The settings' and
    plugins' outputs are planned first, so a clash is reported on the content file."""
    planned = outputs.pelican_outputs(settings, generators)
    planned += outputs.declared_outputs(plugins, settings, generators)
    problems: list[ContentError] = []
    for source in sources:
        save_as = str(getattr(source.content, "save_as", "") or "")
        if not save_as:
            continue  # not written (DRAFT_SAVE_AS = "", say)
        field = next((f for f in ("save_as", "slug") if f in source.header.fields), "title")
        slug = str(getattr(source.content, "slug", "") or "")
        if not slug and field != "save_as":
            problems.append(_empty_slug(source, field))
            continue
        planned.append(
            outputs.PlannedOutput(
                save_as,
                source.label,
                source.label,
                _field_label(field),
                source.line_of(field),
                fix=_safe_slug_fix(field, slug, settings),
            )
        )
    return problems + outputs.output_problems(planned, bool(settings.get("SLUGIFY_USE_UNICODE")))


def unread_slug_problems(source: Source, settings: dict[str, Any]) -> list[ContentError]:
    """A file Pelican skipped because its title gives an empty slug (a title of punctuation
    only: Pelican would write it over the home page, and refuses), said as such."""
    from pelican.utils import slugify

    title = source.value("title")
    if not title or "slug" in source.header.fields or "save_as" in source.header.fields:
        return []
    slug = slugify(
        title,
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
        preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
        use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
    )
    if slug:
        return []
    return [_empty_slug(source, "title")]


def _empty_slug(source: Source, field: str) -> ContentError:
    return ContentError(
        source.label,
        _field_label(field),
        "gives an empty slug (it has no letters or digits to make an address of)",
        "add a 'Slug: ...' line of lowercase letters, digits and hyphens, e.g. 'Slug: my-article'",
        source.line_of(field),
    )


def _safe_slug_fix(field: str, slug: str, settings: dict[str, Any]) -> str:
    from pelican.utils import slugify

    if field == "save_as":
        return "write Save_as: as a path of letters, digits, '-', '_', '.' and '/'"
    safe = slugify(
        slug,
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
        preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
        use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
    )
    return f"write 'Slug: {safe}'" if safe else "add a 'Slug: ...' line of letters, digits and hyphens"


# ---------------------------------------------------------------- links and images


_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_LINK_TAG = re.compile(r"""<(?:a|img)\b(?:"[^"]*"|'[^']*'|[^'">])*>""", re.IGNORECASE)


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("a", "img"):
            self.links.append((tag, dict(attrs)))


def body_problems(source: Source, content: Path, body_html: str) -> list[ContentError]:
    """Links and images in the body (``body_html``, as Pelican converted it, before its link
    replacement) that lead nowhere."""
    collector = _LinkCollector()
    # Only the <a> and <img> tags go through the parser (a body is mostly text), comments left out.
    collector.feed("".join(_LINK_TAG.findall(_COMMENT.sub("", body_html))))
    problems: list[ContentError] = []
    content_files = None
    for tag, attrs in collector.links:
        target = (attrs.get("src") if tag == "img" else attrs.get("href")) or ""
        no_alt = tag == "img" and not (attrs.get("alt") or "").strip()
        problem = link_problem(tag, target, source, content)
        if not (no_alt or problem):
            continue  # most links: nothing more to look up
        line = _line_containing(source, target)
        if no_alt:
            problems.append(
                ContentError(
                    source.label,
                    "image",
                    f"{target} has no alt text",
                    "describe the picture in the brackets: ![Two people shaking hands](...)",
                    line,
                )
            )
        if problem:
            what, fix = problem
            if fix is None:
                content_files = content_files or [
                    p.relative_to(content).as_posix() for p in content.rglob("*") if p.is_file()
                ]
                wanted_file = _resolve(content, source, _placeholder_path(target, absolute=False))
                wanted_label = (
                    wanted_file.relative_to(content).as_posix() if wanted_file else _placeholder_path(target)
                )
                guess = difflib.get_close_matches(wanted_label, content_files, n=1, cutoff=0.6)
                fix = (
                    f"did you mean {{filename}}/{guess[0]}?"
                    if guess
                    else "check the file name, or link to an existing file"
                )
                if tag == "img":
                    fix = (
                        f"did you mean {{static}}/{guess[0]}?"
                        if guess
                        else "add the image file, or correct its path"
                    )
            problems.append(ContentError(source.label, "image" if tag == "img" else "link", what, fix, line))
    return problems


def link_problem(tag: str, target: str, source: Source, content: Path) -> tuple[str, str | None] | None:
    """(what is wrong, fix or None to suggest a close file) for one link or image target."""
    return _link_verdict(tag, target, str(source.path.parent), content)


@functools.lru_cache(maxsize=16384)
def _link_verdict(tag: str, target: str, folder: str, content: Path) -> tuple[str, str | None] | None:
    """:func:`link_problem` for a link in a file of ``folder``: many files link the same
    targets. Cleared for each check, as :func:`_is_file`."""
    if not target or target.startswith(("#", "mailto:", "tel:", "https://", "http://")):
        return None
    match = LINK_PLACEHOLDER.match(target)
    if match:  # it starts with { or |: no scheme, no host for urlsplit to find
        kind = match.group(1) or match.group(2)
        path = unquote(urlsplit(match.group(3)).path)
        if not path:
            return None
        resolved = _resolved(str(content), folder, path)
        if resolved is None or not _is_file(resolved):
            return f"{{{kind}}}{path}: there is no such file in {content.name}/", None
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    # Every Markdown suffix starts ".m": most targets are not looked at as paths.
    if ".m" in path.lower() and Path(path).suffix.lower() in MARKDOWN_SUFFIXES:
        return (
            f"{target} links to a Markdown file, which does not exist on the built site",
            f"let Pelican link it: [text]({{filename}}{path})",
        )
    if tag == "img" and not path.startswith("/"):
        return (
            f"{target} is relative to the article's address and will break",
            f"write ![description]({{static}}/{path.lstrip('./')}) with the image under content/",
        )
    if tag == "img" and path.startswith("/") and not (content / path.lstrip("/")).is_file():
        return f"{target} does not exist under {content.name}/", None
    return None


def _field_label(key: str) -> str:
    return key[:1].upper() + key[1:]


def _placeholder_path(target: str, absolute: bool = True) -> str:
    match = LINK_PLACEHOLDER.match(target)
    path = unquote(urlsplit(match.group(3) if match else target).path)
    return path.lstrip("/") if absolute else path


@functools.lru_cache(maxsize=4096)
def _is_file(path: str) -> bool:
    """Whether a linked file exists; many articles link the same few files. Cleared for each
    check (:func:`check_generators`), since files come and go between live-reload builds."""
    return os.path.isfile(path)


def _resolve(content: Path, source: Source, path: str) -> Path | None:
    resolved = _resolved(str(content), str(source.path.parent), path)
    return None if resolved is None else Path(resolved)


def _resolved(content: str, folder: str, path: str) -> str | None:
    """The file a link ``path`` in a file of ``folder`` leads to, as a path under ``content``
    (the content folder, as ``content / joined``), or None when it leads out of it."""
    if path.startswith("/"):
        joined = posixpath.normpath(path.lstrip("/"))
    else:
        joined = posixpath.normpath(posixpath.join(_folder_in(folder, content), path))
    if joined.startswith(".."):
        return None
    return content if joined == "." else os.path.join(content, joined)


@functools.lru_cache(maxsize=4096)
def _folder_in(folder: str, content: str) -> str:
    """``folder`` relative to the content folder, in a link's form; the same few folders are
    asked for every link. Cleared for each check, as :func:`_is_file`."""
    return os.path.relpath(folder, content).replace(os.sep, "/")


def _line_containing(source: Source, needle: str) -> int | None:
    if not needle:
        return None
    first = source.header.body_first_line
    lines = list(enumerate(source.text.split("\n")[first - 1 :], start=first))
    # The link itself, [text](target) or <target> or [ref]: target, before any mention of it.
    for pattern in (f"]({needle}", f"<{needle}>", f": {needle}", f'"{needle}"', needle):
        for number, line in lines:
            if pattern in line:
                return number
    return None
