"""Mailchimp credentials and endpoint, from the environment only (and a git-ignored .env)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

from dotenv import dotenv_values

from .errors import PublishError

KEY_PATTERN = re.compile(r"^[0-9a-f]{32}-(us\d{1,3})$")
LOOPBACK_HOSTS = frozenset({"localhost", "::1"})


class Secret:
    """A value that never shows itself in output, logs, reprs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret cannot be pickled")


@dataclass(frozen=True)
class MailchimpConfig:
    api_key: Secret
    audience_id: str
    server: str
    api_url: str  # the API base URL, e.g. https://us21.api.mailchimp.com/3.0


def environment_with_dotenv(environ: Mapping[str, str], project_root: Path) -> dict[str, str]:
    """``environ`` plus the values of ``.env`` in the project root; the real environment wins."""
    merged = {k: v for k, v in dotenv_values(project_root / ".env").items() if v is not None}
    merged.update(environ)
    return merged


def missing_settings(environ: Mapping[str, str]) -> list[str]:
    return [name for name in ("MAILCHIMP_API_KEY", "MAILCHIMP_AUDIENCE_ID") if not environ.get(name)]


def mailchimp_config(environ: Mapping[str, str]) -> MailchimpConfig:
    """The configuration, or a PublishError saying exactly what to set."""
    missing = missing_settings(environ)
    if missing:
        raise PublishError(
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set. Set them in "
            "the environment "
            "or in a .env file in the project root (see README, 'Publishing to Mailchimp')."
        )
    key = environ["MAILCHIMP_API_KEY"].strip()
    if not key.isascii() or not key.isprintable():
        # It could never be sent (HTTP headers are ASCII): say so now, not after minutes of retries.
        raise PublishError(
            "MAILCHIMP_API_KEY contains characters that are not plain ASCII letters, digits or "
            "dashes (a typographic dash or a space copied with it, say). Copy it again from "
            "Mailchimp: Profile > Extras > API keys."
        )
    server = environ.get("MAILCHIMP_SERVER", "").strip()
    match = KEY_PATTERN.match(key)
    if not server:
        if not match:
            raise PublishError(
                "MAILCHIMP_API_KEY does not look like a Mailchimp API key (32 hexadecimal "
                "characters, a dash, "
                "and the data centre such as us21). Copy it again from Mailchimp: Profile > Extras "
                "> API keys, "
                "or set MAILCHIMP_SERVER."
            )
        server = match.group(1)
    if not re.fullmatch(r"us\d{1,3}", server):
        raise PublishError(f"MAILCHIMP_SERVER must look like 'us21', not {server!r}.")
    api_url = (
        environ.get("MAILCHIMP_API_URL", "").strip().rstrip("/") or f"https://{server}.api.mailchimp.com/3.0"
    )
    if not re.match(r"^https?://[^/]+", api_url):
        raise PublishError(
            f"MAILCHIMP_API_URL must be a full URL such as http://127.0.0.1:8080/3.0, not {api_url!r}."
        )
    host = urlsplit(api_url).hostname or ""
    if api_url.startswith("http://") and host not in LOOPBACK_HOSTS and not host.startswith("127."):
        raise PublishError(
            f"MAILCHIMP_API_URL {api_url!r} would send the API key unencrypted: use https://, "
            "or http:// only for a server on this machine (127.0.0.1, localhost)."
        )
    return MailchimpConfig(
        api_key=Secret(key),
        audience_id=environ["MAILCHIMP_AUDIENCE_ID"].strip(),
        server=server,
        api_url=api_url,
    )
