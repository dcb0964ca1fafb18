"""The monthly send, unattended: what .github/workflows/newsletter.yml runs after `make build`.

    python -m tools.newsletter_ci --mode schedule [--month YYYY-MM] [--site .]

It turns a mode into the publisher's options and runs `pelican-newsletter publish` (in this
process), so every guarantee is the publisher's: one campaign per issue, "already sent" (exit 0)
on a rerun after a send, "already scheduled" (exit 0) on a rerun of the same schedule.

- ``--month``: the issue; empty means the month before today's (UTC), the issue the first of
  the month is for.
- ``--mode``: ``dry-run`` (contacts nobody), ``test`` (a test email to the addresses in
  ``NEWSLETTER_TEST_EMAILS``), ``schedule`` (the issue's ``Send_date`` when it has one that
  is still ahead, else send now), ``send`` (send now).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path

MODES = ("dry-run", "test", "schedule", "send")


class ModeError(Exception):
    """A mode that cannot run as asked; the message says what to set."""


def previous_month(today: date) -> str:
    """``YYYY-MM`` of the month before ``today``'s."""
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def planned_send(campaign_json: Path) -> str | None:
    """The issue's Send_date as the build wrote it (``send_at`` of campaign.json), or None."""
    try:
        value = json.loads(campaign_json.read_text(encoding="utf-8")).get("send_at")
    except (OSError, ValueError, AttributeError):
        return None  # the publisher names the missing or broken file
    return str(value) if value else None


def publish_options(mode: str, send_at: str | None, now: datetime, test_emails: str) -> tuple[list[str], str]:
    """The `pelican-newsletter publish` options for ``mode``, and a line saying why."""
    if mode == "dry-run":
        return [], "dry run: nothing is sent"
    if mode == "test":
        if not test_emails.strip():
            raise ModeError(
                "mode test needs addresses: set the repository secret NEWSLETTER_TEST_EMAILS "
                "(addresses separated by commas)"
            )
        return ["--test-email", test_emails.strip()], "a test email only"
    if mode == "send":
        return ["--send", "--yes"], "send now"
    if mode == "schedule":
        if send_at and datetime.fromisoformat(send_at) > now:
            return ["--schedule", send_at], f"scheduled for the issue's Send_date, {send_at}"
        if send_at:
            # Its time has come (or the scheduled send has gone out): sending now either sends
            # a late issue or, on a rerun, reports it as already sent.
            return ["--send", "--yes"], f"the issue's Send_date {send_at} has passed: send now"
        return ["--send", "--yes"], "the issue has no Send_date: send now"
    raise ModeError(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")


def main(argv: list[str] | None = None, now: datetime | None = None) -> int:
    from pelican.plugins.monthly_newsletter.publish.cli import main as pelican_newsletter

    parser = argparse.ArgumentParser(prog="python -m tools.newsletter_ci", description=__doc__.split("\n")[0])
    parser.add_argument("--mode", default="schedule", help=f"one of {', '.join(MODES)} (default schedule)")
    parser.add_argument("--month", default="", help="the issue, YYYY-MM (default: last month)")
    parser.add_argument("--site", type=Path, default=Path("."), help="the site's folder (default: .)")
    options = parser.parse_args(argv)
    now = now or datetime.now(UTC)
    month = options.month.strip() or previous_month(now.date())
    send_at = planned_send(options.site / "campaigns" / month / "campaign.json")
    try:
        extra, why = publish_options(
            options.mode.strip(), send_at, now, os.environ.get("NEWSLETTER_TEST_EMAILS", "")
        )
    except ModeError as error:
        sys.stderr.write(f"Error: {error}.\n")
        return 1
    sys.stdout.write(f"Newsletter {month}, mode {options.mode}: {why}.\n")
    sys.stdout.flush()
    return pelican_newsletter(["publish", "--month", month, "--site", str(options.site.resolve()), *extra])


if __name__ == "__main__":
    sys.exit(main())
