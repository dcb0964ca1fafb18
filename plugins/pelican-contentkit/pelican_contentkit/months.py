"""Months as the site names them: "YYYY-MM" (a QuoteAction's month, a newsletter issue's month)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

MONTH_PATTERN = re.compile(r"([0-9]{4})-([0-9]{2})")


def month_problem(value: str) -> str | None:
    """Why ``value`` is not a real YYYY-MM month, or None."""
    match = MONTH_PATTERN.fullmatch(value)
    if not match:
        return f"{value!r} is not in the form YYYY-MM"
    if not 1 <= int(match.group(2)) <= 12:
        return f"{value!r} is not a real month (months run from 01 to 12)"
    return None


def is_month(value: str) -> bool:
    return month_problem(value) is None


def month_of(when: date) -> str:
    """The YYYY-MM month of a date or datetime."""
    return f"{when.year:04d}-{when.month:02d}"


def month_start(month: str) -> datetime:
    """Midnight UTC on the first day of a YYYY-MM month."""
    return datetime.strptime(month, "%Y-%m").replace(tzinfo=UTC)


def month_label(month: str) -> str:
    """A YYYY-MM month in words, e.g. "November 2026"."""
    return month_start(month).strftime("%B %Y")
