"""The newsletter workflow's step (tools/newsletter_ci.py): modes turned into the publisher's
options, and reruns after success, through the real mailchimp-marketing client and the test
suite's local Mailchimp."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.fake_mailchimp.server import FakeMailchimp
from tests.test_publish import API_KEY, AUDIENCE, campaigns_for, make_campaign
from tools.newsletter_ci import ModeError, main, previous_month, publish_options

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("today", "month"),
    [(date(2026, 12, 1), "2026-11"), (date(2027, 1, 1), "2026-12"), (date(2026, 3, 31), "2026-02")],
)
def test_the_default_issue_is_last_months(today, month):
    assert previous_month(today) == month


@pytest.mark.parametrize(
    ("mode", "send_at", "options"),
    [
        ("dry-run", "2026-12-01T09:00:00+00:00", []),
        ("send", None, ["--send", "--yes"]),
        ("schedule", "2026-12-01T09:00:00+00:00", ["--schedule", "2026-12-01T09:00:00+00:00"]),
        ("schedule", "2026-12-01T05:45:00+00:00", ["--send", "--yes"]),  # passed: send (or already sent)
        ("schedule", None, ["--send", "--yes"]),
        ("test", None, ["--test-email", "a@example.org,b@example.org"]),
    ],
)
def test_modes_become_the_publishers_options(mode, send_at, options):
    assert publish_options(mode, send_at, NOW, " a@example.org,b@example.org ")[0] == options


def test_test_mode_needs_addresses_and_unknown_modes_are_named():
    with pytest.raises(ModeError, match="NEWSLETTER_TEST_EMAILS"):
        publish_options("test", None, NOW, "")
    with pytest.raises(ModeError, match="unknown mode 'sned'"):
        publish_options("sned", None, NOW, "")


@pytest.fixture
def mailchimp(monkeypatch):
    with FakeMailchimp(api_key=API_KEY, audience_id=AUDIENCE) as server:
        monkeypatch.setenv("MAILCHIMP_API_KEY", API_KEY)
        monkeypatch.setenv("MAILCHIMP_AUDIENCE_ID", AUDIENCE)
        monkeypatch.setenv("MAILCHIMP_API_URL", server.url)
        yield server


def run(site, mode: str, capsys) -> tuple[int, str]:
    code = main(["--mode", mode, "--month", "2026-11", "--site", str(site)])
    said = capsys.readouterr()
    return code, said.out + said.err


def test_a_scheduled_run_sends_once_and_a_rerun_reports_already_sent(tmp_path, mailchimp, capsys):
    make_campaign(tmp_path)
    code, said = run(tmp_path, "schedule", capsys)
    assert code == 0, said
    assert "mode schedule: the issue has no Send_date: send now" in said and "Sent the 2026-11 issue" in said
    code, said = run(tmp_path, "schedule", capsys)
    assert code == 0 and "already sent" in said
    assert len(mailchimp.state.sends) == 1 and len(campaigns_for(mailchimp)) == 1


def test_a_send_date_ahead_is_scheduled_once(tmp_path, mailchimp, capsys):
    folder = make_campaign(tmp_path)
    soon = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=2)
    send_at = soon.replace(minute=soon.minute - soon.minute % 15).isoformat()
    record = json.loads((folder / "campaign.json").read_text())
    (folder / "campaign.json").write_text(json.dumps({**record, "send_at": send_at}))
    code, said = run(tmp_path, "schedule", capsys)
    assert code == 0, said
    (campaign,) = campaigns_for(mailchimp)
    assert campaign["status"] == "schedule"
    code, said = run(tmp_path, "schedule", capsys)
    assert code == 0 and "already scheduled" in said
    assert mailchimp.state.sends == []


def test_dry_run_contacts_nobody(tmp_path, mailchimp, capsys):
    make_campaign(tmp_path)
    code, said = run(tmp_path, "dry-run", capsys)
    assert code == 0 and "Dry run: nothing was sent." in said
    assert mailchimp.state.requests == []
