"""``pelican-newsletter publish``: the command around the publisher. Dry run unless told otherwise.

``invoke publish-newsletter`` runs the same command with the same flags.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from .campaign_files import Campaign, campaign_folder, load_campaign
from .config import MailchimpConfig, Secret, environment_with_dotenv, mailchimp_config, missing_settings
from .errors import PublishError
from .mailchimp import MailchimpApi, MailchimpMarketingApi
from .publisher import Action, Publisher, RetryPolicy, local_record, parse_schedule

RECORD_FILE = "published.json"
# `--schedule` given without a time: the issue's planned send date (Send_date:).
AT_SEND_DATE = "send-date"
# Mailchimp's limit on addresses in one test email: 6 on the Free plan, 20 on paid plans
# (mailchimp.com/help/about-test-email-sending-limits/). MAILCHIMP_TEST_EMAIL_LIMIT raises it.
TEST_EMAIL_LIMIT = 6
TEST_EMAIL_LIMIT_MAX = 20


def test_addresses(value: str, limit: int = TEST_EMAIL_LIMIT) -> list[str]:
    """The addresses of ``--test-email``, checked with email-validator (syntax only: no DNS
    look-up, no network), or a PublishError naming the first bad one."""
    from email_validator import EmailNotValidError, validate_email

    given = [part.strip() for part in value.split(",")]
    if not any(given):
        raise PublishError(
            "--test-email takes addresses separated by commas, e.g. a@example.org,b@example.org."
        )
    emails: list[str] = []
    for address in given:
        if not address:
            raise PublishError(f"--test-email {value!r} has an empty address between two commas.")
        try:
            checked = validate_email(address, check_deliverability=False)
        except EmailNotValidError as error:
            raise PublishError(
                f"--test-email takes addresses separated by commas: {address!r} is not an email "
                f"address ({error})."
            ) from None
        if checked.normalized not in emails:
            emails.append(checked.normalized)
    if len(emails) > limit:
        raise PublishError(
            f"--test-email has {len(emails)} addresses; Mailchimp takes at most {limit} in one test "
            f"(6 on the Free plan, 20 on paid plans: set MAILCHIMP_TEST_EMAIL_LIMIT=20 on a paid plan)."
        )
    return emails


def test_email_limit(env: Mapping[str, str]) -> int:
    value = env.get("MAILCHIMP_TEST_EMAIL_LIMIT", "").strip()
    if not value:
        return TEST_EMAIL_LIMIT
    if not value.isdigit() or not 1 <= int(value) <= TEST_EMAIL_LIMIT_MAX:
        raise PublishError(
            f"MAILCHIMP_TEST_EMAIL_LIMIT must be a number from 1 to {TEST_EMAIL_LIMIT_MAX} "
            f"(Mailchimp's limits: 6 on the Free plan, 20 on paid plans), not {value!r}."
        )
    return int(value)


def planned(campaign: Campaign) -> str:
    return campaign.send_at.isoformat(timespec="minutes") if campaign.send_at else "not set"


def plan_lines(campaign: Campaign, audience_id: str | None, action: str) -> list[str]:
    lines = [
        f"Issue:        #{campaign.issue_number}, {campaign.month} ({campaign.issue_key})",
        f"Audience:     {audience_id or '(MAILCHIMP_AUDIENCE_ID not set)'}",
        f"Subject:      {campaign.subject}",
        f"Preview text: {campaign.preview_text}",
        f"From:         {campaign.from_name}, replies to {campaign.reply_to}",
        f"Web version:  {campaign.web_url}",
        f"Content:      HTML {len(campaign.html.encode()) / 1024:.1f} KB, "
        f"text {len(campaign.text.encode()) / 1024:.1f} KB",
        f"Send date:    {planned(campaign)} (Send_date: in the issue file)",
        f"Action:       {action}",
        "Checks:",
    ]
    lines += [f"  [{'ok' if passed else 'FAIL'}] {text}" for passed, text in campaign.local_checks()]
    return lines


def publish_newsletter(
    month: str,
    project_root: Path,
    send: bool = False,
    yes: bool = False,
    test_email: str = "",
    schedule: str = "",
    campaigns_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
    api_factory: Callable[..., MailchimpApi] | None = None,
    retry: RetryPolicy = RetryPolicy(),  # noqa: B008 - a frozen dataclass: one shared default is safe
    sleep: Callable[[float], None] | None = None,
    now: datetime | None = None,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run the command; returns the exit code. Never raises for the author's mistakes."""
    out, err, stdin = out or sys.stdout, err or sys.stderr, stdin or sys.stdin
    env = environment_with_dotenv(
        environ if environ is not None else dict(__import__("os").environ), project_root
    )
    secret = env.get("MAILCHIMP_API_KEY", "")
    try:
        return _run(
            month,
            project_root,
            send,
            yes,
            test_email,
            schedule,
            campaigns_dir or project_root / "campaigns",
            env,
            api_factory,
            retry,
            sleep,
            now or datetime.now(UTC),
            stdin,
            out,
        )
    except PublishError as error:
        print(f"Error: {_redact(str(error), secret)}", file=err)
        return error.exit_code
    except KeyboardInterrupt:
        print("Interrupted. Run the same command again: it picks up where it stopped.", file=err)
        return 130


