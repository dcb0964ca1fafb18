"""An issue as the MIME message a subscriber receives: for previews and deliverability checks.

Mailchimp builds the real message; this builds the same shape (multipart/alternative,
text then HTML) with the merge tags filled in as Mailchimp would fill them.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

MERGE_TAG = re.compile(r"\*\|([A-Z_:]+)\|\*")


def sample_merge_values(web_url: str, postal_address: str) -> dict[str, str]:
    """What Mailchimp puts in place of the merge tags the templates use, for one subscriber."""
    return {
        "UNSUB": "https://example.us1.list-manage.com/unsubscribe?u=1a2b3c&id=4d5e6f",
        "UPDATE_PROFILE": "https://example.us1.list-manage.com/profile?u=1a2b3c&id=4d5e6f",
        "FORWARD": "https://us1.forward-to-friend.com/forward?u=1a2b3c&id=4d5e6f",
        "LIST:ADDRESSLINE": postal_address,
        "ARCHIVE": web_url,
    }


def fill_merge_tags(text: str, values: dict[str, str]) -> str:
    return MERGE_TAG.sub(lambda match: values.get(match.group(1), ""), text)


def issue_message(
    campaign_dir: Path, to: str, from_address: str, postal_address: str, sent_at: datetime
) -> EmailMessage:
    record = json.loads((campaign_dir / "campaign.json").read_text(encoding="utf-8"))
    values = sample_merge_values(record["web_url"], postal_address)
    message = EmailMessage()
    message["Subject"] = record["subject"]
    message["From"] = Address(record["from_name"], addr_spec=from_address)
    message["To"] = to
    message["Reply-To"] = record["reply_to"] or from_address
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = make_msgid(domain=from_address.split("@")[1])
    message["List-Unsubscribe"] = f"<{values['UNSUB']}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(fill_merge_tags((campaign_dir / "email.txt").read_text(encoding="utf-8"), values))
    message.add_alternative(
        fill_merge_tags((campaign_dir / "email.html").read_text(encoding="utf-8"), values), subtype="html"
    )
    return message
