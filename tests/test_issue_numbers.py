"""Issue numbers never change for an issue already published: `Number:` pins them, a
backdated article that would renumber a pinned issue is a content error, and the publisher
refuses campaign files whose number disagrees with the issues Mailchimp has already sent."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pelican.plugins.monthly_newsletter.model import NewsletterOverride
from pelican.plugins.monthly_newsletter.overrides import parse_override
from pelican_contentkit.errors import ContentError, ContentErrors
from tests.fake_mailchimp.server import FakeMailchimp
from tests.test_newsletter_compose import article, compose
from tests.test_publish import API_KEY, AUDIENCE, Run, campaigns_for, make_campaign


def pin(month: str, number: int) -> NewsletterOverride:
    return NewsletterOverride(month=month, source_path=f"content/newsletters/{month}.md", number=number)


SEPTEMBER = article("sep", datetime(2026, 9, 10, tzinfo=UTC))
NOVEMBER = article("nov", datetime(2026, 11, 10, tzinfo=UTC))
BACKDATED = article("backdated", datetime(2026, 10, 5, tzinfo=UTC))


def test_without_pins_issues_are_numbered_in_order():
    assert [(i.month, i.number) for i in compose([SEPTEMBER, NOVEMBER])] == [("2026-09", 1), ("2026-11", 2)]


def test_a_pinned_number_is_kept_and_later_issues_count_on_from_it():
    issues = compose([SEPTEMBER, NOVEMBER], {"2026-09": pin("2026-09", 7)})
    assert [(i.month, i.number, i.title.split(" · ")[0]) for i in issues] == [
        ("2026-09", 7, "Networker #7"),
        ("2026-11", 8, "Networker #8"),
    ]


def test_a_backdated_article_does_not_renumber_a_pinned_issue_it_is_a_content_error():
    overrides = {"2026-09": pin("2026-09", 1), "2026-11": pin("2026-11", 2)}
    assert [i.number for i in compose([SEPTEMBER, NOVEMBER], overrides)] == [1, 2]
    with pytest.raises(ContentError) as caught:
        compose([SEPTEMBER, BACKDATED, NOVEMBER], overrides)
    error = caught.value
    assert error.path == "content/newsletters/2026-11.md" and error.field == "Number"
    assert "is 2, but the 2026-10 issue already has #2" in str(error)
    assert "numbers of published issues never change" in str(error)


def test_a_pinned_number_below_the_one_before_is_a_content_error():
    overrides = {"2026-09": pin("2026-09", 5), "2026-11": pin("2026-11", 3)}
    with pytest.raises((ContentError, ContentErrors)) as caught:
        compose([SEPTEMBER, NOVEMBER], overrides)
    assert "is 3, but the 2026-09 issue before it is #5" in str(caught.value)


@pytest.mark.parametrize(("value", "expected"), [("4", 4), ("#12", 12)])
def test_number_is_read_from_the_issue_file(value, expected):
    override, problems = parse_override("content/newsletters/2026-11.md", f"Number: {value}\n", "UTC")
    assert problems == [] and override is not None and override.number == expected


@pytest.mark.parametrize("value", ["0", "four", "-1", "3.5"])
def test_a_number_that_is_not_one_is_a_content_error(value):
    override, problems = parse_override("content/newsletters/2026-11.md", f"Number: {value}\n", "UTC")
    assert override is None and [p.field for p in problems] == ["Number"]


# --- the publisher: Mailchimp's sent issues are the record -------------------------------------
@pytest.fixture
def mailchimp():
    with FakeMailchimp(api_key=API_KEY, audience_id=AUDIENCE) as server:
        yield server


def sent_issue(mc: FakeMailchimp, month: str, number: int) -> None:
    _, created = mc.act(
        "POST",
        "/campaigns",
        {
            "type": "regular",
            "recipients": {"list_id": AUDIENCE},
            "settings": {"title": f"Networker #{number} · {month} [networker-{month}] {{abc}}"},
        },
    )
    created["status"] = "sent"


def test_campaign_files_that_renumber_a_sent_issue_are_refused(tmp_path, mailchimp):
    sent_issue(mailchimp, "2026-10", 4)
    make_campaign(tmp_path, number=4)  # 2026-11 built as #4: an article was backdated into October
    runner = Run(tmp_path, mailchimp)
    assert runner(send=True, yes=True) == 1
    assert "Mailchimp already has #4 for 2026-10 (sent)" in runner.err, runner.err
    assert "these campaign files make 2026-11 #4" in runner.err and "Number:" in runner.err
    assert mailchimp.state.sends == [] and len(campaigns_for(mailchimp)) == 1  # the draft only


def test_numbers_that_follow_the_sent_issues_are_published(tmp_path, mailchimp):
    sent_issue(mailchimp, "2026-10", 3)
    sent_issue(mailchimp, "2027-01", 9)  # a later month, with a higher number: no conflict
    make_campaign(tmp_path, number=4)
    runner = Run(tmp_path, mailchimp)
    assert runner(send=True, yes=True) == 0, runner.err
    assert "Pin its number: if content/newsletters/2026-11.md has no `Number: 4` yet, add it" in runner.out
    assert len(mailchimp.state.sends) == 1
