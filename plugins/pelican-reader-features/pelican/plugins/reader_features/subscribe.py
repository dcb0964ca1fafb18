"""The newsletter signup form: Mailchimp's embedded-form action and its bot trap field."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from pelican_contentkit.errors import ContentError

SETTING = "READER_SUBSCRIBE_FORM_ACTION"


@dataclass(frozen=True)
class SubscribeForm:
    action: str  # where the form posts: Mailchimp's list-manage.com URL
    honeypot_name: str  # Mailchimp's bot trap: b_<u>_<id>, left empty by people


def subscribe_form(action: str) -> SubscribeForm | None:
    """The form for Mailchimp's embedded-form ``action`` URL; None when it is empty."""
    if not action:
        return None
    parts = urlsplit(action)
    query = parse_qs(parts.query)
    fix = (
        "copy the form action from Mailchimp (Audience > Signup forms > Embedded forms), "
        "e.g. https://example.us1.list-manage.com/subscribe/post?u=...&id=..."
    )
    if parts.scheme != "https" or not parts.netloc:
        raise ContentError(None, SETTING, f"must be an https:// URL, not {action!r}", fix)
    if not (query.get("u") and query.get("id")):
        raise ContentError(None, SETTING, f"has no u= and id= parameters: {action!r}", fix)
    return SubscribeForm(action=action, honeypot_name=f"b_{query['u'][0]}_{query['id'][0]}")
