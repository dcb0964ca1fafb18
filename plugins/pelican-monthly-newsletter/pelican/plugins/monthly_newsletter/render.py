"""Rendering an issue: subject, plain text and HTML email (CSS inlined), web body and feed.

Templates are ``newsletter/*``: the theme's where it has them, else the plugin's own
(``templates/newsletter/``); these functions only fill them in, so a theme can restyle every part.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from jinja2 import Environment

from .model import Issue

GMAIL_CLIP_BYTES = 102 * 1024
CAMPAIGN_FILES = ("email.html", "email.txt", "campaign.json")


@functools.cache
def inliner() -> Any:
    """The CSS inliner, made (and css_inline imported) when a first email is rendered, not by
    ``invoke check``."""
    import css_inline

    return css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    html: str
    text: str


def with_utm(
    url: str, site_url: str, parameters: tuple[tuple[str, str], ...], issue_key: str, month: str
) -> str:
    """``url`` with the UTM parameters added, if it points into the site."""
    if not parameters or not url.startswith(site_url.rstrip("/") + "/"):
        return url
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    for name, value in parameters:
        query.setdefault(name, value.format(issue_key=issue_key, month=month))
    return urlunsplit(parts._replace(query=urlencode(sorted(query.items()))))


def render_email(env: Environment, issue: Issue, context: dict[str, Any], link) -> RenderedEmail:
    """The subject, HTML (inlined CSS) and text parts of ``issue``. ``link(url)`` adds tracking."""
    values = {**context, "issue": issue, "link": link}
    subject = " ".join(env.get_template("newsletter/subject.txt").render(values).split())
    values["subject"] = subject
    html = inliner().inline(env.get_template("newsletter/email.html").render(values))
    text = env.get_template("newsletter/email.txt").render(values).strip() + "\n"
    return RenderedEmail(subject=subject, html=html, text=text)


def content_hash(email: RenderedEmail, preview_text: str) -> str:
    """What subscribers receive; the publisher recomputes it from the campaign files."""
    digest = hashlib.sha256()
    for part in (email.subject, preview_text, email.html, email.text):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return "sha256:" + digest.hexdigest()


def file_hash(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def campaign_record(
    issue: Issue,
    email: RenderedEmail,
    from_name: str,
    reply_to: str,
    sources: dict[str, str],
    content_folder: dict[str, object],
) -> dict[str, Any]:
    """campaign.json (see docs/campaign-files.md)."""
    return {
        "schema": 2,
        "month": issue.month,
        "issue_number": issue.number,
        "issue_key": issue.key,
        "title": issue.title,
        "subject": email.subject,
        "preview_text": issue.preview_text,
        "from_name": from_name,
        "reply_to": reply_to,
        "web_url": issue.web_url,
        "send_at": issue.send_at.isoformat() if issue.send_at else None,
        "content_hash": content_hash(email, issue.preview_text),
        "sources": dict(sorted(sources.items())),
        "content_folder": content_folder,
    }


def write_campaign(folder: Path, email: RenderedEmail, record: dict[str, Any]) -> None:
    """Write the three campaign files to ``folder`` all at once: a temporary folder renamed into place."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        (staging / "email.html").write_text(email.html, encoding="utf-8")
        (staging / "email.txt").write_text(email.text, encoding="utf-8")
        (staging / "campaign.json").write_text(
            json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        os.chmod(staging, 0o755)
        if folder.is_dir():  # keep what others keep there (the publisher's record)
            for extra in folder.iterdir():
                if extra.is_file() and extra.name not in CAMPAIGN_FILES:
                    shutil.copy2(extra, staging / extra.name)
        old = folder.with_name(f".{folder.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        staging.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
