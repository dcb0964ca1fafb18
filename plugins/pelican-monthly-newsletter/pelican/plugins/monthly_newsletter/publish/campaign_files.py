"""Loading what `make build` wrote to campaigns/YYYY-MM/ (see docs/campaign-files.md)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from pelican_contentkit.months import month_problem

from ..inputs import content_files, label_path
from ..render import RenderedEmail, content_hash
from .errors import PublishError

GMAIL_CLIP_BYTES = 102 * 1024
REQUIRED = (
    "month",
    "issue_number",
    "issue_key",
    "title",
    "subject",
    "preview_text",
    "from_name",
    "reply_to",
    "web_url",
    "content_hash",
    "sources",
    "content_folder",
)


@dataclass(frozen=True)
class Campaign:
    month: str
    issue_number: int
    issue_key: str
    title: str
    subject: str
    preview_text: str
    from_name: str
    reply_to: str
    web_url: str
    send_at: datetime | None  # the planned send date (Send_date: in the issue file)
    content_hash: str
    html: str
    text: str
    folder: Path

    @property
    def short_hash(self) -> str:
        return self.content_hash.split(":")[-1][:12]

    @property
    def mailchimp_title(self) -> str:
        """The title on Mailchimp: carries the issue key (to find it again) and the content hash."""
        return f"{self.title} {{{self.short_hash}}}"

    def local_checks(self) -> list[tuple[bool, str]]:
        """(passed, description) for what can be checked without Mailchimp."""
        size = len(self.html.encode("utf-8"))
        return [
            ("*|UNSUB|*" in self.html, "the HTML has an unsubscribe link (*|UNSUB|*)"),
            ("*|UNSUB|*" in self.text, "the plain text has an unsubscribe link (*|UNSUB|*)"),
            (
                "*|LIST:ADDRESSLINE|*" in self.html or "*|HTML:LIST_ADDRESS_HTML|*" in self.html,
                "the HTML shows the postal address (*|LIST:ADDRESSLINE|*)",
            ),
            (
                size < GMAIL_CLIP_BYTES,
                f"the HTML is {size / 1024:.1f} KB, under Gmail's 102 KB clipping limit",
            ),
            (bool(self.subject.strip()), "the subject is set"),
            (
                bool(self.from_name.strip()) and "@" in self.reply_to,
                "the From name and reply-to address are set",
            ),
        ]


def campaign_folder(campaigns_dir: Path, month: str) -> Path:
    if month_problem(month):
        raise PublishError(f"--month must be a month like 2026-11, not {month!r}.")
    return campaigns_dir / month


def load_campaign(campaigns_dir: Path, month: str, project_root: Path) -> Campaign:
    """The campaign files of ``month``, refusing missing, malformed or stale ones."""
    folder = campaign_folder(campaigns_dir, month)
    build_hint = "Run `make build` first; it writes them."
    missing = [name for name in ("campaign.json", "email.html", "email.txt") if not (folder / name).is_file()]
    if missing:
        raise PublishError(
            f"No campaign files for {month} in {_show(folder, project_root)} ({', '.join(missing)} "
            f"missing). {build_hint}"
        )
    try:
        record = json.loads((folder / "campaign.json").read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise PublishError(
            f"{_show(folder / 'campaign.json', project_root)} is not valid JSON ({error.msg}). {build_hint}"
        ) from None
    absent = [key for key in REQUIRED if key not in record] if isinstance(record, dict) else list(REQUIRED)
    if absent or record.get("month") != month or not isinstance(record["sources"], dict):
        raise PublishError(
            f"{_show(folder / 'campaign.json', project_root)} is incomplete or for another month. "
            f"{build_hint}"
        )
    host = (urlsplit(str(record["web_url"])).hostname or "").lower()
    if not host or host in ("localhost", "127.0.0.1", "::1") or host.endswith(".localhost"):
        raise PublishError(
            f"The campaign files for {month} link to {record['web_url']!r}, not to the public site: "
            f"they come from a development build. Run `make build` (production settings) first."
        )
    _check_same_build(record, month, project_root, build_hint)
    for label, expected in record["sources"].items():
        path = label_path(label, project_root)
        if not path.is_file():
            raise PublishError(
                f"The campaign files for {month} were built from {label}, which no longer exists. "
                f"{build_hint}"
            )
        actual = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
        if actual != expected:
            raise PublishError(
                f"The campaign files for {month} are older than {label}, which changed since the "
                f"build. {build_hint}"
            )
    _check_content_folder(record, month, project_root)
    html = (folder / "email.html").read_bytes().decode("utf-8", errors="replace")
    text = (folder / "email.txt").read_bytes().decode("utf-8", errors="replace")
    built = RenderedEmail(subject=str(record["subject"]), html=html, text=text)
    if content_hash(built, str(record["preview_text"])) != record["content_hash"]:
        raise PublishError(
            f"The campaign files for {month} were changed after the build: email.html, email.txt "
            f"or the subject in {_show(folder, project_root)} no longer match the content_hash "
            f"the build recorded. Change the content, not the built files, and run `make build`."
        )
    return Campaign(
        month=month,
        issue_number=int(record["issue_number"]),
        issue_key=record["issue_key"],
        title=record["title"],
        subject=record["subject"],
        preview_text=record["preview_text"],
        from_name=record["from_name"],
        reply_to=record["reply_to"],
        web_url=record["web_url"],
        send_at=_send_at(record, month),
        content_hash=record["content_hash"],
        html=html,
        text=text,
        folder=folder,
    )


def _check_same_build(record: dict[str, object], month: str, project_root: Path, build_hint: str) -> None:
    """Campaign files written by `make build` name the build (``build.id``) and the site it
    wrote (``build.site``, which holds that id in ``.build-id``): files from an interrupted
    build, beside another build's site, are refused."""
    build = record.get("build")
    if build is None:
        return  # written by hand or by plain `pelican`: nothing to compare
    if not isinstance(build, dict) or not isinstance(build.get("id"), str) or not build.get("site"):
        raise PublishError(f"The campaign files for {month} name their build wrongly. {build_hint}")
    site = Path(str(build["site"]))
    site = site if site.is_absolute() else project_root / site
    try:
        site_build = (site / ".build-id").read_text(encoding="utf-8").strip()
    except OSError:
        site_build = ""
    if site_build != build["id"]:
        by = f"build {site_build}" if site_build else "no build"
        raise PublishError(
            f"The campaign files for {month} come from build {build['id']}, but "
            f"{_show(site, project_root)} was built by {by}: "
            f"a build was interrupted, or another one ran since. {build_hint}"
        )


def _check_content_folder(record: dict[str, object], month: str, project_root: Path) -> None:
    """Refuse campaign files built before a file was added to or removed from the content folder
    (a new article dated in the month, an article backdated into it)."""
    built = record["content_folder"]
    if not isinstance(built, dict) or not isinstance(built.get("files"), list):
        raise PublishError(
            f"campaign.json for {month} is incomplete. Run `make build` first; it writes them."
        )
    label = str(built.get("path", "content"))
    now = set(content_files(label_path(label, project_root)))
    then = {str(name) for name in built["files"]}
    added, removed = sorted(now - then), sorted(then - now)
    if added or removed:
        change = f"{label}/{added[0]} was added" if added else f"{label}/{removed[0]} was removed"
        more = len(added) + len(removed) - 1
        raise PublishError(
            f"The campaign files for {month} are older than the content: {change} since the build"
            f"{f' (and {more} more)' if more else ''}. Run `make build` first; it writes them."
        )


def _send_at(record: dict[str, object], month: str) -> datetime | None:
    value = record.get("send_at")
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise PublishError(
            f"campaign.json for {month} has a send_at that is not a date and time with a time zone "
            f"({str(value)[:40]!r}). Run `make build` first; it writes them."
        )
    return when


def _show(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
