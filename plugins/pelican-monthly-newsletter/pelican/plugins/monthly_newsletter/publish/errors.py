"""Errors the publish command reports to the author, and errors from the Mailchimp API."""

from __future__ import annotations

import re
import unicodedata

# Text that came from Mailchimp is shown at most this long, on one line.
SHOWN_MAX = 300
# Terminal escape sequences, whole: CSI (ESC [ ... letter) and OSC (ESC ] ... BEL or ESC \).
ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?")


def shown(text: object, limit: int = SHOWN_MAX) -> str:
    """``text`` from Mailchimp made safe to print: control and format characters (escape
    sequences, bidirectional overrides, newlines) become spaces, runs of spaces one, and
    anything past ``limit`` characters is cut with an ellipsis."""
    cleaned = "".join(
        " " if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") else char
        for char in ESCAPES.sub("", str(text))
    )
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"


class PublishError(Exception):
    """Stops the command with a clear message and a non-zero exit code (no traceback)."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


class ApiError(Exception):
    """A Mailchimp API call that failed.

    ``transient`` failures may be retried. ``outcome_unknown`` means the request may
    have taken effect (a timeout or dropped connection after it was sent, or a 5xx on a
    request that changes something): the publisher re-reads the campaign before doing
    anything else.
    """

    def __init__(
        self,
        operation: str,
        status: int | None,
        title: str,
        detail: str,
        transient: bool,
        outcome_unknown: bool = False,
        retry_after: float | None = None,
    ):
        self.operation = operation
        self.status = status
        self.title = title
        self.detail = detail
        self.transient = transient
        self.outcome_unknown = outcome_unknown
        self.retry_after = retry_after
        where = f"HTTP {status}" if status else "no response"
        super().__init__(f"{operation}: {where}: {title}. {detail}".strip())
