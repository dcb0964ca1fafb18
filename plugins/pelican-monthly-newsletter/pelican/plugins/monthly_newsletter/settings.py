"""NEWSLETTER_* settings: defaults in one place, every bad value reported by name."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pelican.plugins.quoteaction.settings import plugin_settings as quoteaction_settings
from pelican_contentkit.errors import ContentError
from pelican_contentkit.months import month_problem
from pelican_contentkit.settings import Kind, SettingsSpec

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
    # The size budget of email.html, in KB: above it the build fails (Gmail clips at 102 KB).
    "NEWSLETTER_EMAIL_MAX_KB": 90,
    # The closing call to forward the issue; Markdown. The email links it to *|FORWARD|*.
    "NEWSLETTER_FORWARD_PROMPT": (
        "Who do you know who is building their network this month? "
        "Forward this issue to one person it would help."
    ),
}


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
    email_max_kb: int
    # The QuoteAction plugin's folder (QUOTEACTION_PATH), named in the newsletter's messages.
    quoteaction_path: str


MONTHS_KIND = Kind((type(None), list, tuple), "None or a list of 'YYYY-MM' months", "e.g. ['2026-11']")


def _months_are_real(values: Mapping[str, Any]) -> Iterator[ContentError]:
    for month in values.get("NEWSLETTER_MONTHS") or ():
        problem = month_problem(month) if isinstance(month, str) else f"{month!r} is not a text string"
        if problem:
            yield ContentError(
                None, "NEWSLETTER_MONTHS", problem, "write each month as YYYY-MM, e.g. '2026-11'"
            )


# QUOTEACTION_PATH: the QuoteAction plugin's folder, read from its settings.
SPEC = SettingsSpec(
    (PREFIX,),
    DEFAULTS,
    kinds={"NEWSLETTER_MONTHS": MONTHS_KIND},
    checks=(_months_are_real,),
    uses=("SITENAME", "QUOTEACTION_PATH"),
)


def newsletter_settings(settings: Mapping[str, Any]) -> NewsletterSettings:
    """Merge the user's NEWSLETTER_* settings with the defaults; raise ContentError(s) naming bad ones."""
    return SPEC.load(settings, lambda values: _make(values, settings))


def _make(values: dict[str, Any], settings: Mapping[str, Any]) -> NewsletterSettings:
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
        email_max_kb=values["NEWSLETTER_EMAIL_MAX_KB"],
        quoteaction_path=quoteaction_settings(settings).path,
    )
