"""The publisher reading what a real build wrote: a real Pelican build of a tiny site, then the
publisher (dry run and a test send to the local Mailchimp), then the content changed after the
build, which makes the campaign files stale."""

from __future__ import annotations

import json

import pytest

from tests.fake_mailchimp.server import FakeMailchimp
from tests.support.site import build
from tests.test_newsletter_site import SITE_URL, article, quoteaction
from tests.test_publish import API_KEY, AUDIENCE, Run

SITE = {
    "articles/nov-a.md": article("november-a", "2026-11-03 08:00"),
    "articles/nov-b.md": article("november-b", "2026-11-10 08:00"),
    "articles/oct.md": article("october-one", "2026-10-10 08:00"),
    "quoteactions/2026-10.md": quoteaction("2026-10"),
    "quoteactions/2026-11.md": quoteaction("2026-11"),
    "newsletters/2026-11.md": "Send_date: 2026-12-01 09:00\nNumber: 7\n\nThe editor's note.\n",
    "pages/subscribe.md": "Title: Subscribe\nSlug: subscribe\n\nSign up.\n",
}


@pytest.fixture
def site(tmp_path):
    build(tmp_path, SITE, production=True, SITEURL=SITE_URL, FEED_DOMAIN=SITE_URL)
    return tmp_path


@pytest.fixture
def mailchimp():
    with FakeMailchimp(api_key=API_KEY, audience_id=AUDIENCE) as server:
        yield server


def test_built_campaign_files_are_accepted_and_published(site, mailchimp):
    runner = Run(site, mailchimp)
    assert runner() == 0, runner.err
    assert "Issue:        #7, 2026-11 (networker-2026-11)" in runner.out  # Number: pins it
    assert "Send date:    2026-12-01T09:00+00:00" in runner.out
    previous = json.loads((site / "campaigns/2026-10/campaign.json").read_text())
    assert previous["issue_number"] == 1
    assert runner(test_email="me@example.org") == 0, runner.err
    html = (site / "campaigns/2026-11/email.html").read_text(encoding="utf-8")
    assert next(iter(mailchimp.state.contents.values()))["html"] == html


def test_an_article_added_to_the_month_after_the_build_makes_the_files_stale(site, mailchimp):
    (site / "content/articles/nov-c.md").write_text(article("november-c", "2026-11-20 08:00"))
    runner = Run(site, mailchimp)
    assert runner() == 1
    assert "content/articles/nov-c.md was added since the build" in runner.err


def test_a_changed_issue_file_or_article_makes_the_files_stale(site, mailchimp):
    runner = Run(site, mailchimp)
    issue_file = site / "content/newsletters/2026-11.md"
    issue_file.write_text(issue_file.read_text().replace("note", "changed note"))
    assert runner() == 1 and "older than content/newsletters/2026-11.md" in runner.err


def test_a_hand_edited_built_email_is_refused(site, mailchimp):
    text = site / "campaigns/2026-11/email.txt"
    text.write_text(text.read_text(encoding="utf-8") + "P.S. added by hand\n", encoding="utf-8")
    runner = Run(site, mailchimp)
    assert runner(test_email="me@example.org") == 1
    assert "were changed after the build" in runner.err
    assert mailchimp.state.requests == []


def test_the_templates_and_settings_it_was_built_from_are_recorded(site):
    record = json.loads((site / "campaigns/2026-11/campaign.json").read_text())
    assert "pelican-monthly-newsletter:templates/newsletter/email.html" in record["sources"]
    assert any(label.endswith("publishconf.py") for label in record["sources"])
    assert any(label.endswith("pelicanconf.py") for label in record["sources"])  # publishconf builds on it
    assert record["send_at"] == "2026-12-01T09:00:00+00:00"