def _redact(text: str, secret: str) -> str:
    """A last line of defence: the key (and its Basic-auth form) never reach the terminal."""
    if not secret:
        return text
    from .mailchimp import _secret_forms

    for form in _secret_forms(secret):
        text = text.replace(form, "********")
    return text


def _run(
    month: str,
    project_root: Path,
    send: bool,
    yes: bool,
    test_email: str,
    schedule: str,
    campaigns_dir: Path,
    env: Mapping[str, str],
    api_factory: Callable[..., MailchimpApi] | None,
    retry: RetryPolicy,
    sleep: Callable[[float], None] | None,
    now: datetime,
    stdin: TextIO,
    out: TextIO,
) -> int:
    chosen = [
        name
        for name, value in (("--send", send), ("--test-email", test_email), ("--schedule", schedule))
        if value
    ]
    if len(chosen) > 1:
        raise PublishError(f"Use one of {', '.join(chosen)} at a time.")
    campaign = load_campaign(campaigns_dir, month, project_root)
    emails = test_addresses(test_email, test_email_limit(env)) if test_email else []
    schedule_at = _schedule_time(schedule, campaign, now) if schedule else None
    early = bool(send and campaign.send_at and campaign.send_at > now)
    action = Action.SEND if send else Action.SCHEDULE if schedule_at else Action.TEST if emails else None
    description = {
        None: "dry run: nothing is sent and Mailchimp is not contacted",
        Action.TEST: f"send a test to {', '.join(emails)}",
        Action.SCHEDULE: f"schedule for {schedule_at.isoformat(timespec='minutes') if schedule_at else ''}",
        Action.SEND: "SEND NOW to the whole audience"
        + (f", before its planned send date {planned(campaign)}" if early else ""),
    }[action]
    print("\n".join(plan_lines(campaign, env.get("MAILCHIMP_AUDIENCE_ID"), description)), file=out)
    failed = [text for passed, text in campaign.local_checks() if not passed]

    if action is None:
        missing = missing_settings(env)
        if missing:
            print(f"Note: {' and '.join(missing)} not set; they are needed to publish.", file=out)
        print(
            "\nDry run: nothing was sent. Add --test-email ADDRESSES, --schedule TIME or --send to publish.",
            file=out,
        )
        return 1 if failed else 0
    if failed:
        raise PublishError("The campaign files fail the checks above; fix the content and run `make build`.")

    config = mailchimp_config(env)
    if action is Action.SEND and not yes:
        if not stdin.isatty():
            raise PublishError(
                "--send needs confirmation: add --yes to send without a prompt (non-interactive use)."
            )
        plan = f" It was planned for {planned(campaign)}." if early else ""
        print(
            f"\nSend the {month} issue to every subscriber of {config.audience_id} now?{plan} "
            "Type 'send' to confirm: ",
            end="",
            file=out,
            flush=True,
        )
        if stdin.readline().strip().lower() != "send":
            print("Not sent.", file=out)
            return 1

    factory = api_factory or _default_api
    api = factory(config)
    publisher = Publisher(
        api,
        config.audience_id,
        retry=retry,
        sleep=sleep or __import__("time").sleep,
        say=lambda line: print(line, file=out),
    )
    record_path = campaign.folder / RECORD_FILE
    known_id = _known_campaign_id(record_path, campaign.issue_key)

    def record(remote: dict[str, Any]) -> None:
        record_path.write_text(local_record(remote, campaign), encoding="utf-8")

    outcome = publisher.publish(campaign, action, emails, schedule_at, known_id, record)
    print(outcome.message, file=out)
    if early and outcome.sent_now:
        print(f"It was planned for {planned(campaign)}; it went out before that date.", file=out)
    if outcome.sent_now or outcome.scheduled_now:
        print(
            f"Pin its number: if content/newsletters/{month}.md has no `Number: {campaign.issue_number}` "
            "yet, add it, so an article backdated into an earlier month can never renumber it.",
            file=out,
        )
    return outcome.exit_code


