"""The Mailchimp calls the publisher makes: a Protocol, and an adapter over the official client.

The adapter turns every failure into an :class:`ApiError` saying whether it is transient
and whether its outcome is unknown, with Mailchimp's own title and detail, and never
with the API key in it.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import requests

from .config import MailchimpConfig
from .errors import ApiError, shown

# Requests that change something on Mailchimp: after a timeout, a dropped connection or
# a 5xx their outcome is unknown.
CHANGING_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})


class MailchimpApi(Protocol):
    def get_audience(self, audience_id: str) -> dict[str, Any]: ...
    def list_campaigns(self, audience_id: str, count: int, offset: int) -> dict[str, Any]: ...
    def get_campaign(self, campaign_id: str) -> dict[str, Any]: ...
    def create_campaign(self, body: dict[str, Any]) -> dict[str, Any]: ...
    def update_campaign(self, campaign_id: str, body: dict[str, Any]) -> dict[str, Any]: ...
    def delete_campaign(self, campaign_id: str) -> None: ...
    def set_content(self, campaign_id: str, html: str, text: str) -> None: ...
    def send_checklist(self, campaign_id: str) -> dict[str, Any]: ...
    def send_test(self, campaign_id: str, emails: list[str]) -> None: ...
    def schedule(self, campaign_id: str, schedule_time: str) -> None: ...
    def send(self, campaign_id: str) -> None: ...


class MailchimpReportsApi(Protocol):
    """The read-only calls of ``pelican-newsletter report``."""

    def list_campaigns(self, audience_id: str, count: int, offset: int) -> dict[str, Any]: ...
    def get_report(self, campaign_id: str) -> dict[str, Any]: ...
    def get_click_details(self, campaign_id: str, count: int, offset: int) -> dict[str, Any]: ...


class MailchimpMarketingApi:
    """:class:`MailchimpApi` over the official ``mailchimp_marketing`` client."""

    def __init__(self, config: MailchimpConfig, timeout: float = 20.0):
        import mailchimp_marketing

        self._client = mailchimp_marketing.Client()
        self._client.set_config(
            {"api_key": config.api_key.reveal(), "server": config.server, "timeout": timeout}
        )
        self._client.api_client.host = config.api_url
        # The client replaces the text "server" anywhere in the URL with the data centre;
        # the host above is already complete.
        self._client.api_client.server = ""
        self._secrets = _secret_forms(config.api_key.reveal())
        self._last_response: requests.Response | None = None
        original_request = self._client.api_client.request

        def recording_request(*args: Any, **kwargs: Any) -> Any:
            self._last_response = None
            response = original_request(*args, **kwargs)
            self._last_response = response
            return response

        self._client.api_client.request = recording_request

    def _call(
        self, operation: str, method: str, function: Callable[..., object], *args: Any, **kwargs: Any
    ) -> Any:
        """Mailchimp's JSON answer, as it came (None for a call that answers with no body).

        An answer that is not JSON (a proxy's HTML page, say) is an :class:`ApiError` naming
        the operation, never a value the publisher goes on with."""
        from mailchimp_marketing.api_client import ApiClientError

        try:
            result = function(*args, **kwargs)
        except ApiClientError as error:
            raise self._api_error(operation, method, error.status_code, error.text) from None
        if isinstance(result, requests.Response):  # an empty, falsy or unreadable body
            if result.status_code >= 400:
                raise self._api_error(operation, method, result.status_code, result.text) from None
            if not result.content.strip():
                return None
            try:
                return result.json()
            except ValueError:
                raise self._unexpected(operation, result.status_code, "an answer that is not JSON") from None
        if isinstance(result, str):  # the client hands back any body that is not labelled JSON as text
            kind = "an HTML page" if result.lstrip()[:1] == "<" else "an answer that is not JSON"
            raise self._unexpected(operation, 200, kind)
        return result

    def _object(
        self,
        operation: str,
        method: str,
        function: Callable[..., object],
        *args: Any,
        shape: dict[str, type] | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """A JSON object with at least the fields of ``shape``, each of its type."""
        result = self._call(operation, method, function, *args, **kwargs)
        if not isinstance(result, dict):
            what = "a JSON list" if isinstance(result, list) else "no JSON object"
            raise self._unexpected(operation, 200, what)
        for name, kind in (shape or {}).items():
            value = result.get(name)
            if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
                raise self._unexpected(operation, 200, f"an object without a valid {name!r}")
        return result

    def _unexpected(self, operation: str, status: int, what: str) -> ApiError:
        return ApiError(
            operation,
            status,
            "Unexpected answer",
            f"Mailchimp answered with {what}. Check MAILCHIMP_API_URL, or try again later.",
            transient=False,
        )

    def _api_error(self, operation: str, method: str, status: int | None, body: object) -> ApiError:
        if status is None:  # no HTTP answer: timeout, refused or dropped connection
            reason = type(body).__name__ if isinstance(body, Exception) else "connection failed"
            never_sent = isinstance(body, requests.exceptions.ConnectTimeout) or any(
                sign in repr(body)
                for sign in ("NewConnectionError", "Connection refused", "NameResolutionError")
            )
            return ApiError(
                operation,
                None,
                "No answer from Mailchimp",
                f"({reason})",
                transient=True,
                outcome_unknown=method in CHANGING_METHODS and not never_sent,
            )
        problem = _problem(body)
        retry_after = None
        if status == 429 and self._last_response is not None:
            retry_after = retry_after_seconds(self._last_response.headers.get("Retry-After", ""))
        transient = status == 429 or status >= 500
        return ApiError(
            operation,
            status,
            shown(self._scrub(str(problem.get("title", "Error"))), 120),
            shown(self._scrub(str(problem.get("detail", "")))),
            transient=transient,
            outcome_unknown=status >= 500 and method in CHANGING_METHODS,
            retry_after=retry_after,
        )

    def _scrub(self, text: str) -> str:
        """Mailchimp's words, without the key in any form it could be echoed back in."""
        for secret in self._secrets:
            text = text.replace(secret, "********")
        return text

    def get_audience(self, audience_id: str) -> dict[str, Any]:
        return self._object("get audience", "GET", self._client.lists.get_list, audience_id, shape=ID)

    def list_campaigns(self, audience_id: str, count: int, offset: int) -> dict[str, Any]:
        page = self._object(
            "list campaigns",
            "GET",
            self._client.campaigns.list,
            list_id=audience_id,
            count=count,
            offset=offset,
            shape={"campaigns": list, "total_items": int},
        )
        if not all(_is_campaign(item) for item in page["campaigns"]):
            raise self._unexpected("list campaigns", 200, "a campaign without a valid id, status or title")
        return page

    def get_campaign(self, campaign_id: str) -> dict[str, Any]:
        return self._campaign("get campaign", "GET", self._client.campaigns.get, campaign_id)

    def create_campaign(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._campaign("create campaign", "POST", self._client.campaigns.create, body)

    def _campaign(
        self, operation: str, method: str, function: Callable[..., object], *args: Any
    ) -> dict[str, Any]:
        found = self._object(operation, method, function, *args)
        if not _is_campaign(found):
            raise self._unexpected(operation, 200, "a campaign without a valid id, status or title")
        return found

    def update_campaign(self, campaign_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._object(
            "update campaign", "PATCH", self._client.campaigns.update, campaign_id, body, shape=ID
        )

    def delete_campaign(self, campaign_id: str) -> None:
        self._call("delete campaign", "DELETE", self._client.campaigns.remove, campaign_id)

    def set_content(self, campaign_id: str, html: str, text: str) -> None:
        self._call(
            "upload content",
            "PUT",
            self._client.campaigns.set_content,
            campaign_id,
            {"html": html, "plain_text": text},
        )

    def send_checklist(self, campaign_id: str) -> dict[str, Any]:
        checklist = self._object(
            "send checklist",
            "GET",
            self._client.campaigns.get_send_checklist,
            campaign_id,
            shape={"is_ready": bool, "items": list},
        )
        if not all(isinstance(item, dict) for item in checklist["items"]):
            raise self._unexpected("send checklist", 200, "checklist items that are not objects")
        return checklist

    def send_test(self, campaign_id: str, emails: list[str]) -> None:
        self._call(
            "send test",
            "POST",
            self._client.campaigns.send_test_email,
            campaign_id,
            {"test_emails": emails, "send_type": "html"},
        )

    def schedule(self, campaign_id: str, schedule_time: str) -> None:
        self._call(
            "schedule", "POST", self._client.campaigns.schedule, campaign_id, {"schedule_time": schedule_time}
        )

    def send(self, campaign_id: str) -> None:
        self._call("send", "POST", self._client.campaigns.send, campaign_id)

    # --- reports (read-only) ---------------------------------------------------------------
    def get_report(self, campaign_id: str) -> dict[str, Any]:
        return self._object(
            "get report",
            "GET",
            self._client.reports.get_campaign_report,
            campaign_id,
            shape={
                "id": str,
                "emails_sent": int,
                "unsubscribed": int,
                "bounces": dict,
                "opens": dict,
                "clicks": dict,
            },
        )

    def get_click_details(self, campaign_id: str, count: int, offset: int) -> dict[str, Any]:
        page = self._object(
            "get click details",
            "GET",
            self._client.reports.get_campaign_click_details,
            campaign_id,
            count=count,
            offset=offset,
            shape={"urls_clicked": list, "total_items": int},
        )
        if not all(
            isinstance(item, dict) and isinstance(item.get("url"), str) and is_count(item.get("total_clicks"))
            for item in page["urls_clicked"]
        ):
            raise self._unexpected("get click details", 200, "a link without a valid url or total_clicks")
        return page


ID: dict[str, type] = {"id": str}
CAMPAIGN_ID = re.compile(r"^[0-9A-Za-z_-]{1,64}$")


def is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_campaign(value: object) -> bool:
    """A campaign the publisher can work with: a plain id, a status and settings with a title."""
    if not isinstance(value, dict):
        return False
    settings = value.get("settings")
    return (
        isinstance(value.get("id"), str)
        and CAMPAIGN_ID.match(value["id"]) is not None
        and isinstance(value.get("status"), str)
        and isinstance(settings, dict)
        and isinstance(settings.get("title", ""), str)
    )


def _secret_forms(api_key: str) -> tuple[str, ...]:
    basic = base64.b64encode(f"user:{api_key}".encode()).decode()
    forms = [api_key, basic]
    key_part = api_key.split("-")[0]
    if len(key_part) >= 16:  # the key without its data centre, when it looks like a key
        forms.append(key_part)
    return tuple(form for form in forms if form)


def retry_after_seconds(value: str, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    value = value.strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _problem(body: object) -> dict[str, Any]:
    if isinstance(body, dict):
        return body
    try:
        parsed = json.loads(str(body))
    except (TypeError, ValueError):
        return {"title": "Unexpected answer", "detail": str(body)[:200]}
    return parsed if isinstance(parsed, dict) else {"title": "Unexpected answer", "detail": str(parsed)[:200]}
