"""Publishing one issue exactly once.

Mailchimp is the source of truth. Every run first finds the issue's campaign on
Mailchimp by the issue key in its title; a local record (``published.json``) only
remembers the campaign id to save a lookup, and is checked against Mailchimp.

Each step is safe to repeat: finding, creating-if-absent, updating settings, uploading
content and reading the checklist. The irreversible steps (create, schedule, send) are
followed, after any failure whose outcome is unknown, by re-reading the campaign before
anything else, so a retry can never make a second campaign or a second send.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential_jitter,
)

from .campaign_files import Campaign
from .errors import ApiError, PublishError, shown
from .mailchimp import MailchimpApi

logger = logging.getLogger(__name__)
LOG_PREFIX = "[publish]"
SENT_STATUSES = frozenset({"sent", "sending"})
PAGE_SIZE = 100
# Paging through an audience's campaigns stops here (100,000 campaigns), whatever Mailchimp's
# total_items says: a server that keeps answering with full pages cannot keep the publisher going.
MAX_PAGES = 1000


class Action(Enum):
    TEST = "test"
    SCHEDULE = "schedule"
    SEND = "send"


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff with jitter, and a limit on the whole time spent retrying."""

    initial_seconds: float = 1.0
    max_seconds: float = 30.0
    total_seconds: float = 180.0
    max_attempts: int = 8
    # After a failure whose outcome is unknown, wait this long before re-reading Mailchimp,
    # so that a request still being processed there has finished (longer than a request's timeout).
    settle_seconds: float = 25.0


@dataclass
class Outcome:
    message: str
    exit_code: int = 0
    sent_now: bool = False  # this run sent the issue to the audience
    scheduled_now: bool = False  # this run scheduled it


class Done(Enum):
    """Who made a change take effect on Mailchimp."""

    THIS_RUN = "this run"
    ELSEWHERE = "another run"  # Mailchimp refused it at the first try: it had already happened


def _client_error_message(error: ApiError, audience_id: str) -> str:
    hints = {
        401: "Check MAILCHIMP_API_KEY: Mailchimp did not accept it (Profile > Extras > API keys).",
        403: (
            "The API key may not use this account or audience; "
            "check MAILCHIMP_API_KEY and MAILCHIMP_AUDIENCE_ID."
        ),
        404: f"Check MAILCHIMP_AUDIENCE_ID ({audience_id}): Mailchimp has no such audience or campaign.",
        400: "Mailchimp refused the request; the message above says what to change.",
    }
    hint = hints.get(error.status or 0, "")
    said = (
        f"Mailchimp said: {shown(error.title, 120)}: {shown(error.detail)} "
        f"({error.operation}, HTTP {error.status})."
    )
    return f"{said} {hint}".strip()