def _schedule_time(schedule: str, campaign: Campaign, now: datetime) -> datetime:
    """``--schedule TIME``, or with no time the issue's Send_date:."""
    if schedule != AT_SEND_DATE:
        return parse_schedule(schedule, now)
    if campaign.send_at is None:
        raise PublishError(
            f"--schedule without a time schedules the issue at its Send_date:, and the {campaign.month} "
            f"issue has none. Add `Send_date: {campaign.month}-01 09:00` to "
            f"content/newsletters/{campaign.month}.md and run `make build`, or give a time: "
            "--schedule 2026-12-01T09:00+00:00."
        )
    return parse_schedule(campaign.send_at.isoformat(), now, label=f"the {campaign.month} issue's Send_date:")


def _default_api(config: MailchimpConfig) -> MailchimpMarketingApi:
    return MailchimpMarketingApi(config)


def _known_campaign_id(record_path: Path, issue_key: str) -> str | None:
    import json

    try:
        data = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data.get("campaign_id") if data.get("issue_key") == issue_key else None


def argument_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pelican-newsletter",
        description="The monthly newsletter's commands. The build (pelican) writes the campaign files; "
        "this publishes them to Mailchimp.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    publish = commands.add_parser(
        "publish",
        help="publish an issue to Mailchimp; a dry run unless --test-email, --schedule or --send",
        description=(
            "Publish a newsletter issue to Mailchimp; a dry run unless --test-email, --schedule or --send."
        ),
    )
    publish.add_argument(
        "--month", required=True, help="the issue month, YYYY-MM (its campaign files come from the build)"
    )
    publish.add_argument(
        "--send",
        action="store_true",
        help="send to the whole audience now (asks for confirmation unless --yes)",
    )
    publish.add_argument(
        "--yes", action="store_true", help="do not ask for confirmation (non-interactive use)"
    )
    publish.add_argument(
        "--test-email",
        default="",
        metavar="ADDRESSES",
        help="send a test to these addresses only, separated by commas",
    )
    publish.add_argument(
        "--schedule",
        nargs="?",
        const=AT_SEND_DATE,
        default="",
        metavar="TIME",
        help="schedule the send, e.g. 2026-12-01T09:00+00:00 (quarter hours only); "
        "without TIME, at the issue's Send_date:",
    )
    publish.add_argument(
        "--site",
        type=Path,
        default=Path("."),
        metavar="FOLDER",
        help="the site's folder, holding campaigns/ and .env (default: the current folder)",
    )
    report = commands.add_parser(
        "report",
        help="what each sent issue achieved, from Mailchimp's reports (read-only)",
        description="Read Mailchimp's report of each sent issue (or of --month): recipients, opens, "
        "clicks, unsubscribes, bounces and the most-clicked links; print a table and write "
        "reports/YYYY-MM.json. Read-only: it never changes a campaign.",
    )
    report.add_argument("--month", default="", help="only this issue month, YYYY-MM")
    report.add_argument(
        "--site",
        type=Path,
        default=Path("."),
        metavar="FOLDER",
        help="the site's folder, holding campaigns/, reports/ and .env (default: the current folder)",
    )
    return parser


