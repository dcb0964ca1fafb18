"""The publisher trusts nothing it reads: Mailchimp's odd answers, stale or edited campaign
files, bad addresses and times, and another publisher running at the same time. The real
mailchimp-marketing client against the local Mailchimp of tests/fake_mailchimp."""

from __future__ import annotations

import json

import pytest

from pelican.plugins.monthly_newsletter.publish import publisher
from tests.fake_mailchimp.server import FakeMailchimp
from tests.test_publish import API_KEY, AUDIENCE, KEY, Run, campaigns_for, make_campaign

CHECKLIST = r"/campaigns/\w+/send-checklist"


@pytest.fixture
def mailchimp():
    with FakeMailchimp(api_key=API_KEY, audience_id=AUDIENCE) as server:
        yield server


@pytest.fixture
def run(tmp_path, mailchimp):
    make_campaign(tmp_path)
    return Run(tmp_path, mailchimp)


def env_with(mailchimp: FakeMailchimp, **values: str) -> dict[str, str]:
    return {
        "MAILCHIMP_API_KEY": API_KEY,
        "MAILCHIMP_AUDIENCE_ID": AUDIENCE,
        "MAILCHIMP_API_URL": mailchimp.url,
        **values,
    }


# --- answers that are not what Mailchimp documents ---------------------------------------------
@pytest.mark.parametrize(
    ("method", "path", "fault", "operation", "what"),
    [
        ("GET", f"/lists/{AUDIENCE}", "html", "get audience", "an HTML page"),
        ("GET", f"/lists/{AUDIENCE}", "html-as-json", "get audience", "an answer that is not JSON"),
        ("GET", "/campaigns", "list", "list campaigns", "a JSON list"),
        ("GET", "/campaigns", "empty-object", "list campaigns", "without a valid 'campaigns'"),
        ("GET", CHECKLIST, "html", "send checklist", "an HTML page"),
        ("GET", CHECKLIST, "empty-object", "send checklist", "without a valid 'is_ready'"),
    ],
)
def test_an_answer_of_the_wrong_kind_is_an_error_naming_the_operation(
    run, mailchimp, method, path, fault, operation, what
):
    mailchimp.inject(method, path, fault)
    assert run(send=True, yes=True) == 1
    assert f"({operation}, HTTP 200)" in run.err and what in run.err, run.err
    assert "Traceback" not in run.err + run.out
    assert mailchimp.state.sends == []
    assert len(mailchimp.requests_to(method, path)) == 1  # not retried: it would answer the same


def test_a_created_campaign_without_an_id_is_found_again_not_created_twice(run, mailchimp):
    mailchimp.inject("POST", "/campaigns", "no-id")
    assert run(send=True, yes=True) == 0, run.err
    assert len(campaigns_for(mailchimp)) == 1 and len(mailchimp.state.sends) == 1


def test_a_created_campaign_without_an_id_that_mailchimp_does_not_list_is_an_error(run, mailchimp):
    mailchimp.inject("POST", "/campaigns", "no-id")
    mailchimp.meanwhile("GET", "/campaigns", lambda mc: None)  # the first listing is before creating
    mailchimp.meanwhile("GET", "/campaigns", lambda mc: mc.state.campaigns.clear())
    assert run(send=True, yes=True) == 1
    assert "(create campaign, HTTP 200)" in run.err and "without a valid id" in run.err, run.err
    assert mailchimp.state.sends == []


def test_text_from_mailchimp_is_shown_without_control_characters_and_cut(run, mailchimp):
    mailchimp.inject("GET", f"/lists/{AUDIENCE}", "control-characters")
    assert run(test_email="me@example.org") == 1
    assert "\x1b" not in run.err and "\x07" not in run.err and "\u202e" not in run.err
    assert "\r" not in run.err and run.err.count("\n") == 1
    assert "Bad Request" in run.err and "Line one Line two" in run.err and "…" in run.err
    assert len(run.err) < 700


