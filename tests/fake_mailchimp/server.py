"""A local Mailchimp Marketing API (the subset Networker uses), over real HTTP, with faults.

It follows Mailchimp's rules that matter for publishing: HTTP basic auth with the API key,
problem-detail JSON errors, campaigns that belong to an audience, a send checklist that
requires content and an unsubscribe link, schedule times on quarter hours in the future,
and a campaign that can be sent once. Faults can be injected per request: 429 with
Retry-After, 5xx, slow responses, dropped connections, responses lost after the
request took effect, and 200 answers that are not what Mailchimp documents (BAD_ANSWERS).
``meanwhile`` lets a test act as another publisher between two requests. Sent campaigns
have reports (``/reports/{id}``, ``/reports/{id}/click-details``) in Mailchimp's shapes.
"""

from __future__ import annotations

import base64
import itertools
import json
import random
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

FAULTS = ("429", "500", "503", "slow", "drop", "lost")
# Answers with status 200 that are not what Mailchimp documents: the request takes effect,
# the answer is a proxy's HTML page, HTML labelled as JSON, a JSON list, an empty object,
# the real object without its "id", or a body full of terminal escape sequences.
BAD_ANSWERS = ("html", "html-as-json", "list", "empty-object", "no-id", "control-characters")
# Mailchimp's limit on the addresses of one test email on paid plans (6 on the Free plan).
TEST_EMAILS_MAX = 20


@dataclass
class FaultRule:
    """Inject ``fault`` into the next ``times`` requests matching method and path pattern."""

    method: str
    path: str  # a regular expression matched against the path after /3.0
    fault: str
    times: int = 1
    retry_after: int = 1

    def matches(self, method: str, path: str) -> bool:
        return self.times > 0 and method == self.method and re.fullmatch(self.path, path) is not None


@dataclass
class RecordedRequest:
    method: str
    path: str
    body: object
    fault: str | None


@dataclass
class FakeMailchimpState:
    api_key: str
    audiences: dict[str, dict] = field(default_factory=dict)
    campaigns: dict[str, dict] = field(default_factory=dict)
    contents: dict[str, dict] = field(default_factory=dict)
    sends: list[str] = field(default_factory=list)  # campaign ids, one entry per real send
    test_sends: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    requests: list[RecordedRequest] = field(default_factory=list)
    rules: list[FaultRule] = field(default_factory=list)
    meanwhile: list[tuple] = field(default_factory=list)
    reports: dict[str, dict] = field(default_factory=dict)
    random_faults: random.Random | None = None
    random_fault_rate: float = 0.0
    slow_seconds: float = 1.0
    now: datetime = field(default_factory=lambda: datetime(2026, 11, 25, 12, 0, tzinfo=UTC))