def newsletter_report(
    project_root: Path,
    month: str = "",
    campaigns_dir: Path | None = None,
    reports_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
    api_factory: Callable[..., MailchimpMarketingApi] | None = None,
    retry: RetryPolicy = RetryPolicy(),  # noqa: B008 - a frozen dataclass: one shared default is safe
    sleep: Callable[[float], None] | None = None,
    now: datetime | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """``pelican-newsletter report``: what each sent issue achieved, from Mailchimp's reports.
    Read-only: it never changes a campaign. Returns the exit code."""
    out, err = out or sys.stdout, err or sys.stderr
    env = environment_with_dotenv(
        environ if environ is not None else dict(__import__("os").environ), project_root
    )
    secret = env.get("MAILCHIMP_API_KEY", "")
    try:
        if month:
            campaign_folder(campaigns_dir or project_root / "campaigns", month)  # checks the month
        return _report(
            month,
            campaigns_dir or project_root / "campaigns",
            reports_dir or project_root / "reports",
            project_root,
            env,
            api_factory or _default_api,
            retry,
            sleep or __import__("time").sleep,
            now or datetime.now(UTC),
            out,
        )
    except PublishError as error:
        print(f"Error: {_redact(str(error), secret)}", file=err)
        return error.exit_code
    except KeyboardInterrupt:
        print("Interrupted. Nothing was changed; run the same command again.", file=err)
        return 130


CLICK_PAGE = 1000  # Mailchimp's largest page
CLICK_PAGES_MAX = 20


def _report(
    month: str,
    campaigns_dir: Path,
    reports_dir: Path,
    project_root: Path,
    env: Mapping[str, str],
    api_factory: Callable[..., MailchimpMarketingApi],
    retry: RetryPolicy,
    sleep: Callable[[float], None],
    now: datetime,
    out: TextIO,
) -> int:
    from .report import issue_of, issue_report, table_lines

    config = mailchimp_config(env)
    api = api_factory(config)
    reader = Publisher(
        api, config.audience_id, retry=retry, sleep=sleep, say=lambda line: print(line, file=out)
    )
    reader.read(lambda: api.get_audience(config.audience_id))
    prefix = _key_prefix(campaigns_dir)
    sent: dict[str, tuple[int, dict[str, Any]]] = {}
    for campaign in reader.campaigns_titled("["):
        found = issue_of((campaign.get("settings") or {}).get("title", ""), prefix)
        if found and campaign.get("status") == "sent" and found[1] not in sent:
            sent[found[1]] = (found[0], campaign)
    months = [month] if month else sorted(sent)
    if month and month not in sent:
        raise PublishError(
            f"Mailchimp has no sent campaign for the {month} issue in audience {config.audience_id}, "
            "so there is no report yet (a draft or a scheduled issue has none)."
        )
    if not months:
        print(f"No issue has been sent to audience {config.audience_id} yet: no reports.", file=out)
        return 0
    reports = []
    for issue_month in months:
        number, campaign = sent[issue_month]
        campaign_id = str(campaign["id"])
        figures = reader.read(functools.partial(api.get_report, campaign_id))
        urls: list[dict[str, Any]] = []
        for page_number in range(CLICK_PAGES_MAX):
            offset = page_number * CLICK_PAGE
            page = reader.read(functools.partial(api.get_click_details, campaign_id, CLICK_PAGE, offset))
            urls += page["urls_clicked"]
            if not page["urls_clicked"] or len(urls) >= page["total_items"]:
                break
        reports.append(issue_report(issue_month, number, campaign, figures, urls))
    reports_dir.mkdir(parents=True, exist_ok=True)
    stamp = now.astimezone(UTC).isoformat(timespec="seconds")
    for report in reports:
        target = reports_dir / f"{report.month}.json"
        target.write_text(json.dumps(report.as_json(stamp), indent=2) + "\n", encoding="utf-8")
    print("\n".join(table_lines(reports)), file=out)
    written = ", ".join(_show_path(reports_dir / f"{r.month}.json", project_root) for r in reports)
    print(f"\nWrote {written}.", file=out)
    return 0


def _key_prefix(campaigns_dir: Path) -> str | None:
    """The issue key prefix (NEWSLETTER_KEY_PREFIX) from the campaign files of any issue; None
    (any prefix) when there are none, as on a fresh clone."""
    for record_file in sorted(campaigns_dir.glob("*/campaign.json")):
        try:
            record = json.loads(record_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(record, dict):
            key, month = str(record.get("issue_key", "")), str(record.get("month", ""))
            if key.endswith(f"-{month}"):
                return key.removesuffix(f"-{month}")
    return None


def _show_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    """The console script ``pelican-newsletter``; argparse exits 2 on a usage error."""
    options = argument_parser().parse_args(argv)
    if options.command == "report":
        return newsletter_report(options.site.resolve(), month=options.month)
    return publish_newsletter(
        options.month,
        options.site.resolve(),
        send=options.send,
        yes=options.yes,
        test_email=options.test_email,
        schedule=options.schedule,
    )


__all__ = ["Secret", "argument_parser", "main", "newsletter_report", "publish_newsletter"]
