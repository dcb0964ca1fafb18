"""NEWSLETTER_* settings: defaults in one place, every bad value reported by name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pelican_contentkit.errors import ContentError, ContentErrors

PREFIX = "NEWSLETTER_"

DEFAULTS: dict[str, Any] = {
    # The newsletter's name, used in default subjects and the From name ("" = SITENAME).
    "NEWSLETTER_NAME": "",
    "NEWSLETTER_FROM_NAME": "",
    "NEWSLETTER_REPLY_TO": "",
    # Shown on the web version's footer; the email uses Mailchimp's *|LIST:ADDRESSLINE|*.
    "NEWSLETTER_POSTAL_ADDRESS": "",
    # Months to build, e.g. ["2026-10", "2026-11"]; None = every month that has articles.
    "NEWSLETTER_MONTHS": None,
    # Editor's override files (content/newsletters/YYYY-MM.md), relative to PATH.
    "NEWSLETTER_PATH": "newsletters",
    # Campaign files for the publisher, relative to the folder of the settings file;
    # "" writes none (development builds, whose links point to localhost).
    "NEWSLETTER_CAMPAIGNS_PATH": "campaigns",
    # Write an author's preview of each issue's email (merge tags filled in, shown at
    # phone and desktop widths) under NEWSLETTER_PREVIEW_PATH. On in development only.
    "NEWSLETTER_PREVIEW": False,
    "NEWSLETTER_PREVIEW_PATH": "newsletter-preview",
    # Added to the email's links to the site; {month} and {issue_key} are filled in.
    "NEWSLETTER_UTM": True,
    "NEWSLETTER_UTM_PARAMETERS": {
        "utm_source": "newsletter",
        "utm_medium": "email",
        "utm_campaign": "{issue_key}",
    },
    # The stable key of an issue on Mailchimp: "<prefix>-YYYY-MM".
    "NEWSLETTER_KEY_PREFIX": "networker",
    "NEWSLETTER_URL": "newsletter/{month}/",
    "NEWSLETTER_SAVE_AS": "newsletter/{month}/index.html",
    "NEWSLETTER_INDEX_URL": "newsletter/",
    "NEWSLETTER_INDEX_SAVE_AS": "newsletter/index.html",
    "NEWSLETTER_FEED_ATOM": "feeds/newsletter.atom.xml",
    "NEWSLETTER_FEED_RSS": "feeds/newsletter.rss.xml",
    # The closing call to forward the issue; Markdown. The email links it to *|FORWARD|*.
    "NEWSLETTER_FORWARD_PROMPT": (
        "Who do you know who is building their network this month? "
        "Forward this issue to one person it would help."
    ),
}

_TYPE_NAMES = {bool: "True or False", str: "a text string", dict: "a dict", list: "a list"}


@dataclass(frozen=True)
class NewsletterSettings:
    name: str
    from_name: str
    reply_to: str
    postal_address: str
    months: tuple[str, ...] | None
    path: str
    campaigns_path: str
    preview: bool
    preview_path: str
    utm: bool
    utm_parameters: tuple[tuple[str, str], ...]
    key_prefix: str
    url: str
    save_as: str
    index_url: str
    index_save_as: str
    feed_atom: str
    feed_rss: str
    forward_prompt: str


def newsletter_settings(settings: dict[str, Any]) -> NewsletterSettings:
    problems = [
        ContentError(None, name, "unknown setting", f"use one of {', '.join(sorted(DEFAULTS))}")
        for name in sorted(key for key in settings if key.startswith(PREFIX) and key not in DEFAULTS)
    ]
    values = {name: settings.get(name, default) for name, default in DEFAULTS.items()}
    for name, value in values.items():
        default = DEFAULTS[name]
        if name == "NEWSLETTER_MONTHS":
            if value is not None and not (isinstance(value, list | tuple) and all(isinstance(m, str) for m in value)):
                problems.append(ContentError(None, name, f"must be None or a list of 'YYYY-MM' months, not {value!r}", "e.g. ['2026-11']"))
        elif type(value) is not type(default):
            problems.append(
                ContentError(
                    None, name, f"must be {_TYPE_NAMES[type(default)]}, not {type(value).__name__} {value!r}",
                    f"set it like the default, {default!r}",
                )
            )
    if problems:
        raise problems[0] if len(problems) == 1 else ContentErrors(problems)
    site_name = str(settings.get("SITENAME", "Networker"))
    return NewsletterSettings(
        name=values["NEWSLETTER_NAME"] or site_name,
        from_name=values["NEWSLETTER_FROM_NAME"] or site_name,
        reply_to=values["NEWSLETTER_REPLY_TO"],
        postal_address=values["NEWSLETTER_POSTAL_ADDRESS"],
        months=tuple(values["NEWSLETTER_MONTHS"]) if values["NEWSLETTER_MONTHS"] is not None else None,
        path=values["NEWSLETTER_PATH"],
        campaigns_path=values["NEWSLETTER_CAMPAIGNS_PATH"],
        preview=values["NEWSLETTER_PREVIEW"],
        preview_path=values["NEWSLETTER_PREVIEW_PATH"].strip("/"),
        utm=values["NEWSLETTER_UTM"],
        utm_parameters=tuple(sorted(values["NEWSLETTER_UTM_PARAMETERS"].items())),
        key_prefix=values["NEWSLETTER_KEY_PREFIX"],
        url=values["NEWSLETTER_URL"],
        save_as=values["NEWSLETTER_SAVE_AS"],
        index_url=values["NEWSLETTER_INDEX_URL"],
        index_save_as=values["NEWSLETTER_INDEX_SAVE_AS"],
        feed_atom=values["NEWSLETTER_FEED_ATOM"],
        feed_rss=values["NEWSLETTER_FEED_RSS"],
        forward_prompt=values["NEWSLETTER_FORWARD_PROMPT"],
    )
