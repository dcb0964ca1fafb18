"""`Send_date:` in content/newsletters/YYYY-MM.md, as the publisher uses it."""

from __future__ import annotations

import pytest

from tests.fake_mailchimp.server import FakeMailchimp
from tests.test_publish import API_KEY, AUDIENCE, Run, campaigns_for, console, make_campaign

PLANNED = "2026-12-01T09:00:00+00:00"


@pytest.fixture
def mailchimp():
    with FakeMailchimp(api_key=API_KEY, audience_id=AUDIENCE) as server:
        yield server


@pytest.fixture
def run(tmp_path, mailchimp):
    make_campaign(tmp_path, send_at=PLANNED)
    return Run(tmp_path, mailchimp)


def test_the_dry_run_shows_the_send_date(run, tmp_path):
    assert run(env={}) == 0
    assert "Send date:    2026-12-01T09:00+00:00 (Send_date: in the issue file)" in run.out
    make_campaign(tmp_path)
    assert run(env={}) == 0 and "Send date:    not set" in run.out


def test_schedule_without_a_time_schedules_at_the_send_date(run, mailchimp):
    assert run(schedule="send-date") == 0, run.err
    (campaign,) = campaigns_for(mailchimp)
    assert (campaign["status"], campaign["send_time"]) == ("schedule", PLANNED)
    assert "Scheduled the 2026-11 issue for 2026-12-01T09:00:00+00:00" in run.out
    assert run(schedule="send-date") == 0 and "already scheduled" in run.out


def test_schedule_without_a_time_needs_a_send_date_in_the_future(tmp_path, mailchimp):
    runner = Run(tmp_path, mailchimp)
    make_campaign(tmp_path)
    assert runner(schedule="send-date") == 1
    assert "has none. Add `Send_date: 2026-11-01 09:00` to content/newsletters/2026-11.md" in runner.err
    make_campaign(tmp_path, send_at="2026-11-20T09:00:00+01:00")
    assert runner(schedule="send-date") == 1
    assert "The 2026-11 issue's Send_date: 2026-11-20T09:00+01:00 is in the past." in runner.err
    make_campaign(tmp_path, send_at="2026-12-01T09:10:00+00:00")
    assert runner(schedule="send-date") == 1 and "For the 2026-11 issue's Send_date: use" in runner.err
    assert mailchimp.state.requests == []


def test_send_before_the_send_date_says_it_was_planned_for_then(run, mailchimp):
    assert run(send=True, tty_answer="send\n") == 0, run.err
    assert "now? It was planned for 2026-12-01T09:00+00:00. Type 'send' to confirm" in run.out
    assert "SEND NOW to the whole audience, before its planned send date 2026-12-01T09:00+00:00" in run.out
    assert (
        "Sent the 2026-11 issue (campaign c00001).\n"
        "It was planned for 2026-12-01T09:00+00:00; it went out before that date.\n"
    ) in run.out
    assert len(mailchimp.state.sends) == 1
    assert run(send=True, yes=True) == 0 and "went out before" not in run.out  # already sent: nothing new


def test_send_on_or_after_the_send_date_says_nothing_about_it(tmp_path, mailchimp):
    make_campaign(tmp_path, send_at="2026-11-25T09:00:00+00:00")  # before NOW
    runner = Run(tmp_path, mailchimp)
    assert runner(send=True, yes=True) == 0, runner.err
    assert "planned" not in runner.out


def test_the_console_script_takes_schedule_without_a_time(tmp_path, mailchimp):
    make_campaign(tmp_path, send_at="2030-01-01T09:00:00+00:00")
    env = {
        "MAILCHIMP_API_KEY": API_KEY,
        "MAILCHIMP_AUDIENCE_ID": AUDIENCE,
        "MAILCHIMP_API_URL": mailchimp.url,
    }
    result = console("publish", "--month", "2026-11", "--schedule", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert campaigns_for(mailchimp)[0]["send_time"] == "2030-01-01T09:00:00+00:00"
