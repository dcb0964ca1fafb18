"""`pelican-newsletter report` / `invoke newsletter-report`: Mailchimp's report of each sent
issue, read with the real mailchimp-marketing client from the local Mailchimp, faults included."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest

from pelican.plugins.monthly_newsletter.publish.cli import newsletter_report
from pelican.plugins.monthly_newsletter.publish.mailchimp import MailchimpMarketingApi
from pelican.plugins.monthly_newsletter.publish.report import without_utm
from tests.fake_mailchimp.server import FakeMailchimp
from tests.test_publish import API_KEY, AUDIENCE, FAST, NOW, console, make_campaign

SITE = "https://networker.example.com"
UTM = "utm_campaign=networker-2026-11&utm_medium=email&utm_source=newsletter"


@pytest.fixture
def mailchimp():
    with FakeMailchimp(api_key=API_KEY, audience_id=AUDIENCE) as server:
        yield server


def sent_issue(mc: FakeMailchimp, month: str, number: int, status: str = "sent", **report) -> str:
    _, created = mc.act(
        "POST",
        "/campaigns",
        {
            "type": "regular",
            "recipients": {"list_id": AUDIENCE},
            "settings": {
                "title": f"Networker #{number} · {month} [networker-{month}] {{abc}}",
                "subject_line": f"Networker #{number}",
            },
        },
    )
    created["status"], created["send_time"] = status, f"{month}-28T09:00:00+00:00"
    if report:
        mc.state.reports[created["id"]] = report
    return created["id"]


NOVEMBER = {
    "emails_sent": 1200,
    "opens": 900,
    "unique_opens": 540,
    "unique_subscriber_clicks": 96,
    "unsubscribed": 3,
    "hard_bounces": 2,
    "soft_bounces": 5,
    "clicks": {
        f"{SITE}/network-map/?{UTM}": (40, 30),
        f"{SITE}/network-map/?utm_source=newsletter&utm_medium=email&utm_content=button": (25, 20),
        f"{SITE}/share/?{UTM}": (30, 25),
        "https://example.org/book": (12, 10),
        f"{SITE}/quoteactions/?{UTM}": (8, 8),
        f"{SITE}/about/?ref=mail&{UTM}": (6, 6),
        f"{SITE}/archive/?{UTM}": (1, 1),
    },
}


class Report:
    def __init__(self, root: Path, server: FakeMailchimp):
        self.root, self.server = root, server

    def __call__(self, month: str = "", env: dict | None = None) -> int:
        out, err = io.StringIO(), io.StringIO()
        self.code = newsletter_report(
            self.root,
            month=month,
            environ=env
            if env is not None
            else {
                "MAILCHIMP_API_KEY": API_KEY,
                "MAILCHIMP_AUDIENCE_ID": AUDIENCE,
                "MAILCHIMP_API_URL": self.server.url,
            },
            api_factory=lambda config: MailchimpMarketingApi(config, timeout=2),
            retry=FAST,
            sleep=lambda seconds: None,
            now=NOW,
            out=out,
            err=err,
        )
        self.out, self.err = out.getvalue(), err.getvalue()
        return self.code


@pytest.fixture
def report(tmp_path, mailchimp):
    make_campaign(tmp_path)
    return Report(tmp_path, mailchimp)


def test_each_sent_issue_gets_a_row_its_top_links_and_a_json_file(report, mailchimp):
    sent_issue(mailchimp, "2026-10", 3, emails_sent=1000, opens=400, unique_opens=300, clicks={})
    november = sent_issue(mailchimp, "2026-11", 4, **NOVEMBER)
    sent_issue(mailchimp, "2026-12", 5, status="save")  # a draft has no report
    assert report() == 0, report.err
    lines = report.out.splitlines()
    assert lines[0].split() == [
        "Month", "Issue", "Recipients", "Opens", "Unique", "opens", "Open", "rate",
        "Clicks", "Click", "rate", "Unsubscribes", "Bounces",
    ]  # fmt: skip
    assert lines[2].split() == ["2026-10", "#3", "1,000", "400", "300", "30.0%", "0", "0.0%", "0", "0"]
    assert lines[3].split() == ["2026-11", "#4", "1,200", "900", "540", "45.0%", "122", "8.0%", "3", "7"]
    assert "2026-12" not in report.out
    links = lines[lines.index("Most-clicked links, 2026-11 (#4):") + 1 :][:5]
    assert [line.split() for line in links] == [
        ["65", f"{SITE}/network-map/"],  # the same page with other UTM parameters counted once
        ["30", f"{SITE}/share/"],
        ["12", "https://example.org/book"],
        ["8", f"{SITE}/quoteactions/"],
        ["6", f"{SITE}/about/?ref=mail"],
    ]
    assert "Most-clicked links, 2026-10 (#3):\n  (no clicks yet)" in report.out
    assert "Wrote reports/2026-10.json, reports/2026-11.json." in report.out
    record = json.loads((report.root / "reports/2026-11.json").read_text())
    assert record["campaign_id"] == november and record["fetched_at"] == "2026-11-25T12:00:00+00:00"
    assert (record["recipients"], record["unique_opens"], record["open_rate"]) == (1200, 540, 0.45)
    assert (record["clicks"], record["click_rate"], record["unsubscribes"], record["bounces"]) == (
        122,
        0.08,
        3,
        7,
    )
    assert record["top_links"][0] == {"url": f"{SITE}/network-map/", "clicks": 65, "unique_clicks": 50}
    assert all("utm_" not in link["url"] for link in record["top_links"])


def test_it_only_reads(report, mailchimp):
    sent_issue(mailchimp, "2026-11", 4, **NOVEMBER)
    before = json.dumps(mailchimp.state.campaigns, sort_keys=True)
    assert report() == 0 and report(month="2026-11") == 0
    assert {request.method for request in mailchimp.state.requests} == {"GET"}
    assert json.dumps(mailchimp.state.campaigns, sort_keys=True) == before


def test_one_month_and_a_month_not_sent(report, mailchimp):
    sent_issue(mailchimp, "2026-10", 3, emails_sent=10, clicks={})
    sent_issue(mailchimp, "2026-11", 4, status="schedule")
    assert report(month="2026-10") == 0 and "2026-10" in report.out
    assert not (report.root / "reports/2026-11.json").exists()
    assert report(month="2026-11") == 1
    assert "Mailchimp has no sent campaign for the 2026-11 issue" in report.err
    assert report(month="2026-13") == 1 and "--month must be a month like 2026-11" in report.err


def test_no_sent_issue_yet_is_said_plainly(report, mailchimp):
    assert report() == 0 and "No issue has been sent" in report.out


def test_transient_faults_are_retried(report, mailchimp):
    campaign = sent_issue(mailchimp, "2026-11", 4, **NOVEMBER)
    mailchimp.inject("GET", f"/reports/{campaign}", "429", times=2)
    mailchimp.inject("GET", f"/reports/{campaign}/click-details", "503")
    mailchimp.inject("GET", f"/reports/{campaign}/click-details", "drop")
    assert report() == 0, report.err
    assert len(mailchimp.requests_to("GET", f"/reports/{campaign}")) == 3
    assert len(mailchimp.requests_to("GET", f"/reports/{campaign}/click-details")) == 3


@pytest.mark.parametrize(
    ("path", "fault", "said"),
    [
        ("/reports/{id}", "html", "(get report, HTTP 200)"),
        ("/reports/{id}", "list", "(get report, HTTP 200)"),
        ("/reports/{id}", "empty-object", "without a valid 'id'"),
        ("/reports/{id}/click-details", "empty-object", "(get click details, HTTP 200)"),
        ("/reports/{id}/click-details", "html-as-json", "(get click details, HTTP 200)"),
    ],
)
def test_answers_of_the_wrong_kind_are_errors_naming_the_operation(report, mailchimp, path, fault, said):
    campaign = sent_issue(mailchimp, "2026-11", 4, **NOVEMBER)
    mailchimp.inject("GET", path.format(id=campaign), fault)
    assert report() == 1
    assert said in report.err and "Traceback" not in report.err, report.err
    assert not (report.root / "reports").exists()


def test_a_report_with_impossible_figures_is_refused(report, mailchimp):
    sent_issue(mailchimp, "2026-11", 4, emails_sent=0, unique_opens=5, clicks={})  # an open rate of 5/0
    mailchimp.state.reports[next(iter(mailchimp.state.reports))]["emails_sent"] = -1
    assert report() == 1
    assert "has no valid emails_sent (get report)" in report.err


def test_credentials_errors_and_redaction_are_the_publishers(report, mailchimp, caplog):
    sent_issue(mailchimp, "2026-11", 4, **NOVEMBER)
    assert report(env={}) == 1 and "MAILCHIMP_API_KEY and MAILCHIMP_AUDIENCE_ID are not set" in report.err
    wrong = "ffffffffffffffffffffffffffffffff-us7"
    with caplog.at_level(logging.DEBUG):
        env = {
            "MAILCHIMP_API_KEY": wrong,
            "MAILCHIMP_AUDIENCE_ID": AUDIENCE,
            "MAILCHIMP_API_URL": mailchimp.url,
        }
        assert report(env=env) == 1
    assert "API Key Invalid" in report.err and "Check MAILCHIMP_API_KEY" in report.err
    for text in (report.out, report.err, caplog.text):
        assert wrong not in text and wrong[:32] not in text
    env = {"MAILCHIMP_API_KEY": API_KEY, "MAILCHIMP_AUDIENCE_ID": "nope", "MAILCHIMP_API_URL": mailchimp.url}
    assert report(env=env) == 1 and "Check MAILCHIMP_AUDIENCE_ID (nope)" in report.err


def test_a_fresh_clone_without_campaign_files_reads_every_issue(tmp_path, mailchimp):
    sent_issue(mailchimp, "2026-11", 4, **NOVEMBER)
    runner = Report(tmp_path, mailchimp)
    assert runner() == 0, runner.err
    assert (tmp_path / "reports/2026-11.json").is_file()


def test_the_console_script(tmp_path, mailchimp):
    sent_issue(mailchimp, "2026-11", 4, **NOVEMBER)
    env = {
        "MAILCHIMP_API_KEY": API_KEY,
        "MAILCHIMP_AUDIENCE_ID": AUDIENCE,
        "MAILCHIMP_API_URL": mailchimp.url,
    }
    result = console("report", "--month", "2026-11", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Most-clicked links, 2026-11 (#4):" in result.stdout and API_KEY not in result.stdout
    assert (tmp_path / "reports/2026-11.json").is_file()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"{SITE}/a/?{UTM}", f"{SITE}/a/"),
        (f"{SITE}/a/?page=2&utm_source=x", f"{SITE}/a/?page=2"),
        ("https://example.org/b#top", "https://example.org/b#top"),
    ],
)
def test_utm_parameters_are_left_out(url, expected):
    assert without_utm(url) == expected
