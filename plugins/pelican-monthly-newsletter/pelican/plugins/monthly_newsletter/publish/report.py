"""What each sent issue achieved, from Mailchimp's reports: pure functions over its answers.

``pelican-newsletter report`` (cli.py) reads, for each sent issue, ``/reports/{id}`` and
``/reports/{id}/click-details``; these functions check what came back, turn it into one
plain record per issue, and lay out the table. Nothing here changes a campaign.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .errors import PublishError, shown
from .mailchimp import is_count

TOP_LINKS = 5
# An issue's campaign on Mailchimp: "Networker #4 · November 2026 [networker-2026-11] {hash}".
ISSUE_TITLE = re.compile(r"#(\d+)\b[^\[]*\[([A-Za-z0-9_.-]+)-(\d{4}-(?:0[1-9]|1[0-2]))\]")


@dataclass(frozen=True)
class Link:
    url: str  # without utm_* parameters
    clicks: int
    unique_clicks: int


@dataclass(frozen=True)
class IssueReport:
    month: str
    issue_number: int
    campaign_id: str
    subject: str
    send_time: str
    recipients: int
    opens: int
    unique_opens: int
    open_rate: float
    clicks: int
    click_rate: float
    unsubscribes: int
    bounces: int
    top_links: tuple[Link, ...]

    def as_json(self, fetched_at: str) -> dict[str, Any]:
        record = asdict(self)
        record["top_links"] = [asdict(link) for link in self.top_links]
        return {"schema": 1, "fetched_at": fetched_at, **record}


def issue_of(title: str, key_prefix: str | None) -> tuple[int, str] | None:
    """(issue number, month) of a campaign title that carries an issue key, else None."""
    match = ISSUE_TITLE.search(title)
    if match is None or (key_prefix is not None and match.group(2) != key_prefix):
        return None
    return int(match.group(1)), match.group(3)


def without_utm(url: str) -> str:
    """``url`` without its utm_* parameters (the build adds them to every link into the site)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith("utm_")]
    return urlunsplit(parts._replace(query=urlencode(query)))


def top_links(urls_clicked: list[dict[str, Any]], count: int = TOP_LINKS) -> tuple[Link, ...]:
    """The most-clicked links, the same page with different UTM parameters counted once."""
    totals: dict[str, tuple[int, int]] = {}
    for item in urls_clicked:
        url = without_utm(shown(item["url"], 2000))
        clicks, unique = totals.get(url, (0, 0))
        extra = item.get("unique_clicks")
        more_unique = extra if isinstance(extra, int) and is_count(extra) else 0
        totals[url] = (clicks + int(item["total_clicks"]), unique + more_unique)
    ranked = sorted(totals.items(), key=lambda entry: (-entry[1][0], entry[0]))
    return tuple(Link(url, clicks, unique) for url, (clicks, unique) in ranked[:count] if clicks)


def issue_report(
    month: str,
    number: int,
    campaign: Mapping[str, Any],
    report: Mapping[str, Any],
    urls: list[dict[str, Any]],
) -> IssueReport:
    """One issue's figures, or a PublishError naming what Mailchimp's report lacks."""
    opens, clicks, bounces = report["opens"], report["clicks"], report["bounces"]
    counts = {
        "emails_sent": report["emails_sent"],
        "unsubscribed": report["unsubscribed"],
        "opens.opens_total": opens.get("opens_total"),
        "opens.unique_opens": opens.get("unique_opens"),
        "clicks.clicks_total": clicks.get("clicks_total"),
        "bounces.hard_bounces": bounces.get("hard_bounces"),
        "bounces.soft_bounces": bounces.get("soft_bounces"),
    }
    rates = {"opens.open_rate": opens.get("open_rate"), "clicks.click_rate": clicks.get("click_rate")}
    wrong = [name for name, value in counts.items() if not is_count(value)] + [
        name
        for name, value in rates.items()
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1
    ]
    if wrong:
        raise PublishError(
            f"Mailchimp's report for campaign {campaign['id']} ({month}) has no valid {wrong[0]} "
            "(get report). Try again later; if it stays so, check MAILCHIMP_API_URL."
        )
    return IssueReport(
        month=month,
        issue_number=number,
        campaign_id=str(campaign["id"]),
        subject=shown((campaign.get("settings") or {}).get("subject_line", ""), 120),
        send_time=shown(campaign.get("send_time") or report.get("send_time") or "", 40),
        recipients=counts["emails_sent"],
        opens=counts["opens.opens_total"],
        unique_opens=counts["opens.unique_opens"],
        open_rate=float(rates["opens.open_rate"]),
        clicks=counts["clicks.clicks_total"],
        click_rate=float(rates["clicks.click_rate"]),
        unsubscribes=counts["unsubscribed"],
        bounces=counts["bounces.hard_bounces"] + counts["bounces.soft_bounces"],
        top_links=top_links(urls),
    )


COLUMNS = (
    ("Month", lambda r: r.month),
    ("Issue", lambda r: f"#{r.issue_number}"),
    ("Recipients", lambda r: f"{r.recipients:,}"),
    ("Opens", lambda r: f"{r.opens:,}"),
    ("Unique opens", lambda r: f"{r.unique_opens:,}"),
    ("Open rate", lambda r: f"{r.open_rate:.1%}"),
    ("Clicks", lambda r: f"{r.clicks:,}"),
    ("Click rate", lambda r: f"{r.click_rate:.1%}"),
    ("Unsubscribes", lambda r: f"{r.unsubscribes:,}"),
    ("Bounces", lambda r: f"{r.bounces:,}"),
)


def table_lines(reports: list[IssueReport]) -> list[str]:
    """The figures as a plain-text table, then each issue's most-clicked links."""
    rows = [[str(cell(report)) for _, cell in COLUMNS] for report in reports]
    widths = [max(len(name), *(len(row[i]) for row in rows)) for i, (name, _) in enumerate(COLUMNS)]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        return "  ".join([first, *(c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))])

    lines = [line([name for name, _ in COLUMNS]), "  ".join("-" * w for w in widths)]
    lines += [line(row) for row in rows]
    for report in reports:
        lines += ["", f"Most-clicked links, {report.month} (#{report.issue_number}):"]
        lines += [f"  {link.clicks:>6,}  {link.url}" for link in report.top_links] or ["  (no clicks yet)"]
    return lines
