"""The sample issues as subscribers get them: SpamAssassin's score and a real browser's layout."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime

import pytest

from pelican.plugins.monthly_newsletter.mime import issue_message
from tests.support.browser import chromium, horizontal_overflow
from tests.support.site import require_tool

MONTHS = ["2026-08", "2026-09", "2026-10", "2026-11"]


def spamassassin_score(message: bytes) -> tuple[float, str]:
    result = subprocess.run(
        ["spamassassin", "-L", "-t"], input=message, capture_output=True, check=True, timeout=120
    )
    report = result.stdout.decode("utf-8", "replace")
    status = next(line for line in report.splitlines() if line.startswith("X-Spam-Status:"))
    return float(status.split("score=")[1].split()[0]), report


@pytest.mark.parametrize("month", MONTHS)
def test_issue_scores_below_two_on_spamassassin_offline_rules(sample_site, month):
    require_tool(
        shutil.which("spamassassin") is not None,
        "SpamAssassin is not installed (apt-get install spamassassin)",
    )
    message = issue_message(
        sample_site.campaigns / month,
        "reader@example.org",
        "hello@networker.example.com",
        "Networker, 1 Example Street, Springfield",
        datetime(2026, 12, 1, 9, tzinfo=UTC),
    )
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    score, report = spamassassin_score(bytes(message))
    assert score < 2.0, report.split("Content analysis details")[-1]


def test_the_score_check_can_fail(sample_site):
    """A spammy message must score high, or the check above proves nothing."""
    require_tool(
        shutil.which("spamassassin") is not None,
        "SpamAssassin is not installed (apt-get install spamassassin)",
    )
    spam = (
        "From: WINNER <winner@example.com>\nTo: you@example.org\nSubject: FREE MONEY!!! CLICK NOW $$$\n"
        "Content-Type: text/html\n\n<html><body><font color='#ffffff' size=1>viagra</font>"
        "<p>100% FREE!!! Act now, limited time, guaranteed income, no credit check, click here!!!</p>"
        "</body></html>\n"
    )
    score, _ = spamassassin_score(spam.encode())
    assert score >= 2.0


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 600])
def test_email_does_not_overflow_on_phones_or_desktop(sample_site, width):
    with chromium() as browser:
        for month in MONTHS:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto((sample_site.campaigns / month / "email.html").as_uri())
            assert horizontal_overflow(page) == [], month
            container = page.locator("table.container").bounding_box()
            assert container["width"] <= 600
            page.close()


@pytest.mark.browser
def test_email_dark_mode_changes_the_colours(sample_site):
    with chromium() as browser:
        colours = {}
        for scheme in ("light", "dark"):
            page = browser.new_page(color_scheme=scheme, viewport={"width": 600, "height": 900})
            page.goto((sample_site.campaigns / "2026-11" / "email.html").as_uri())
            colours[scheme] = page.evaluate(
                "() => [getComputedStyle(document.querySelector('table.container')).backgroundColor,"
                " getComputedStyle(document.querySelector('.quote')).color]"
            )
            page.close()
    assert colours["light"] == ["rgb(255, 255, 255)", "rgb(29, 29, 31)"]
    assert colours["dark"] == ["rgb(31, 33, 39)", "rgb(236, 235, 232)"]
