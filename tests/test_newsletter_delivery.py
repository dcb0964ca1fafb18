"""The sample issues as subscribers get them: SpamAssassin's score and a real browser's layout."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime

import pytest

from pelican.plugins.monthly_newsletter.mime import issue_message
from tests.support.browser import axe_violations, chromium, horizontal_overflow
from tests.support.site import require_tool, soup

MONTHS = ["2026-08", "2026-09", "2026-10", "2026-11"]
FEATURED_MONTH = "2026-11"  # the sample issue with a featured article (Featured: in content/newsletters/)
# An email is a message, not a page: it is wrapped in role="article" (aria-roledescription
# "email"), the email accessibility practice, rather than in page landmarks.
EMAIL_AXE_IGNORED = ("region", "landmark-one-main")
# Links whose accessible name does not contain their visible text, and links of one name that
# go to different places: axe checks these only when asked.
EMAIL_AXE_RULES = {"label-content-name-mismatch": True, "identical-links-same-purpose": True}


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
@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_every_email_has_no_axe_violations(sample_site, color_scheme):
    with chromium() as browser:
        for month in MONTHS:
            page = browser.new_page(color_scheme=color_scheme, viewport={"width": 600, "height": 900})
            page.goto((sample_site.campaigns / month / "email.html").as_uri())
            assert axe_violations(page, ignore=EMAIL_AXE_IGNORED, rules=EMAIL_AXE_RULES) == [], month
            page.close()


@pytest.mark.browser
def test_the_axe_check_of_emails_can_fail(tmp_path):
    """The link the issue found ("Read it →" named by another text), and a layout table
    read as data: the check above would see them."""
    email = tmp_path / "email.html"
    email.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>T</title></head><body>'
        '<div role="article" aria-roledescription="email" aria-label="T"><h1>T</h1>'
        '<p><a href="https://example.com/a" aria-label="Read “A”">Read it →</a></p>'
        '<img src="data:," width="1"></div></body></html>',
        encoding="utf-8",
    )
    with chromium() as browser:
        page = browser.new_page()
        page.goto(email.as_uri())
        found = {
            v.split(" ")[0] for v in axe_violations(page, ignore=EMAIL_AXE_IGNORED, rules=EMAIL_AXE_RULES)
        }
    assert found == {"label-content-name-mismatch", "image-alt"}


@pytest.mark.parametrize("month", MONTHS)
def test_email_is_one_labelled_message_with_one_heading_one_and_presentation_tables(sample_site, month):
    email = soup(sample_site.campaigns / month / "email.html")
    assert email.html["lang"] == "en" and email.title.get_text().strip()
    (wrapper,) = email.select('[role="article"]')
    assert wrapper["aria-roledescription"] == "email"
    assert wrapper["aria-label"].startswith("Networker #") and wrapper["aria-label"].endswith(" 2026")
    assert len(email.find_all("h1")) == 1
    featured = email.select_one(".featured-body")
    data_tables = set(featured.find_all("table")) if featured else set()
    for table in email.find_all("table"):
        if table not in data_tables:
            assert table.get("role") == "presentation", table.get("class")
    assert (featured is not None) == (month == FEATURED_MONTH)
    texts = [a.get_text(" ", strip=True) for a in email.find_all("a")]
    assert not [
        text for text in texts if text.lower() in ("read it →", "read it", "here", "click here", "more")
    ]


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 600])
def test_email_does_not_overflow_on_phones_or_desktop(sample_site, width):
    assert soup(sample_site.campaigns / FEATURED_MONTH / "email.html").select(".featured-body img")
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
                " getComputedStyle(document.querySelector('.quote')).color,"
                " getComputedStyle(document.querySelector('.featured-body h4')).color,"
                " getComputedStyle(document.querySelector('table.author-card')).backgroundColor]"
            )
            page.close()
    assert colours["light"] == [
        "rgb(255, 255, 255)",
        "rgb(29, 29, 31)",
        "rgb(29, 29, 31)",
        "rgb(244, 241, 236)",
    ]
    assert colours["dark"] == [
        "rgb(31, 33, 39)",
        "rgb(236, 235, 232)",
        "rgb(236, 235, 232)",
        "rgb(42, 45, 53)",
    ]
