"""``invoke check``: the reading half of a build, without writing anything.

:func:`check_content` runs Pelican with the site's settings and ``CONTENT_CHECK_ONLY``:
Pelican's readers and generators read every file once, the plugins validate what was read
(:mod:`pelican_contentkit.problems`), and the run stops at the gate before the writer.
The build reads the same way and stops at the same gate, so "the check passes" means "the
build builds". Each problem is a :class:`~pelican_contentkit.errors.ContentError` naming
the file (and the line, where there is one), the field, what is wrong and how to fix it.
"""

from __future__ import annotations

import fnmatch
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pelican_contentkit.errors import ContentError, ContentErrors
from pelican_contentkit.gfm import MARKDOWN_SUFFIXES
from pelican_contentkit.pelican_api import init_logging, run_pelican
from pelican_contentkit.problems import CHECK_ONLY_SETTING, ReadingFinished, ledger, sorted_warnings


def check_overrides(output_path: str | Path, today: date | None = None) -> dict[str, Any]:
    """Settings that turn a build into the check: read everything, write nothing."""
    overrides: dict[str, Any] = {
        CHECK_ONLY_SETTING: True,
        "OUTPUT_PATH": str(output_path),
        "DELETE_OUTPUT_DIRECTORY": False,
        "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False,
    }
    if today is not None:
        overrides["CONTENT_CHECK_TODAY"] = today.isoformat()
    return overrides


@dataclass(frozen=True)
class CheckReport:
    problems: list[ContentError]  # what stops the build
    warnings: list[ContentError]  # what builds but may not show as meant (the Markdown migration)


def check_report(
    settings_file: str | Path, overrides: dict[str, Any] | None = None, today: date | None = None
) -> CheckReport:
    """Every problem and every warning about the content of the site ``settings_file``
    describes, each in file and line order."""
    from pelican.settings import read_settings

    with tempfile.TemporaryDirectory(prefix="content-check-") as output:
        try:
            settings = read_settings(
                str(settings_file), override={**(overrides or {}), **check_overrides(output, today)}
            )
        except ContentError as error:  # a bad setting
            return CheckReport([error], [])
        problems: list[ContentError] = []
        try:
            run_pelican(settings)
        except ReadingFinished:
            pass
        except ContentErrors as errors:
            problems = list(errors.errors)
        except ContentError as error:  # a bad setting, raised before the reading
            return CheckReport([error], [])
    # Nothing stopped the run when the kit's gate is not connected (no plugin of the kit is loaded).
    found = ledger(settings)
    return CheckReport(problems, sorted_warnings(found) if found is not None else [])


def check_content(
    settings_file: str | Path, overrides: dict[str, Any] | None = None, today: date | None = None
) -> list[ContentError]:
    """Every problem in the content of the site ``settings_file`` describes, in file and line order."""
    return check_report(settings_file, overrides, today).problems


def run_check(settings_file: str | Path, content: str | Path | None, output_format: str, today: date) -> int:
    """The ``invoke check`` command: print the problems and warnings, return the exit code
    (1 when there are problems; warnings alone do not fail the check)."""
    import logging
    import sys

    if output_format not in ("text", "json"):
        print(f"Unknown --format {output_format!r}: use text or json.", file=sys.stderr)
        return 2
    init_logging(level=logging.WARNING)
    override = {"PATH": str(Path(content).resolve())} if content else {}
    if content and not Path(content).is_dir():
        report = CheckReport(
            [
                ContentError(
                    content, None, "is not a folder", "pass the content folder, e.g. --content content"
                )
            ],
            [],
        )
    else:
        report = check_report(settings_file, override, today)
    if output_format == "json":
        print(format_json(report.problems, report.warnings))
    else:
        print(format_text(report.problems, report.warnings))
    return 1 if report.problems else 0


def format_text(problems: Sequence[ContentError], warnings: Sequence[ContentError] = ()) -> str:
    lines = []
    if not problems:
        lines.append("Content check: no problems found.")
    else:
        count = len(problems)
        lines.append(f"Content check: {count} problem{'s' if count != 1 else ''} found.")
        lines += [f"  {problem.message}" for problem in problems]
    if warnings:
        count = len(warnings)
        lines.append(f"{count} warning{'s' if count != 1 else ''} (the build goes on):")
        lines += [f"  {warning.message}" for warning in warnings]
    return "\n".join(lines)


def format_json(problems: Sequence[ContentError], warnings: Sequence[ContentError] = ()) -> str:
    return json.dumps(
        {
            "problems": [p.as_dict() for p in problems],
            "count": len(problems),
            "warnings": [w.as_dict() for w in warnings],
        },
        indent=2,
    )


def markdown_files(content: Path, folders: Sequence[str], ignore: Sequence[str]) -> list[Path]:
    """The Markdown files under ``folders`` of the content folder, less IGNORE_FILES (for
    the scaffolding commands, which look at a few header fields without building)."""
    found: set[Path] = set()
    for folder in folders:
        root = content / folder
        if not root.is_dir():
            continue
        for path in root.rglob("*"):
            parts = path.relative_to(content).parts
            if any(fnmatch.fnmatch(part, pattern) for part in parts for pattern in ignore):
                continue
            if path.is_file() and path.suffix.lower() in MARKDOWN_SUFFIXES:
                found.add(path)
    return sorted(found)


def slug_of(title: str, slug: str, settings: dict[str, Any]) -> str:
    """The slug Pelican gives an item with this Title and Slug."""
    from pelican.utils import slugify

    if slug:
        return slug
    if not title:
        return ""
    return slugify(
        title,
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
        preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
        use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
    )