class FakeMailchimp:
    """Start with ``with FakeMailchimp(api_key="...-us1") as mc:``; ``mc.url`` is the API base URL."""

    def __init__(
        self,
        api_key: str = "0123456789abcdef0123456789abcdef-us1",
        audience_id: str = "aud123",
        base_path: str = "/3.0",
    ):
        self.base_path = base_path
        self.state = FakeMailchimpState(api_key=api_key)
        self.state.audiences[audience_id] = {"id": audience_id, "name": "Networker readers"}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        handler = _handler_class(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{self.base_path}"

    def __enter__(self) -> FakeMailchimp:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- test controls -------------------------------------------------------------
    def inject(self, method: str, path: str, fault: str, times: int = 1, retry_after: int = 1) -> None:
        assert fault in FAULTS + BAD_ANSWERS, fault
        with self._lock:
            self.state.rules.append(FaultRule(method, path, fault, times, retry_after))

    def random_faults(self, seed: int, rate: float) -> None:
        with self._lock:
            self.state.random_faults = random.Random(seed)
            self.state.random_fault_rate = rate

    def meanwhile(self, method: str, path: str, action) -> None:
        """Run ``action(self)`` once, just before the next request matching method and path is
        handled: what another publisher, running at the same time, does in between."""
        with self._lock:
            self.state.meanwhile.append((method, path, action))

    def run_meanwhile(self, method: str, path: str) -> None:
        with self._lock:
            for entry in list(self.state.meanwhile):
                if entry[0] == method and re.fullmatch(entry[1], path):
                    self.state.meanwhile.remove(entry)
                    entry[2](self)
                    return

    def act(self, method: str, path: str, body=None) -> tuple[int, object]:
        """A request made by someone else (another publisher): routed, not recorded."""
        return self._route(method, path, {}, body)

    def add_report(self, campaign_id: str, **report) -> None:
        """The report Mailchimp keeps for a sent campaign; ``clicks`` maps URLs to (total, unique)."""
        with self._lock:
            self.state.reports[campaign_id] = report

    def calm(self) -> None:
        with self._lock:
            self.state.rules.clear()
            self.state.random_faults = None

    def requests_to(self, method: str, pattern: str) -> list[RecordedRequest]:
        return [r for r in self.state.requests if r.method == method and re.fullmatch(pattern, r.path)]

    # --- the API -----------------------------------------------------------------------
    def choose_fault(self, method: str, path: str) -> tuple[str | None, int]:
        with self._lock:
            for rule in self.state.rules:
                if rule.matches(method, path):
                    rule.times -= 1
                    return rule.fault, rule.retry_after
            chance = self.state.random_faults
            if chance is not None and chance.random() < self.state.random_fault_rate:
                return chance.choice(FAULTS), 0
        return None, 0

    def handle(self, method: str, path: str, query: dict, body) -> tuple[int, object]:
        with self._lock:
            return self._route(method, path, query, body)

    def _route(self, method, path, query, body):
        parts = [p for p in path.split("/") if p]
        if parts[:1] == ["lists"] and len(parts) == 2 and method == "GET":
            audience = self.state.audiences.get(parts[1])
            return (
                (200, audience)
                if audience
                else _error(404, "Resource Not Found", "The requested resource could not be found.")
            )
        if parts[:1] == ["reports"] and method == "GET" and len(parts) in (2, 3):
            return self._report(parts[1], parts[2:], query)
        if parts == ["campaigns"] and method == "POST":
            return self._create(body)
        if parts == ["campaigns"] and method == "GET":
            return self._list(query)
        if parts[:1] != ["campaigns"] or len(parts) < 2:
            return _error(404, "Resource Not Found", "The requested resource could not be found.")
        campaign = self.state.campaigns.get(parts[1])
        if campaign is None:
            return _error(404, "Resource Not Found", "The requested resource could not be found.")
        rest = parts[2:]
        if not rest and method == "GET":
            return 200, campaign
        if not rest and method == "PATCH":
            return self._update(campaign, body)
        if not rest and method == "DELETE":
            if campaign["status"] in ("sent", "sending"):
                return _error(
                    400, "Bad Request", "This campaign has already been sent and cannot be deleted."
                )
            del self.state.campaigns[campaign["id"]]
            return 204, None
        if rest == ["content"] and method == "PUT":
            if campaign["status"] != "save":
                return _error(
                    400,
                    "Bad Request",
                    "Campaign content cannot be changed once the campaign is scheduled or sent.",
                )
            html, text = (body or {}).get("html"), (body or {}).get("plain_text")
            if not html:
                return _error(400, "Invalid Resource", "The resource submitted could not be validated.")
            self.state.contents[campaign["id"]] = {"html": html, "plain_text": text or ""}
            return 200, self.state.contents[campaign["id"]]
        if rest == ["content"] and method == "GET":
            return 200, self.state.contents.get(campaign["id"], {"html": "", "plain_text": ""})
        if rest == ["send-checklist"] and method == "GET":
            return 200, self._checklist(campaign)
        if rest[:1] == ["actions"] and method == "POST" and len(rest) == 2:
            return self._action(campaign, rest[1], body or {})
        return _error(405, "Method Not Allowed", "The requested method and resource are not compatible.")

    def _create(self, body):
        body = body or {}
        if body.get("type") != "regular":
            return _error(
                400,
                "Invalid Resource",
                "The resource submitted could not be validated.",
                [{"field": "type", "message": "must be regular"}],
            )
        list_id = (body.get("recipients") or {}).get("list_id")
        if list_id not in self.state.audiences:
            return _error(
                400,
                "Invalid Resource",
                "The resource submitted could not be validated.",
                [{"field": "recipients.list_id", "message": "list not found"}],
            )
        campaign_id = f"c{next(self._ids):05d}"
        campaign = {
            "id": campaign_id,
            "web_id": 1000 + int(campaign_id[1:]),
            "type": "regular",
            "create_time": self.state.now.isoformat(),
            "status": "save",
            "send_time": "",
            "recipients": {"list_id": list_id},
            "settings": dict(body.get("settings") or {}),
        }
        self.state.campaigns[campaign_id] = campaign
        return 200, campaign

    def _list(self, query):
        items = sorted(self.state.campaigns.values(), key=lambda c: c["id"])
        if "list_id" in query:
            items = [c for c in items if c["recipients"]["list_id"] == query["list_id"]]
        if "status" in query:
            items = [c for c in items if c["status"] == query["status"]]
        count, offset = int(query.get("count", 10)), int(query.get("offset", 0))
        if count > 1000:
            return _error(400, "Invalid Resource", "count must be at most 1000.")
        return 200, {"campaigns": items[offset : offset + count], "total_items": len(items)}

    def _update(self, campaign, body):
        if campaign["status"] in ("sent", "sending"):
            return _error(400, "Bad Request", "This campaign has already been sent and cannot be updated.")
        campaign["settings"].update((body or {}).get("settings") or {})
        return 200, campaign

    def _checklist(self, campaign):
        items = []
        content = self.state.contents.get(campaign["id"])
        settings = campaign["settings"]
        if not content:
            items.append(
                {
                    "type": "error",
                    "id": 1,
                    "heading": "Content",
                    "details": "You haven't added any content to your campaign.",
                }
            )
        elif "*|UNSUB|*" not in content["html"]:
            items.append(
                {
                    "type": "error",
                    "id": 2,
                    "heading": "Unsubscribe link",
                    "details": "Your campaign needs an unsubscribe link (*|UNSUB|*).",
                }
            )
        for key, heading in (
            ("subject_line", "Subject line"),
            ("from_name", "From name"),
            ("reply_to", "Reply-to address"),
        ):
            if not settings.get(key):
                items.append(
                    {
                        "type": "error",
                        "id": 3,
                        "heading": heading,
                        "details": f"You need to set a {heading.lower()}.",
                    }
                )
        if not items:
            items.append(
                {"type": "success", "id": 0, "heading": "Ready", "details": "Your campaign is ready to send."}
            )
        return {"is_ready": all(item["type"] != "error" for item in items), "items": items}

    def _action(self, campaign, action, body):
        if action == "test":
            if campaign["status"] != "save":
                return _error(
                    400, "Bad Request", "Test emails can only be sent for campaigns that have not been sent."
                )
            emails = body.get("test_emails") or []
            if not emails or not all(re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", e) for e in emails):
                return _error(400, "Invalid Resource", "test_emails must be a list of email addresses.")
            if len(emails) > TEST_EMAILS_MAX:
                return _error(
                    400, "Invalid Resource", f"Test emails can have at most {TEST_EMAILS_MAX} addresses."
                )
            if not self._checklist(campaign)["is_ready"]:
                return _error(400, "Bad Request", "Your campaign is not ready to send.")
            self.state.test_sends.append((campaign["id"], tuple(emails)))
            return 204, None
        if action == "schedule":
            if campaign["status"] != "save":
                return _error(
                    400,
                    "Bad Request",
                    f"This campaign cannot be scheduled because its status is {campaign['status']}.",
                )
            try:
                when = datetime.fromisoformat(str(body.get("schedule_time", "")).replace("Z", "+00:00"))
            except ValueError:
                return _error(400, "Invalid Resource", "schedule_time is not a valid date.")
            if when.minute % 15 or when.second or when <= self.state.now:
                return _error(
                    400,
                    "Invalid Resource",
                    "Schedule time must be in the future and on the quarter-hour (00, 15, 30, 45).",
                )
            if not self._checklist(campaign)["is_ready"]:
                return _error(400, "Bad Request", "Your campaign is not ready to send.")
            campaign["status"] = "schedule"
            campaign["send_time"] = when.astimezone(UTC).isoformat()
            return 204, None
        if action == "unschedule":
            if campaign["status"] != "schedule":
                return _error(400, "Bad Request", "This campaign is not scheduled.")
            campaign["status"], campaign["send_time"] = "save", ""
            return 204, None
        if action == "send":
            if campaign["status"] in ("sent", "sending"):
                return _error(400, "Bad Request", "This campaign has already been sent.")
            if campaign["status"] == "schedule":
                return _error(400, "Bad Request", "This campaign is scheduled. Unschedule it before sending.")
            if not self._checklist(campaign)["is_ready"]:
                return _error(400, "Bad Request", "Your campaign is not ready to send.")
            campaign["status"] = "sent"
            campaign["send_time"] = self.state.now.isoformat()
            self.state.sends.append(campaign["id"])
            return 204, None
        return _error(404, "Resource Not Found", "The requested resource could not be found.")

    def _report(self, campaign_id, rest, query):
        """/reports/{id} and /reports/{id}/click-details, in the shapes Mailchimp documents."""
        campaign = self.state.campaigns.get(campaign_id)
        report = self.state.reports.get(campaign_id)
        if campaign is None or campaign["status"] != "sent" or report is None:
            return _error(404, "Resource Not Found", "The requested resource could not be found.")
        clicks = report.get("clicks", {})
        if rest == ["click-details"]:
            count, offset = int(query.get("count", 10)), int(query.get("offset", 0))
            if count > 1000:
                return _error(400, "Invalid Resource", "count must be at most 1000.")
            urls = [
                {
                    "id": f"u{index}",
                    "url": url,
                    "total_clicks": total,
                    "click_percentage": round(total / max(1, sum(t for t, _ in clicks.values())), 4),
                    "unique_clicks": unique,
                    "unique_click_percentage": 0.0,
                    "last_click": self.state.now.isoformat(),
                    "campaign_id": campaign_id,
                }
                for index, (url, (total, unique)) in enumerate(clicks.items())
            ]
            return 200, {
                "urls_clicked": urls[offset : offset + count],
                "campaign_id": campaign_id,
                "total_items": len(urls),
            }
        if rest:
            return _error(404, "Resource Not Found", "The requested resource could not be found.")
        sent = report.get("emails_sent", 0)
        unique_opens = report.get("unique_opens", 0)
        subscriber_clicks = report.get("unique_subscriber_clicks", 0)
        return 200, {
            "id": campaign_id,
            "campaign_title": campaign["settings"].get("title", ""),
            "type": "regular",
            "list_id": campaign["recipients"]["list_id"],
            "subject_line": campaign["settings"].get("subject_line", ""),
            "emails_sent": sent,
            "abuse_reports": 0,
            "unsubscribed": report.get("unsubscribed", 0),
            "send_time": campaign["send_time"],
            "bounces": {
                "hard_bounces": report.get("hard_bounces", 0),
                "soft_bounces": report.get("soft_bounces", 0),
                "syntax_errors": 0,
            },
            "forwards": {"forwards_count": 0, "forwards_opens": 0},
            "opens": {
                "opens_total": report.get("opens", 0),
                "unique_opens": unique_opens,
                "open_rate": unique_opens / sent if sent else 0,
                "last_open": self.state.now.isoformat(),
            },
            "clicks": {
                "clicks_total": sum(total for total, _ in clicks.values()),
                "unique_clicks": sum(unique for _, unique in clicks.values()),
                "unique_subscriber_clicks": subscriber_clicks,
                "click_rate": subscriber_clicks / sent if sent else 0,
                "last_click": self.state.now.isoformat(),
            },
        }


def _error(status: int, title: str, detail: str, errors: list | None = None) -> tuple[int, dict]:
    body = {
        "type": "https://mailchimp.com/developer/marketing/docs/errors/",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": str(uuid.uuid4()),
    }
    if errors:
        body["errors"] = errors
    return status, body


def _handler_class(mailchimp: FakeMailchimp):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):
            pass

        def _serve(self, method: str) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except json.JSONDecodeError:
                body = None
            if not url.path.startswith(mailchimp.base_path + "/"):
                self._reply(*_error(404, "Resource Not Found", "Unknown API version."))
                return
            path = url.path[len(mailchimp.base_path) :]
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            fault, retry_after = mailchimp.choose_fault(method, path)
            with mailchimp._lock:
                mailchimp.state.requests.append(RecordedRequest(method, path, body, fault))
            if not self._authorised():
                self._reply(
                    *_error(
                        401,
                        "API Key Invalid",
                        "Your API key may be invalid, or you've attempted to access the wrong datacenter.",
                    )
                )
                return
            if fault == "429":
                self._reply(
                    *_error(
                        429,
                        "Too Many Requests",
                        "You have exceeded the limit of 10 simultaneous connections.",
                    ),
                    headers={"Retry-After": str(retry_after)},
                )
                return
            if fault in ("500", "503"):
                self._reply(
                    *_error(int(fault), "Internal Server Error", "An unexpected internal error has occurred.")
                )
                return
            if fault == "drop":
                self.close_connection = True
                return
            if fault == "slow":
                time.sleep(mailchimp.state.slow_seconds)
            mailchimp.run_meanwhile(method, path)
            status, payload = mailchimp.handle(method, path, query, body)
            if fault == "lost":  # the effect is committed, the answer never arrives
                self.close_connection = True
                return
            if fault in BAD_ANSWERS:
                self._bad_answer(fault, payload)
                return
            self._reply(status, payload)

        def _bad_answer(self, fault: str, payload) -> None:
            page = b"<!DOCTYPE html><html><body><h1>Service Unavailable</h1></body></html>"
            content_type, data = "application/json", b""
            if fault == "html":
                content_type, data = "text/html; charset=utf-8", page
            elif fault == "html-as-json":
                data = page
            elif fault == "list":
                data = json.dumps([payload]).encode()
            elif fault == "empty-object":
                data = b"{}"
            elif fault == "no-id":
                data = json.dumps({k: v for k, v in (payload or {}).items() if k != "id"}).encode()
            elif fault == "control-characters":
                content_type = "application/problem+json"
                problem = {
                    "title": "Bad\x1b[2J\x1b]0;owned\x07 Request\u202e",
                    "detail": "Line one\r\nLine two\x1b[31m" + "x" * 5000,
                    "status": 400,
                }
                data = json.dumps(problem).encode()
            try:
                self.send_response(400 if fault == "control-characters" else 200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def _authorised(self) -> bool:
            header = self.headers.get("Authorization", "")
            if not header.startswith("Basic "):
                return False
            try:
                _, key = base64.b64decode(header[6:]).decode().split(":", 1)
            except (ValueError, UnicodeDecodeError):
                return False
            return key == mailchimp.state.api_key

        def _reply(self, status: int, payload, headers: dict | None = None) -> None:
            data = b"" if payload is None else json.dumps(payload).encode()
            try:
                self.send_response(status)
                content_type = "application/problem+json" if status >= 400 else "application/json"
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a slow response past its timeout)

        def do_GET(self):
            self._serve("GET")

        def do_POST(self):
            self._serve("POST")

        def do_PUT(self):
            self._serve("PUT")

        def do_PATCH(self):
            self._serve("PATCH")

        def do_DELETE(self):
            self._serve("DELETE")

    return Handler
