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
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from jinja2 import Environment, Template, pass_environment
from jinja2.filters import do_wordwrap

from pelican_contentkit.files import write_over

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


def utm_link(
    site_url: str, parameters: tuple[tuple[str, str], ...], issue_key: str, month: str
) -> Callable[[str], str]:
    """:func:`with_utm` for the links of one issue, its parameters formatted and encoded once
    (not for every link) and each link's answer kept: the HTML and text parts of an email
    link to the same pages."""
    prefix = site_url.rstrip("/") + "/"
    added: dict[str, str] = {}
    for name, value in parameters:
        added.setdefault(name, value.format(issue_key=issue_key, month=month))
    encoded = urlencode(sorted(added.items()))
    answers: dict[str, str] = {}

    def link(url: str) -> str:
        if not parameters or not url.startswith(prefix):
            return url
        answer = answers.get(url)
        if answer is None:
            parts = urlsplit(url)
            # A link without a query of its own (the usual case) gets the issue's query as is.
            if parts.query:
                answer = with_utm(url, site_url, parameters, issue_key, month)
            else:
                answer = urlunsplit(parts._replace(query=encoded))
            answers[url] = answer
        return answer

    return link


class _Wrapper(textwrap.TextWrapper):
    """textwrap's wrapper, splitting a line without a hyphen on whitespace alone: what its
    word-splitting pattern finds there too (each of its other cases needs a ``-``), found faster."""

    def _split(self, text: str) -> list[str]:
        if "-" in text or not self.break_on_hyphens:
            return super()._split(text)
        return [chunk for chunk in self.wordsep_simple_re.split(text) if chunk]


@functools.lru_cache(maxsize=32)
def _wrapper(width: int, break_long_words: bool, break_on_hyphens: bool) -> _Wrapper:
    return _Wrapper(
        width=width,
        expand_tabs=False,
        replace_whitespace=False,
        break_long_words=break_long_words,
        break_on_hyphens=break_on_hyphens,
    )


@pass_environment
def wordwrap(
    environment: Environment,
    s: str,
    width: int = 79,
    break_long_words: bool = True,
    wrapstring: str | None = None,
    break_on_hyphens: bool = True,
) -> str:
    """Jinja's ``wordwrap`` filter (jinja2.filters.do_wordwrap, the same text) with one
    wrapper per width, not one per line, and :class:`_Wrapper`'s faster split: the plain-text
    email wraps every summary, title and note."""
    if wrapstring is None:
        wrapstring = environment.newline_sequence
    wrap = _wrapper(width, break_long_words, break_on_hyphens).wrap
    return wrapstring.join([wrapstring.join(wrap(line)) for line in s.splitlines()])


def use_fast_wordwrap(env: Environment) -> None:
    """:func:`wordwrap` in place of Jinja's own in ``env``, unless the site set a filter of its own."""
    if env.filters.get("wordwrap") is do_wordwrap:
        env.filters["wordwrap"] = wordwrap


@dataclass(frozen=True)
class EmailTemplates:
    """The three templates of an email, looked up once for all the issues of a build."""

    subject: Template
    html: Template
    text: Template

    @classmethod
    def of(cls, env: Environment) -> EmailTemplates:
        return cls(
            env.get_template("newsletter/subject.txt"),
            env.get_template("newsletter/email.html"),
            env.get_template("newsletter/email.txt"),
        )


def render_email(
    env: Environment | EmailTemplates, issue: Issue, context: dict[str, Any], link
) -> RenderedEmail:
    """The subject, HTML (inlined CSS) and text parts of ``issue``. ``link(url)`` adds tracking."""
    templates = env if isinstance(env, EmailTemplates) else EmailTemplates.of(env)
    values = {**context, "issue": issue, "link": link}
    subject = " ".join(templates.subject.render(values).split())
    values["subject"] = subject
    html = inliner().inline(templates.html.render(values))
    text = templates.text.render(values).strip() + "\n"
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


def content_folder_json(content_folder: dict[str, object]) -> str:
    """campaign.json's ``content_folder`` (every file of the content folder, the same for
    every issue and most of the file) as :func:`record_json` writes it, encoded once."""
    return _nested_json(content_folder)


def _nested_json(value: object) -> str:
    """``value`` in JSON as ``json.dumps(..., indent=2)`` writes it one level in."""
    # An encoded string never holds a newline: every newline is an indentation.
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  ")


def record_json(record: dict[str, Any], folder_json: str | None = None) -> str:
    """The text of campaign.json, ``json.dumps(record, indent=2, ensure_ascii=False)``; its
    ``content_folder`` given already encoded (:func:`content_folder_json`) if ``folder_json`` is."""
    if folder_json is None or not record or not all(isinstance(name, str) for name in record):
        return json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    fields = [
        f"  {json.dumps(name, ensure_ascii=False)}: "
        + (folder_json if name == "content_folder" else _nested_json(value))
        for name, value in record.items()
    ]
    return "{\n" + ",\n".join(fields) + "\n}\n"


def write_campaign(
    folder: Path,
    email: RenderedEmail,
    record: dict[str, Any],
    *,
    folder_json: str | None = None,
    in_place: bool = False,
) -> None:
    """Write the three campaign files to ``folder`` all at once: a temporary folder renamed
    into place; or, ``in_place``, straight into ``folder``, when it is a build's own staged
    copy, swapped in as a whole (pelican_contentkit.build.staged_folder)."""
    files = {
        "email.html": email.html.encode("utf-8"),
        "email.txt": email.text.encode("utf-8"),
        "campaign.json": record_json(record, folder_json).encode("utf-8"),
    }
    if in_place:
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o755)
        for name, data in files.items():
            path = folder / name
            if path.is_symlink():  # never written through a link the copy kept
                path.unlink()
            write_over(path, data)
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
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
