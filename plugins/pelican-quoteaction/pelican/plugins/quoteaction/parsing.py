"""Read and validate QuoteAction files and the connector prompts file.

Pure functions over text and paths. ``*_problems`` functions return every problem
found (for ``invoke check``); ``load_*`` functions return the data or raise all of
the problems at once as :class:`~networker.errors.ContentErrors`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pelican_contentkit.errors import ContentError, ContentErrors
from pelican_contentkit.header import header_fields, read_header, unknown_field_fix
from pelican_contentkit.markup import html_to_text, inline_html, piece_html
from pelican_contentkit.months import month_problem
from pelican_contentkit.reading import read_content_file

from .model import ConnectorPrompt, QuoteAction

QUOTEACTION_FIELDS = ("month", "quote", "quote_author", "quote_author_role", "source")
REQUIRED_FIELDS = ("month", "quote", "quote_author")
FIELD_LABELS = {name: name.capitalize() for name in QUOTEACTION_FIELDS}
PROMPT_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PROMPT_KEYS = ("id", "text", "categories", "tags")
# `Quoteaction: none` on an article switches its QuoteAction off.
OFF_VALUES_QUOTEACTION = frozenset({"none", "off", "no", "false"})


@dataclass(frozen=True)
class ParsedQuoteActions:
    by_month: dict[str, QuoteAction]
    problems: tuple[ContentError, ...]


def parse_quoteaction(label: str, text: str) -> tuple[QuoteAction | None, list[ContentError]]:
    """Parse one QuoteAction file (``label`` is its path as shown to the author): its header
    as an article's, the action below it in the site's Markdown."""
    problems: list[ContentError] = []
    header = read_header(text)
    body_html = piece_html(header.body)
    meta = header_fields(header)

    for key in sorted(meta):
        if key not in QUOTEACTION_FIELDS:
            fix = unknown_field_fix(key, FIELD_LABELS)
            problems.append(ContentError(label, key.capitalize(), "unknown field", fix))
    for field in REQUIRED_FIELDS:
        if not meta.get(field):
            problems.append(
                ContentError(
                    label,
                    FIELD_LABELS[field],
                    "missing or empty",
                    f"add a line '{FIELD_LABELS[field]}: ...' at the top",
                )
            )

    stem = Path(label).stem
    file_month_problem = month_problem(stem)
    if file_month_problem:
        problems.append(
            ContentError(
                label, "file name", f"{file_month_problem}", "name the file after its month, e.g. 2026-11.md"
            )
        )
    month = meta.get("month", "")
    if month:
        problem = month_problem(month)
        if problem:
            problems.append(ContentError(label, "Month", problem, "write the month as YYYY-MM, e.g. 2026-11"))
        elif not file_month_problem and month != stem:
            problems.append(
                ContentError(
                    label,
                    "Month",
                    f"says {month} but the file is named {stem}.md",
                    f"rename the file to {month}.md or set Month: {stem}",
                )
            )
    if not body_html:
        problems.append(
            ContentError(
                label,
                "action",
                "the file has no action below its fields",
                "add a paragraph starting 'Your action is to ...'",
            )
        )
    if problems:
        return None, problems
    return (
        QuoteAction(
            month=month,
            quote=meta["quote"],
            author=meta["quote_author"],
            author_role=meta.get("quote_author_role") or None,
            source=meta.get("source") or None,
            action_html=body_html,
            action_text=html_to_text(body_html),
            source_path=label,
        ),
        [],
    )


def read_quoteactions(folder: Path, label_root: Path) -> ParsedQuoteActions:
    """Every QuoteAction in ``folder`` (``*.md``), keyed by month, newest first, and every problem."""
    problems: list[ContentError] = []
    found: dict[str, QuoteAction] = {}
    files: list[tuple[str, str]] = []
    if folder.is_dir():
        for path in sorted(folder.glob("*.md")):
            label = _label(path, label_root)
            try:
                files.append((label, read_content_file(path, label)))
            except ContentError as error:
                problems.append(error)
    # A month belongs to the file named after it; another file claiming it is a second file for that month.
    owners = {Path(label).stem: label for label, text in files if _claimed_month(text) == Path(label).stem}
    for label, text in files:
        claimed = _claimed_month(text)
        owner = owners.get(claimed or "")
        if owner and owner != label and month_problem(Path(label).stem):
            problems.append(
                ContentError(
                    label,
                    "Month",
                    f"{claimed} already has a QuoteAction in {owner}",
                    "keep one file per month: merge the two files or correct this one's Month",
                )
            )
            continue
        quoteaction, file_problems = parse_quoteaction(label, text)
        problems += file_problems
        if quoteaction is not None:
            found[quoteaction.month] = quoteaction
    by_month = {month: found[month] for month in sorted(found, reverse=True)}
    return ParsedQuoteActions(by_month=by_month, problems=tuple(problems))


_MONTH_LINE = re.compile(r"^\s{0,3}month:\s*(\S+)\s*$", re.IGNORECASE | re.MULTILINE)


def _claimed_month(text: str) -> str | None:
    """The Month: value in the metadata block at the top of a file, if any."""
    header = text.split("\n\n", 1)[0]
    match = _MONTH_LINE.search(header)
    return match.group(1) if match else None


def load_quoteactions(folder: Path, label_root: Path) -> dict[str, QuoteAction]:
    parsed = read_quoteactions(folder, label_root)
    _raise_all(list(parsed.problems))
    return parsed.by_month


def missing_quoteaction_problems(
    folder: Path,
    label_root: Path,
    published: dict[str, int],
    quoteactions: dict[str, QuoteAction],
    issue_months: frozenset[str] = frozenset(),
) -> list[ContentError]:
    """A month with ``published`` articles (month -> count), or a newsletter issue of its own
    (``issue_months``), but no QuoteAction file. A month whose file exists but has problems
    is reported by those problems alone."""
    present = {path.stem for path in folder.glob("*.md")} if folder.is_dir() else set()
    problems = []
    for month in sorted((set(published) | set(issue_months)) - set(quoteactions) - present):
        count = published.get(month, 0)
        reason = (
            f"{count} published article{'s' if count != 1 else ''}"
            if count
            else "a newsletter issue (Always_build)"
        )
        problems.append(
            ContentError(
                _label(folder / f"{month}.md", label_root),
                None,
                f"{month} has {reason} but no QuoteAction: this file does not exist",
                f"create it with `invoke new-quoteaction {month}` and fill in the quote and the action",
            )
        )
    return problems


def read_connector_prompts(
    path: Path, label_root: Path
) -> tuple[tuple[ConnectorPrompt, ...], tuple[ContentError, ...]]:
    """The prompts in the YAML file at ``path`` (none if it does not exist), and every problem."""
    label = _label(path, label_root)
    if not path.is_file():
        return (), ()
    try:
        data = yaml.safe_load(read_content_file(path, label))
    except ContentError as error:
        return (), (error,)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(error, "problem", None) or "it cannot be parsed"
        return (), (
            ContentError(
                label,
                None,
                f"is not valid YAML{where}: {reason}",
                "check indentation and quote text that contains ': '",
            ),
        )
    if data is None:
        return (), ()
    if not isinstance(data, list):
        return (), (
            ContentError(
                label, None, "must be a list of prompts", "start each prompt with '- id: ...' on its own line"
            ),
        )
    prompts: list[ConnectorPrompt] = []
    problems: list[ContentError] = []
    seen: dict[str, int] = {}
    for number, entry in enumerate(data, start=1):
        where = f"prompt {number}"
        if not isinstance(entry, dict):
            problems.append(
                ContentError(
                    label, where, "is not a mapping", "write it as '- id: ...' with 'text: ...' below"
                )
            )
            continue
        prompt_id = entry.get("id")
        if isinstance(prompt_id, str):
            where = f"prompt {number} ({prompt_id})"
        entry_problems = _prompt_entry_problems(label, where, entry)
        if not entry_problems and prompt_id in seen:
            entry_problems.append(
                ContentError(
                    label,
                    f"{where} id",
                    f"{prompt_id!r} is also the id of prompt {seen[prompt_id]}",
                    "give every prompt its own id",
                )
            )
        problems += entry_problems
        if entry_problems:
            continue
        assert isinstance(prompt_id, str)  # an entry without problems has a string id
        seen[prompt_id] = number
        text_html = inline_html(entry["text"])
        prompts.append(
            ConnectorPrompt(
                id=prompt_id,
                text_html=text_html,
                text_plain=html_to_text(text_html),
                categories=tuple(entry.get("categories") or ()),
                tags=tuple(entry.get("tags") or ()),
            )
        )
    return tuple(prompts), tuple(problems)


def _prompt_entry_problems(label: str, where: str, entry: dict[str, Any]) -> list[ContentError]:
    problems = []
    for key in sorted(set(entry) - set(PROMPT_KEYS), key=str):
        guess = difflib.get_close_matches(str(key), PROMPT_KEYS, n=1)
        fix = f"did you mean '{guess[0]}'?" if guess else f"use only {', '.join(PROMPT_KEYS)}"
        problems.append(ContentError(label, f"{where} {key}", "unknown key", fix))
    prompt_id = entry.get("id")
    if not isinstance(prompt_id, str) or not prompt_id.strip():
        problems.append(
            ContentError(
                label, f"{where} id", "missing", "add 'id: a-short-name' (lowercase words joined by -)"
            )
        )
    elif not PROMPT_ID_PATTERN.match(prompt_id):
        problems.append(
            ContentError(
                label,
                f"{where} id",
                f"{prompt_id!r} is not lowercase words joined by -",
                "use e.g. 'introduce-two-peers'",
            )
        )
    text = entry.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append(
            ContentError(
                label, f"{where} text", "missing or empty", "add 'text: ...' with the call to action"
            )
        )
    for key in ("categories", "tags"):
        value = entry.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            problems.append(
                ContentError(
                    label,
                    f"{where} {key}",
                    "must be a list of names",
                    f"write it as '{key}: [First, Second]'",
                )
            )
    return problems


def load_connector_prompts(path: Path, label_root: Path) -> tuple[ConnectorPrompt, ...]:
    prompts, problems = read_connector_prompts(path, label_root)
    _raise_all(list(problems))
    return prompts


def _label(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _raise_all(problems: list[ContentError]) -> None:
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise ContentErrors(problems)