def test_paging_through_campaigns_stops_at_a_bound(run, mailchimp, monkeypatch):
    monkeypatch.setattr(publisher, "MAX_PAGES", 3)
    monkeypatch.setattr(publisher, "PAGE_SIZE", 1)
    for number in range(5):  # other campaigns of the audience, more than 3 pages of 1
        mailchimp.act(
            "POST",
            "/campaigns",
            {"type": "regular", "recipients": {"list_id": AUDIENCE}, "settings": {"title": f"Old {number}"}},
        )
    assert run(test_email="me@example.org") == 1
    assert "Mailchimp listed more than 3 campaigns" in run.err and "stopped there" in run.err
    assert len(mailchimp.requests_to("GET", "/campaigns")) == 3


# --- credentials, addresses, times --------------------------------------------------------------
@pytest.mark.parametrize("server", ["", "us7"])
def test_a_key_that_is_not_ascii_is_refused_at_once(run, mailchimp, server):
    key = API_KEY.replace("-", "\u2013")  # a typographic dash, as a word processor writes it
    env = env_with(mailchimp, MAILCHIMP_API_KEY=key, MAILCHIMP_SERVER=server)
    assert run(env=env, test_email="me@example.org") == 1
    assert "MAILCHIMP_API_KEY" in run.err and ("not plain ASCII" in run.err or "does not look" in run.err)
    assert key not in run.err and key[:32] not in run.err
    assert mailchimp.state.requests == [] and run.slept == []


@pytest.mark.parametrize(
    ("addresses", "message"),
    [
        ("me@example", "is not an email address"),
        ("me@exa mple.org", "is not an email address"),
        ("me..you@example.org", "is not an email address"),
        ("me@example.org,,you@example.org", "empty address"),
        (",", "takes addresses separated by commas"),
        (",".join(f"t{n}@example.org" for n in range(7)), "at most 6 in one test"),
    ],
)
def test_test_addresses_are_checked_before_mailchimp_is_contacted(run, mailchimp, addresses, message):
    assert run(test_email=addresses) == 1
    assert message in run.err, run.err
    assert mailchimp.state.requests == []


def test_a_paid_plan_may_send_a_test_to_twenty_addresses(run, mailchimp):
    twenty = [f"t{n}@example.org" for n in range(20)]
    env = env_with(mailchimp, MAILCHIMP_TEST_EMAIL_LIMIT="20")
    assert run(env=env, test_email=",".join([*twenty, "t0@example.org"])) == 0, run.err  # duplicates once
    assert mailchimp.state.test_sends[0][1] == tuple(twenty)
    assert run(env=env, test_email=",".join([*twenty, "t20@example.org"])) == 1
    assert "at most 20 in one test" in run.err
    assert run(env=env_with(mailchimp, MAILCHIMP_TEST_EMAIL_LIMIT="50"), test_email="me@example.org") == 1
    assert "MAILCHIMP_TEST_EMAIL_LIMIT must be a number from 1 to 20" in run.err


@pytest.mark.parametrize(
    "value", ["9999-12-31T23:45-05:00", "9999-12-31T23:50+00:00", "0001-01-01T00:15+01:00"]
)
def test_a_schedule_time_that_overflows_is_refused_before_anything_is_uploaded(run, mailchimp, value):
    assert run(schedule=value) == 1
    assert "Traceback" not in run.err and run.err.startswith("Error: --schedule"), run.err
    assert mailchimp.state.requests == []


# --- campaign files that are not what the build wrote -------------------------------------------
def test_a_hand_edited_email_is_refused(run, mailchimp):
    email = run.root / "campaigns/2026-11/email.html"
    email.write_text(email.read_text().replace("Hello", "Hello, edited by hand"))
    assert run(send=True, yes=True) == 1
    assert "changed after the build" in run.err and "content_hash" in run.err
    assert mailchimp.state.requests == []


def test_a_file_added_to_the_content_after_the_build_makes_the_campaign_stale(run, mailchimp):
    new = run.root / "content/articles/b.md"
    new.write_text("Title: B\nDate: 2026-11-20\n\nBackdated into November.\n")
    assert run() == 1
    assert "older than the content: content/articles/b.md was added since the build" in run.err
    new.unlink()
    assert run() == 0, run.err


