"""Publishing to Mailchimp through the real mailchimp-marketing client and a local fake Mailchimp."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pelican.plugins.monthly_newsletter.publish.cli import publish_newsletter
from pelican.plugins.monthly_newsletter.publish.mailchimp import MailchimpMarketingApi
from pelican.plugins.monthly_newsletter.publish.publisher import RetryPolicy
from tests.fake_mailchimp.server import FakeMailchimp

API_KEY = "0123456789abcdef0123456789abcdef-us7"
AUDIENCE = "aud123"
KEY = "networker-2026-11"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
FAST = RetryPolicy(
    initial_seconds=0.01, max_seconds=0.05, total_seconds=20, max_attempts=6, settle_seconds=0.2
)
HTML = "<html><body><p>Hello</p><a href='*|UNSUB|*'>Unsubscribe</a> *|LIST:ADDRESSLINE|*</body></html>"
TEXT = "Hello\nUnsubscribe: *|UNSUB|*\n"


def content_hash(subject: str, preview: str, html: str, text: str) -> str:
    """As the build computes it (render.content_hash), written out so the test checks it."""
    digest = hashlib.sha256()
    for part in (subject, preview, html, text):
        digest.update(part.encode() + b"\0")
    return "sha256:" + digest.hexdigest()


def make_campaign(
    root: Path,
    html: str = HTML,
    text: str = TEXT,
    month: str = "2026-11",
    send_at: str | None = None,
    number: int = 4,
) -> Path:
    article = root / "content/articles/a.md"
    article.parent.mkdir(parents=True, exist_ok=True)
    if not article.exists():
        article.write_text("Title: A\n\nBody.\n")
    folder = root / "campaigns" / month
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "email.html").write_text(html)
    (folder / "email.txt").write_text(text)
    record = {
        "schema": 2,
        "month": month,
        "issue_number": number,
        "issue_key": f"networker-{month}",
        "title": f"Networker #{number} · November 2026 [networker-{month}]",
        "subject": f"Networker #{number}",
        "preview_text": "Preview.",
        "from_name": "Networker",
        "reply_to": "hello@networker.example.com",
        "web_url": f"https://networker.example.com/newsletter/{month}/",
        "send_at": send_at,
        "content_hash": content_hash(f"Networker #{number}", "Preview.", html, text),
        "sources": {"content/articles/a.md": "sha256:" + hashlib.sha256(article.read_bytes()).hexdigest()},
        "content_folder": {
            "path": "content",
            "files": sorted(
                p.relative_to(root / "content").as_posix() for p in (root / "content").rglob("*.md")
            ),
        },
    }
    (folder / "campaign.json").write_text(json.dumps(record))
    return folder


@pytest.fixture
def mailchimp():
    with FakeMailchimp(api_key=API_KEY, audience_id=AUDIENCE) as server:
        yield server


class Run:
    def __init__(self, root: Path, server: FakeMailchimp | None):
        self.root, self.server = root, server
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        time.sleep(seconds)

    def __call__(self, *, env=None, timeout=2.0, tty_answer=None, **options):
        environ = (
            env
            if env is not None
            else {
                "MAILCHIMP_API_KEY": API_KEY,
                "MAILCHIMP_AUDIENCE_ID": AUDIENCE,
                "MAILCHIMP_API_URL": self.server.url,
            }
        )
        stdin = _Tty(tty_answer) if tty_answer is not None else io.StringIO()
        out, err = io.StringIO(), io.StringIO()
        code = publish_newsletter(
            options.pop("month", "2026-11"),
            self.root,
            environ=environ,
            retry=FAST,
            now=NOW,
            stdin=stdin,
            out=out,
            err=err,
            sleep=self.sleep,
            api_factory=lambda config: MailchimpMarketingApi(config, timeout=timeout),
            **options,
        )
        self.code, self.out, self.err = code, out.getvalue(), err.getvalue()
        return code


class _Tty(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture
def run(tmp_path, mailchimp):
    make_campaign(tmp_path)
    return Run(tmp_path, mailchimp)


def campaigns_for(server: FakeMailchimp, key: str = KEY) -> list[dict]:
    return [c for c in server.state.campaigns.values() if f"[{key}]" in c["settings"].get("title", "")]


def test_dry_run_contacts_nobody_and_needs_no_credentials(run, mailchimp):
    assert run(env={}) == 0
    assert "Dry run: nothing was sent." in run.out
    assert "MAILCHIMP_API_KEY and MAILCHIMP_AUDIENCE_ID not set" in run.out
    assert "Subject:      Networker #4" in run.out and "[ok] the HTML has an unsubscribe link" in run.out
    assert run() == 0
    assert mailchimp.state.requests == []


def test_missing_or_malformed_credentials_are_clear_errors(run, mailchimp):
    assert run(env={}, send=True, yes=True) == 1
    assert "MAILCHIMP_API_KEY and MAILCHIMP_AUDIENCE_ID are not set" in run.err
    assert (
        run(env={"MAILCHIMP_API_KEY": "not-a-key", "MAILCHIMP_AUDIENCE_ID": AUDIENCE}, send=True, yes=True)
        == 1
    )
    assert "MAILCHIMP_API_KEY does not look like a Mailchimp API key" in run.err
    assert "not-a-key" not in run.err
    assert mailchimp.state.requests == []


def test_wrong_key_is_a_401_that_is_not_retried_and_never_shown(run, mailchimp, caplog):
    wrong = "ffffffffffffffffffffffffffffffff-us7"
    with caplog.at_level(logging.DEBUG):
        code = run(
            env={
                "MAILCHIMP_API_KEY": wrong,
                "MAILCHIMP_AUDIENCE_ID": AUDIENCE,
                "MAILCHIMP_API_URL": mailchimp.url,
            },
            send=True,
            yes=True,
        )
    assert code == 1
    assert "API Key Invalid" in run.err and "Check MAILCHIMP_API_KEY" in run.err
    assert len(mailchimp.state.requests) == 1
    for text in (run.out, run.err, caplog.text):
        assert wrong not in text and wrong[:32] not in text


def test_unknown_audience_is_a_404_with_a_hint(run, mailchimp):
    env = {"MAILCHIMP_API_KEY": API_KEY, "MAILCHIMP_AUDIENCE_ID": "nope", "MAILCHIMP_API_URL": mailchimp.url}
    assert run(env=env, test_email="me@example.org") == 1
    assert "Check MAILCHIMP_AUDIENCE_ID (nope)" in run.err
    assert len(mailchimp.state.requests) == 1


def test_test_email_goes_to_those_addresses_only(run, mailchimp):
    assert run(test_email="me@example.org, you@example.org") == 0, run.err
    assert mailchimp.state.test_sends == [
        (campaigns_for(mailchimp)[0]["id"], ("me@example.org", "you@example.org"))
    ]
    assert mailchimp.state.sends == []
    assert run(test_email="me@example.org") == 0
    assert len(campaigns_for(mailchimp)) == 1
    content = mailchimp.state.contents[campaigns_for(mailchimp)[0]["id"]]
    assert content == {"html": HTML, "plain_text": TEXT}
    assert run(test_email="not-an-address") == 1 and "--test-email takes addresses" in run.err


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "2026-12-01T09:10+00:00",
            "quarter hours only (:00, :15, :30, :45). For --schedule use 2026-12-01T09:00+00:00 or "
            "2026-12-01T09:15+00:00.",
        ),
        ("2026-11-01T09:00+00:00", "is in the past"),
        ("2026-12-01T09:00", "has no time zone"),
        ("next tuesday", "is not a date and time"),
    ],
)
def test_schedule_times_are_checked_before_anything_is_sent(run, mailchimp, value, message):
    assert run(schedule=value) == 1
    assert message in run.err
    assert mailchimp.state.requests == []


def test_schedule_then_rerun_is_a_no_op_and_send_is_refused(run, mailchimp):
    assert run(schedule="2026-12-01T09:00+00:00") == 0, run.err
    (campaign,) = campaigns_for(mailchimp)
    assert (campaign["status"], campaign["send_time"]) == ("schedule", "2026-12-01T09:00:00+00:00")
    assert run(schedule="2026-12-01T09:00+00:00") == 0 and "already scheduled" in run.out
    assert run(send=True, yes=True) == 1 and "already scheduled" in run.err
    assert mailchimp.state.sends == []


def test_send_once_and_rerun_reports_already_sent(run, mailchimp):
    assert run(send=True, yes=True) == 0, run.err
    assert "Sent the 2026-11 issue" in run.out
    assert run(send=True, yes=True) == 0
    assert "already sent" in run.out
    assert len(mailchimp.state.sends) == 1 and len(campaigns_for(mailchimp)) == 1
    record = json.loads((run.root / "campaigns/2026-11/published.json").read_text())
    assert record["status"] == "sent" and record["issue_key"] == KEY


def test_changed_content_after_sending_is_refused(run, mailchimp):
    assert run(send=True, yes=True) == 0
    make_campaign(run.root, html=HTML.replace("Hello", "Hello again"))
    assert run(send=True, yes=True) == 1
    assert "already sent" in run.err and "content has changed" in run.err
    assert len(mailchimp.state.sends) == 1


def test_send_needs_confirmation(run, mailchimp):
    assert run(send=True) == 1 and "add --yes" in run.err
    assert run(send=True, tty_answer="no\n") == 1 and "Not sent." in run.out
    assert mailchimp.state.sends == []
    assert run(send=True, tty_answer="send\n") == 0
    assert len(mailchimp.state.sends) == 1


def test_stale_or_missing_campaign_files_are_refused(run, mailchimp):
    (run.root / "content/articles/a.md").write_text("Title: A\n\nChanged.\n")
    assert run() == 1
    assert "older than content/articles/a.md" in run.err and "make build" in run.err
    assert run(month="2026-10") == 1 and "No campaign files for 2026-10" in run.err
    assert run(month="2026-13") == 1 and "--month must be a month like 2026-11" in run.err


def test_checklist_not_ready_is_shown_and_nothing_is_sent(tmp_path, mailchimp):
    make_campaign(tmp_path, html="<p>No unsubscribe link</p>")
    runner = Run(tmp_path, mailchimp)
    assert runner(send=True, yes=True) == 1
    assert "[FAIL] the HTML has an unsubscribe link" in runner.out
    assert mailchimp.state.requests == []


def test_rate_limit_is_retried_honouring_retry_after(run, mailchimp):
    mailchimp.inject("GET", f"/lists/{AUDIENCE}", "429", times=2, retry_after=3)
    assert run(send=True, yes=True) == 0, run.err
    assert len(mailchimp.requests_to("GET", f"/lists/{AUDIENCE}")) == 3
    assert run.slept[:2] == [0.05, 0.05]  # Retry-After 3 s, capped by this test's max_seconds


def test_server_errors_and_timeouts_are_retried(run, mailchimp):
    mailchimp.state.slow_seconds = 0.6
    mailchimp.inject("GET", "/campaigns", "503")
    mailchimp.inject("PUT", r"/campaigns/\w+/content", "slow")
    mailchimp.inject("GET", r"/campaigns/\w+/send-checklist", "drop")
    assert run(send=True, yes=True, timeout=0.3) == 0, run.err
    assert len(mailchimp.state.sends) == 1


def test_client_error_is_not_retried(run, mailchimp):
    mailchimp.state.now = datetime(2026, 12, 5, tzinfo=UTC)  # Mailchimp's clock is later: the time is past
    assert run(schedule="2026-12-01T09:00+00:00") == 1
    assert "Schedule time must be in the future" in run.err
    assert len(mailchimp.requests_to("POST", r"/campaigns/\w+/actions/schedule")) == 1


@pytest.mark.parametrize("fault", ["lost", "drop", "500"])
def test_unknown_outcome_of_create_never_makes_a_second_campaign(run, mailchimp, fault):
    mailchimp.inject("POST", "/campaigns", fault)
    assert run(send=True, yes=True) == 0, run.err
    assert len(campaigns_for(mailchimp)) == 1 and len(mailchimp.state.sends) == 1


@pytest.mark.parametrize("fault", ["lost", "drop", "500", "slow"])
def test_unknown_outcome_of_send_never_sends_twice(run, mailchimp, fault):
    mailchimp.state.slow_seconds = 0.6
    mailchimp.inject("POST", r"/campaigns/\w+/actions/send", fault)
    assert run(send=True, yes=True, timeout=0.3) == 0, run.err
    assert len(mailchimp.state.sends) == 1


def test_crash_between_create_and_local_record_does_not_duplicate(run, mailchimp):
    class Crash(Exception):
        pass

    def crashing_factory(config):
        api = MailchimpMarketingApi(config, timeout=2)
        create = api.create_campaign

        def create_then_crash(body):
            create(body)
            raise Crash

        api.create_campaign = create_then_crash
        return api

    with pytest.raises(Crash):
        publish_newsletter(
            "2026-11",
            run.root,
            send=True,
            yes=True,
            environ={
                "MAILCHIMP_API_KEY": API_KEY,
                "MAILCHIMP_AUDIENCE_ID": AUDIENCE,
                "MAILCHIMP_API_URL": mailchimp.url,
            },
            api_factory=crashing_factory,
            retry=FAST,
            now=NOW,
            out=io.StringIO(),
            err=io.StringIO(),
        )
    assert not (run.root / "campaigns/2026-11/published.json").exists()
    assert run(send=True, yes=True) == 0, run.err
    assert len(campaigns_for(mailchimp)) == 1 and len(mailchimp.state.sends) == 1


def test_api_key_never_appears_in_any_output(run, mailchimp, caplog):
    outputs = []
    with caplog.at_level(logging.DEBUG):
        mailchimp.inject("GET", "/campaigns", "500", times=20)
        run(send=True, yes=True)
        outputs += [run.out, run.err]
        mailchimp.calm()
        run(send=True, yes=True)
        outputs += [run.out, run.err]
        run(test_email="me@example.org")
        outputs += [run.out, run.err]
    assert "Mailchimp kept failing" in outputs[1]
    for text in [*outputs, caplog.text]:
        assert API_KEY not in text and API_KEY[:32] not in text


@pytest.mark.parametrize("seed", range(100, 116))
def test_random_faults_still_give_one_campaign_and_one_send(tmp_path, seed):
    make_campaign(tmp_path)
    with FakeMailchimp(api_key=API_KEY, audience_id=AUDIENCE) as server:
        server.state.slow_seconds = 0.25
        server.random_faults(seed, rate=0.5)
        runner = Run(tmp_path, server)
        for _ in range(25):
            code = runner(send=True, yes=True, timeout=0.15)
            assert len(campaigns_for(server)) <= 1
            assert len(server.state.sends) <= 1
            if code == 0:
                break
        assert code == 0, runner.err
        assert any(request.fault for request in server.state.requests)  # the faults really happened
        assert len(server.state.sends) == 1 and len(campaigns_for(server)) == 1
        assert runner(send=True, yes=True, timeout=0.15) == 0 or len(server.state.sends) == 1
        assert len(server.state.sends) == 1


def test_api_url_must_not_send_the_key_unencrypted_to_another_machine(run, mailchimp):
    env = {
        "MAILCHIMP_API_KEY": API_KEY,
        "MAILCHIMP_AUDIENCE_ID": AUDIENCE,
        "MAILCHIMP_API_URL": "http://mail.example.org/3.0",
    }
    assert run(env=env, send=True, yes=True) == 1
    assert "would send the API key unencrypted" in run.err


def test_api_url_containing_the_word_server_is_used_as_given(tmp_path):
    make_campaign(tmp_path)
    with FakeMailchimp(api_key=API_KEY, audience_id=AUDIENCE, base_path="/mailserver/3.0") as server:
        runner = Run(tmp_path, server)
        # The official client replaces "server" anywhere in the URL with the data centre.
        env = {
            "MAILCHIMP_API_KEY": API_KEY,
            "MAILCHIMP_AUDIENCE_ID": AUDIENCE,
            "MAILCHIMP_API_URL": server.url,
        }
        assert runner(env=env, test_email="me@example.org") == 0, runner.err
        assert server.state.test_sends


def test_retry_after_accepts_seconds_and_http_dates():
    from pelican.plugins.monthly_newsletter.publish.mailchimp import retry_after_seconds

    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Wed, 25 Nov 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("soon") is None


def test_campaign_files_from_a_development_build_are_refused(tmp_path, mailchimp):
    folder = make_campaign(tmp_path)
    record = json.loads((folder / "campaign.json").read_text())
    record["web_url"] = "http://localhost:8000/newsletter/2026-11/"
    (folder / "campaign.json").write_text(json.dumps(record))
    run = Run(tmp_path, mailchimp)
    assert run(send=True, yes=True) == 1
    assert "come from a development build" in run.err and "make build" in run.err
    assert mailchimp.state.requests == []


CONSOLE_SCRIPT = (
    Path(sys.executable).parent / "pelican-newsletter"
)  # installed by the newsletter distribution


def console(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("MAILCHIMP_")}
    return subprocess.run(
        [str(CONSOLE_SCRIPT), *args],
        env={**environ, **(env or {})},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_console_script_dry_run(tmp_path):
    make_campaign(tmp_path)
    result = console("publish", "--month", "2026-11", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Dry run: nothing was sent." in result.stdout
    assert "Issue:        #4, 2026-11 (networker-2026-11)" in result.stdout
    elsewhere = console("publish", "--month", "2026-11", "--site", str(tmp_path), cwd=tmp_path.parent)
    assert elsewhere.returncode == 0 and elsewhere.stdout == result.stdout


def test_console_script_usage_errors_exit_2_without_a_traceback(tmp_path):
    for args in (("publish",), ("publish", "--month", "2026-11", "--sned"), ()):
        result = console(*args, cwd=tmp_path)
        assert result.returncode == 2, args
        assert "usage: pelican-newsletter" in result.stderr and "Traceback" not in result.stderr, (
            result.stderr
        )
    result = console("publish", "--month", "2026-13", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == "Error: --month must be a month like 2026-11, not '2026-13'.\n"


def test_console_script_sends_a_test_through_mailchimp(tmp_path, mailchimp):
    make_campaign(tmp_path)
    env = {
        "MAILCHIMP_API_KEY": API_KEY,
        "MAILCHIMP_AUDIENCE_ID": AUDIENCE,
        "MAILCHIMP_API_URL": mailchimp.url,
    }
    result = console("publish", "--month", "2026-11", "--test-email", "a@example.org", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert API_KEY not in result.stdout + result.stderr
    assert mailchimp.state.test_sends == [(campaigns_for(mailchimp)[0]["id"], ("a@example.org",))]
    assert mailchimp.state.sends == []
