"""Plain share links (no scripts, no third-party requests until the reader clicks)."""

from __future__ import annotations

import functools
import string
from dataclasses import dataclass

# urllib's quote(text, safe=""), per byte of the UTF-8 text: what is always safe as it is,
# anything else %XX. quote calls a function for each byte (a tenth of a build's article
# handlers); this is one str.translate over the bytes read as Latin-1 (one character each).
_ALWAYS_SAFE = frozenset(string.ascii_letters + string.digits + "_.-~")
_QUOTED = [chr(byte) if chr(byte) in _ALWAYS_SAFE else f"%{byte:02X}" for byte in range(256)]

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
    return f"mailto:?subject={quoted(subject)}&body={quoted(body)}"


def quoted(text: str) -> str:
    """``urllib.parse.quote(text, safe="")``."""
    return text.encode("utf-8").decode("latin-1").translate(_QUOTED)


@functools.lru_cache(maxsize=16384)  # live reload rebuilds ask again for every article
def share_links(url: str, title: str, description: str, site_name: str) -> ShareLinks:
    """Share links for an article at absolute ``url``."""
    return ShareLinks(
        linkedin=f"{LINKEDIN_SHARE}?url={quoted(url)}",
        x=f"{X_INTENT}?text={quoted(title)}&url={quoted(url)}",
        email=mailto(title, f"{description}\n\n{url}"),
        forward=mailto(
            f"Thought of you: {title}",
            f"Hi,\n\nI read this on {site_name} and thought of you:\n\n{title}\n{url}\n\n{description}\n",
        ),
    )