def test_a_changed_template_or_settings_file_makes_the_campaign_stale(tmp_path, mailchimp):
    folder = make_campaign(tmp_path)
    for label in ("theme/templates/newsletter/email.html", "publishconf.py"):
        (tmp_path / label).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / label).write_text("original\n")
    record = json.loads((folder / "campaign.json").read_text())
    record["sources"] |= {
        "theme/templates/newsletter/email.html": "sha256:"
        + __import__("hashlib").sha256(b"original\n").hexdigest(),
        "publishconf.py": "sha256:" + __import__("hashlib").sha256(b"original\n").hexdigest(),
    }
    (folder / "campaign.json").write_text(json.dumps(record))
    runner = Run(tmp_path, mailchimp)
    assert runner() == 0, runner.err
    for label in ("theme/templates/newsletter/email.html", "publishconf.py"):
        (tmp_path / label).write_text("changed\n")
        assert runner() == 1
        assert f"older than {label}, which changed since the build" in runner.err
        (tmp_path / label).write_text("original\n")


# --- two publishers at once -------------------------------------------------------------------------
def _prepare(mc: FakeMailchimp) -> str:
    (campaign,) = campaigns_for(mc)
    mc.act("PUT", f"/campaigns/{campaign['id']}/content", {"html": "<p>*|UNSUB|*</p>", "plain_text": "x"})
    return campaign["id"]


def test_the_loser_of_two_sends_says_the_other_sent_it(run, mailchimp):
    mailchimp.meanwhile(
        "POST",
        r"/campaigns/\w+/actions/send",
        lambda mc: mc.act("POST", f"/campaigns/{_prepare(mc)}/actions/send"),
    )
    assert run(send=True, yes=True) == 0, run.err
    assert "Another publisher sent the 2026-11 issue first" in run.out and "this run sent nothing" in run.out
    assert "Sent the 2026-11 issue" not in run.out
    assert len(mailchimp.state.sends) == 1


def test_the_loser_of_two_schedules_says_when_the_other_scheduled_it(run, mailchimp):
    mailchimp.meanwhile(
        "POST",
        r"/campaigns/\w+/actions/schedule",
        lambda mc: mc.act(
            "POST",
            f"/campaigns/{_prepare(mc)}/actions/schedule",
            {"schedule_time": "2026-12-02T10:00:00+00:00"},
        ),
    )
    assert run(schedule="2026-12-01T09:00+00:00") == 0, run.err
    assert "Another publisher scheduled the 2026-11 issue first, for 2026-12-02T10:00:00+00:00" in run.out
    assert campaigns_for(mailchimp)[0]["send_time"] == "2026-12-02T10:00:00+00:00"


def test_a_campaign_sent_elsewhere_while_uploading_is_reported_as_such(run, mailchimp):
    mailchimp.meanwhile(
        "PUT", r"/campaigns/\w+/content", lambda mc: mc.act("POST", f"/campaigns/{_prepare(mc)}/actions/send")
    )
    assert run(send=True, yes=True) == 1
    assert "was sent elsewhere (another publisher, or Mailchimp's web app)" in run.err, run.err
    assert len(mailchimp.state.sends) == 1


def test_two_publishers_creating_at_once_keep_one_campaign(run, mailchimp):
    def other_creates(mc):
        mc.act(
            "POST",
            "/campaigns",
            {
                "type": "regular",
                "recipients": {"list_id": AUDIENCE},
                "settings": {"title": f"Networker #4 · November 2026 [{KEY}] {{other}}"},
            },
        )

    mailchimp.meanwhile("POST", "/campaigns", other_creates)
    assert run(test_email="me@example.org") == 0, run.err
    (kept,) = campaigns_for(mailchimp)
    assert kept["id"] == "c00001"
    assert "Another publisher created campaign c00001" in run.out and "deleted its own empty copy" in run.out
    assert mailchimp.state.test_sends == [("c00001", ("me@example.org",))]


@pytest.mark.parametrize("change", ["a list", "sources not a map", "no content_folder"])
def test_a_campaign_json_of_the_wrong_shape_is_refused_without_a_traceback(run, mailchimp, change):
    path = run.root / "campaigns/2026-11/campaign.json"
    record = json.loads(path.read_text())
    if change == "a list":
        record = [record]
    elif change == "sources not a map":
        record["sources"] = ["content/articles/a.md"]
    else:
        del record["content_folder"]
    path.write_text(json.dumps(record))
    assert run() == 1
    assert "is incomplete or for another month" in run.err and "Traceback" not in run.err