class Publisher:
    def __init__(
        self,
        api: MailchimpApi,
        audience_id: str,
        retry: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
        say: Callable[[str], None] = lambda line: None,
    ):
        self.api = api
        self.audience_id = audience_id
        self.retry = retry
        self.sleep = sleep
        self.say = say

    # --- retrying ------------------------------------------------------------------------
    def _wait(self, state: RetryCallState) -> float:
        backoff = wait_exponential_jitter(
            multiplier=self.retry.initial_seconds,
            max=self.retry.max_seconds,
            jitter=self.retry.initial_seconds,
        )(state)
        error = state.outcome.exception() if state.outcome else None
        retry_after = getattr(error, "retry_after", None) or 0.0
        return min(max(backoff, retry_after), self.retry.max_seconds)

    def _before_sleep(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        self.say(f"  {error}; trying again ({state.attempt_number}/{self.retry.max_attempts})")

    def _call(self, function: Callable[[], Any]) -> Any:
        """Run an idempotent call, retrying transient failures."""
        retrying = Retrying(
            retry=retry_if_exception(lambda e: isinstance(e, ApiError) and e.transient),
            wait=self._wait,
            stop=stop_after_delay(self.retry.total_seconds) | stop_after_attempt(self.retry.max_attempts),
            sleep=self.sleep,
            before_sleep=self._before_sleep,
            reraise=True,
        )
        try:
            return retrying(function)
        except ApiError as error:
            raise self._as_publish_error(error) from None

    def read(self, function: Callable[[], Any]) -> Any:
        """A call that changes nothing (a report, say), retried as every idempotent call is."""
        return self._call(function)

    def _as_publish_error(self, error: ApiError) -> PublishError:
        if error.transient:
            return PublishError(
                f"Mailchimp kept failing ({error}). Nothing was sent twice; run the same command again later."
            )
        return PublishError(_client_error_message(error, self.audience_id))

    def _call_changing(self, function: Callable[[], Any], settled: Callable[[], bool]) -> Done:
        """Run a non-idempotent call once per attempt; after an unknown outcome, ``settled()``
        re-reads Mailchimp and says whether the call already took effect.

        Refused at the first attempt and yet settled means someone else did it (another
        publisher running at the same time): :attr:`Done.ELSEWHERE`."""
        for attempt in range(1, self.retry.max_attempts + 1):
            try:
                function()
                return Done.THIS_RUN
            except ApiError as error:
                if not error.transient:
                    if settled():  # e.g. "already sent": by an earlier attempt, or by another run
                        return Done.ELSEWHERE if attempt == 1 else Done.THIS_RUN
                    raise self._as_publish_error(error) from None
                if error.outcome_unknown:
                    self.say(
                        f"  {error}; waiting {self.retry.settle_seconds:g} s, then checking "
                        "Mailchimp before trying again"
                    )
                    self.sleep(self.retry.settle_seconds)
                else:
                    self.say(f"  {error}; checking Mailchimp before trying again")
                if settled():
                    return Done.THIS_RUN
                if attempt == self.retry.max_attempts:
                    raise self._as_publish_error(error) from None
                self.sleep(
                    min(
                        max(self.retry.initial_seconds * 2 ** (attempt - 1), error.retry_after or 0),
                        self.retry.max_seconds,
                    )
                )
        raise AssertionError("unreachable: the last attempt returns or raises")

    # --- finding the campaign ------------------------------------------------------------
    def campaigns_titled(self, marker: str) -> list[dict[str, Any]]:
        """Every campaign of the audience whose title carries ``marker``, oldest first."""
        offset, found = 0, []
        for _ in range(MAX_PAGES):
            page = self._call(functools.partial(self.api.list_campaigns, self.audience_id, PAGE_SIZE, offset))
            campaigns = page["campaigns"]
            found += [c for c in campaigns if marker in (c.get("settings") or {}).get("title", "")]
            offset += len(campaigns)
            if not campaigns or offset >= page["total_items"]:
                break
        else:
            raise PublishError(
                f"Mailchimp listed more than {MAX_PAGES * PAGE_SIZE} campaigns for audience "
                f"{self.audience_id} and kept saying there were more (list campaigns); stopped there. "
                "Check MAILCHIMP_AUDIENCE_ID and MAILCHIMP_API_URL."
            )
        return sorted(found, key=lambda c: (str(c.get("create_time", "")), c["id"]))

    def find_campaign(self, issue_key: str) -> dict[str, Any] | None:
        """The campaign whose title carries ``[issue_key]``, from Mailchimp."""
        found = self.campaigns_titled(f"[{issue_key}]")
        if len(found) > 1:
            ids = ", ".join(c["id"] for c in found)
            raise PublishError(
                f"Mailchimp has {len(found)} campaigns for {issue_key} ({ids}). Delete the extra "
                "drafts in Mailchimp, "
                "then run the command again."
            )
        return found[0] if found else None

    def campaign_settings(self, campaign: Campaign) -> dict[str, str]:
        return {
            "subject_line": campaign.subject,
            "preview_text": campaign.preview_text,
            "title": campaign.mailchimp_title,
            "from_name": campaign.from_name,
            "reply_to": campaign.reply_to,
        }

    def ensure_campaign(self, campaign: Campaign, known_id: str | None) -> dict[str, Any]:
        """The issue's campaign on Mailchimp, created if there is none (never twice)."""
        self._call(lambda: self.api.get_audience(self.audience_id))
        existing = None
        if known_id:
            try:
                existing = self.api.get_campaign(known_id)
            except ApiError:
                existing = None
            if existing and f"[{campaign.issue_key}]" not in (existing.get("settings") or {}).get(
                "title", ""
            ):
                existing = None
        existing = existing or self.find_campaign(campaign.issue_key)
        if existing:
            return existing
        body = {
            "type": "regular",
            "recipients": {"list_id": self.audience_id},
            "settings": self.campaign_settings(campaign),
        }
        created: dict[str, Any] = {}

        def create() -> None:
            created.update(self.api.create_campaign(body))

        def already_created() -> bool:
            found = self.campaigns_titled(f"[{campaign.issue_key}]")
            if found:
                created.update(found[0])
            return bool(found)

        self._call_changing(create, already_created)
        return self._one_campaign(campaign, created)

    def _one_campaign(self, campaign: Campaign, created: dict[str, Any]) -> dict[str, Any]:
        """After creating: if another publisher created one for the issue at the same time, the
        older campaign is kept by both, and the newer one, an empty draft, is deleted by its maker."""
        found = self.campaigns_titled(f"[{campaign.issue_key}]")
        if not found:
            raise PublishError(
                f"Mailchimp accepted the campaign for {campaign.issue_key} ({created['id']}) but does "
                "not list it (list campaigns). Run the same command again in a minute."
            )
        keeper = found[0]
        if keeper["id"] == created["id"]:
            self.say(f"Created campaign {created['id']} on Mailchimp.")
            return keeper
        if any(c["id"] == created["id"] for c in found):
            self._call(lambda: self.api.delete_campaign(created["id"]))
            self.say(
                f"Another publisher created campaign {keeper['id']} for {campaign.issue_key} at the "
                f"same time; this run deleted its own empty copy ({created['id']}) and goes on "
                f"with {keeper['id']}."
            )
        return keeper

    # --- publishing ------------------------------------------------------------------------
    def publish(
        self,
        campaign: Campaign,
        action: Action,
        test_emails: list[str],
        schedule_at: datetime | None,
        known_id: str | None,
        record: Callable[[dict[str, Any]], None],
    ) -> Outcome:
        remote = self.ensure_campaign(campaign, known_id)
        record(remote)
        status = remote.get("status", "save")
        remote_hash = _hash_in_title((remote.get("settings") or {}).get("title", ""))
        if status in SENT_STATUSES:
            if remote_hash != campaign.short_hash:
                raise PublishError(
                    f"The {campaign.month} issue was already sent (campaign {remote['id']}) and "
                    "its content has changed "
                    "since. A sent issue cannot be sent again; put the changes in next month's issue."
                )
            return Outcome(
                f"The {campaign.month} issue was already sent (campaign {remote['id']}); nothing to do."
            )
        if status == "schedule":
            when = shown(remote.get("send_time", ""), 40)
            if (
                action is Action.SCHEDULE
                and schedule_at
                and _same_time(when, schedule_at)
                and remote_hash == campaign.short_hash
            ):
                return Outcome(f"The {campaign.month} issue is already scheduled for {when}; nothing to do.")
            raise PublishError(
                f"The {campaign.month} issue is already scheduled for {when} (campaign "
                f"{remote['id']}), so it was not "
                "changed or sent. To change it, unschedule it in Mailchimp first, then run the command again."
            )

        self.check_numbering(campaign)
        campaign_id = remote["id"]
        wanted = self.campaign_settings(campaign)
        if any((remote.get("settings") or {}).get(k) != v for k, v in wanted.items()):
            self._on_draft(
                campaign, campaign_id, lambda: self.api.update_campaign(campaign_id, {"settings": wanted})
            )
        self._on_draft(
            campaign, campaign_id, lambda: self.api.set_content(campaign_id, campaign.html, campaign.text)
        )
        self.say("Uploaded the HTML and plain-text content.")
        checklist = self._call(lambda: self.api.send_checklist(campaign_id))
        items = [
            f"  [{shown(item.get('type'), 20)}] {shown(item.get('heading'), 80)}: "
            f"{shown(item.get('details'))}"
            for item in checklist["items"][:50]
        ]
        if not checklist["is_ready"]:
            raise PublishError("Mailchimp says the campaign is not ready to send:\n" + "\n".join(items))
        self.say("Mailchimp's send checklist: ready.")

        if action is Action.TEST:
            self._on_draft(campaign, campaign_id, lambda: self.api.send_test(campaign_id, test_emails))
            return Outcome(
                f"Sent a test of the {campaign.month} issue to {', '.join(test_emails)} (campaign "
                f"{campaign_id})."
            )

        def status_now() -> str:
            return str(self._call(lambda: self.api.get_campaign(campaign_id)).get("status", ""))

        if action is Action.SCHEDULE:
            assert schedule_at is not None
            when = schedule_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
            done = self._call_changing(
                lambda: self.api.schedule(campaign_id, when), lambda: status_now() == "schedule"
            )
            now = self._call(lambda: self.api.get_campaign(campaign_id)) if done is Done.ELSEWHERE else {}
            record({**remote, "status": "schedule", "send_time": now.get("send_time") or when})
            if done is Done.ELSEWHERE:
                return Outcome(
                    f"Another publisher scheduled the {campaign.month} issue first, for "
                    f"{shown(now.get('send_time', ''), 40)} (campaign {campaign_id}); this run "
                    "scheduled nothing."
                )
            return Outcome(
                f"Scheduled the {campaign.month} issue for {when} (campaign {campaign_id}).",
                scheduled_now=True,
            )

        done = self._call_changing(lambda: self.api.send(campaign_id), lambda: status_now() in SENT_STATUSES)
        record({**remote, "status": "sent"})
        if done is Done.ELSEWHERE:
            return Outcome(
                f"Another publisher sent the {campaign.month} issue first (campaign {campaign_id}); "
                "this run sent nothing. It went out once."
            )
        return Outcome(f"Sent the {campaign.month} issue (campaign {campaign_id}).", sent_now=True)

    def check_numbering(self, campaign: Campaign) -> None:
        """Refuse an issue number that disagrees with the issues Mailchimp has already sent or
        scheduled: numbers of published issues never change (an article backdated into an
        earlier month would otherwise renumber every later issue)."""
        prefix = campaign.issue_key.removesuffix(f"-{campaign.month}")
        pattern = re.compile(r"#(\d+)\b[^\[]*\[" + re.escape(prefix) + r"-(\d{4}-\d{2})\]")
        for other in self.campaigns_titled(f"[{prefix}-"):
            match = pattern.search((other.get("settings") or {}).get("title", ""))
            status = other.get("status")
            if not match or status not in SENT_STATUSES | {"schedule"}:
                continue
            number, month = int(match.group(1)), match.group(2)
            if month == campaign.month:
                continue
            if (month < campaign.month) != (number < campaign.issue_number):
                raise PublishError(
                    f"Issue numbers have moved: Mailchimp already has #{number} for {month} "
                    f"({'scheduled' if status == 'schedule' else 'sent'}), and these campaign files "
                    f"make {campaign.month} #{campaign.issue_number}. An article dated into an earlier "
                    "month (or a new issue file) renumbered the issues. Pin the numbers of published "
                    f"issues with `Number:` in their issue files (content/newsletters/{month}.md: "
                    f"Number: {number}), then run `make build`."
                )

    def _on_draft(self, campaign: Campaign, campaign_id: str, function: Callable[[], Any]) -> Any:
        """A change to the draft; refused because the campaign was scheduled or sent meanwhile
        (by another publisher, or in Mailchimp's web app), it says so."""
        try:
            return self._call(function)
        except PublishError:
            remote = self._call(lambda: self.api.get_campaign(campaign_id))
            status = remote.get("status")
            if status in SENT_STATUSES or status == "schedule":
                what = "sent" if status in SENT_STATUSES else "scheduled"
                raise PublishError(
                    f"While this run was preparing the {campaign.month} issue, campaign {remote['id']} "
                    f"was {what} elsewhere (another publisher, or Mailchimp's web app). This run "
                    "changed and sent nothing; run the command again to see its state."
                ) from None
            raise


def _hash_in_title(title: str) -> str | None:
    if title.endswith("}") and "{" in title:
        return title.rsplit("{", 1)[1][:-1]
    return None


def _same_time(mailchimp_time: str, wanted: datetime) -> bool:
    try:
        return datetime.fromisoformat(mailchimp_time.replace("Z", "+00:00")) == wanted
    except ValueError:
        return False


def parse_schedule(value: str, now: datetime, label: str = "--schedule") -> datetime:
    """A schedule time on a quarter hour in the future, in UTC, or a PublishError saying what
    to pass. ``label`` names where the time came from (the flag, or the issue's Send_date)."""
    said = label[:1].upper() + label[1:]
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise PublishError(
            f"{said} {value!r} is not a date and time; use e.g. 2026-12-01T09:00+00:00."
        ) from None
    if when.tzinfo is None:
        raise PublishError(f"{said} {value!r} has no time zone; add one, e.g. {value}+00:00.")
    try:
        # Near the ends of the calendar (9999-12-31T23:45-05:00) the time in UTC does not exist.
        utc = when.astimezone(UTC)
        earlier = when.replace(minute=when.minute - when.minute % 15, second=0, microsecond=0)
        later = earlier + timedelta(minutes=15)
    except OverflowError:
        raise PublishError(
            f"{said} {value!r} is outside the dates Mailchimp can schedule; use a date within the "
            "next few months."
        ) from None
    if when.minute % 15 or when.second or when.microsecond:
        raise PublishError(
            f"Mailchimp schedules on quarter hours only (:00, :15, :30, :45). For {label} use "
            f"{earlier.isoformat(timespec='minutes')} "
            f"or {later.isoformat(timespec='minutes')}."
        )
    if utc <= now:
        raise PublishError(f"{said} {when.isoformat(timespec='minutes')} is in the past.")
    return utc


def local_record(remote: dict[str, Any], campaign: Campaign) -> str:
    return (
        json.dumps(
            {
                "campaign_id": remote.get("id"),
                "issue_key": campaign.issue_key,
                "status": remote.get("status"),
                "send_time": remote.get("send_time") or None,
                "content_hash": campaign.content_hash,
            },
            indent=2,
        )
        + "\n"
    )
