"""Plain share links (no scripts, no third-party requests until the reader clicks)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import quote, urlencode

LINKEDIN_SHARE = "https://www.linkedin.com/sharing/share-offsite/"
X_INTENT = "https://x.com/intent/tweet"


@dataclass(frozen=True)
class ShareLinks:
    linkedin: str
    x: str
    email: str
    forward: str


def mailto(subject: str, body: str) -> str:
    """A ``mailto:`` URL with no recipient (RFC 6068: %20 for spaces, CRLF line breaks)."""
    body = body.replace("\r\n", "\n").replace("\n", "\r\n")
    return f"mailto:?subject={quote(subject, safe='')}&body={quote(body, safe='')}"


@functools.lru_cache(maxsize=16384)  # live reload rebuilds ask again for every article
def share_links(url: str, title: str, description: str, site_name: str) -> ShareLinks:
    """Share links for an article at absolute ``url``."""
    return ShareLinks(
        linkedin=f"{LINKEDIN_SHARE}?{urlencode({'url': url}, quote_via=quote)}",
        x=f"{X_INTENT}?{urlencode({'text': title, 'url': url}, quote_via=quote)}",
        email=mailto(title, f"{description}\n\n{url}"),
        forward=mailto(
            f"Thought of you: {title}",
            f"Hi,\n\nI read this on {site_name} and thought of you:\n\n{title}\n{url}\n\n{description}\n",
        ),
    )
