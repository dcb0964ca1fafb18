"""The email's HTML and CSS against the caniemail data, for the clients docs/email-client-support.yaml
names: every feature a client lacks must be listed there with its fallback."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.site import ROOT, require_tool

SUPPORT_FILE = ROOT / "docs/email-client-support.yaml"
SCRIPT = ROOT / "tests/support/caniemail.cjs"
DOIUSE = ROOT / "node_modules/@jsx-email/doiuse-email/package.json"
# What the issue asks for: Gmail (web, Android, iOS), Outlook (Windows, macOS, Outlook.com),
# Apple Mail (macOS, iOS) and Yahoo Mail.
CLIENTS = {
    "gmail.desktop-webmail",
    "gmail.android",
    "gmail.ios",
    "outlook.windows",
    "outlook.macos",
    "outlook.outlook-com",
    "apple-mail.macos",
    "apple-mail.ios",
    "yahoo.desktop-webmail",
}


def reviewed() -> dict:
    return yaml.safe_load(SUPPORT_FILE.read_text(encoding="utf-8"))


def caniemail(paths: list[Path], clients) -> dict[str, list[tuple[str, str, str]]]:
    """[(feature, client, "unsupported" | "partial")] for each email, from the caniemail data."""
    require_tool(
        bool(shutil.which("node")) and DOIUSE.is_file(), "the client-support check needs node and `npm ci`"
    )
    result = subprocess.run(
        ["node", str(SCRIPT), ",".join(sorted(clients)), *map(str, paths)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return {file: [tuple(entry) for entry in found] for file, found in json.loads(result.stdout).items()}


def unlisted(found: dict[str, list[tuple[str, str, str]]], listed: list[dict]) -> list[str]:
    """Unsupported features an email uses that the reviewed file does not list for that client."""
    covered = {(entry["feature"], client) for entry in listed for client in entry["clients"]}
    return sorted(
        {
            f"{feature} in {client} ({Path(file).parent.name}/{Path(file).name})"
            for file, entries in found.items()
            for feature, client, support in entries
            if support == "unsupported" and (feature, client) not in covered
        }
    )


def test_the_reviewed_file_names_the_clients_and_a_fallback_for_each_entry():
    data = reviewed()
    assert set(data["clients"]) == CLIENTS
    for entry in data["unsupported"]:
        assert set(entry) == {"feature", "clients", "used_for", "fallback"}, entry
        assert set(entry["clients"]) <= CLIENTS and entry["fallback"].strip(), entry


@pytest.fixture(scope="module")
def sample_report(sample_site):
    emails = sorted(sample_site.campaigns.glob("*/email.html"))
    assert any("featured-body" in path.read_text(encoding="utf-8") for path in emails)  # a featured issue
    return caniemail(emails, CLIENTS)


def test_every_unsupported_feature_the_emails_use_is_listed_with_its_fallback(sample_report):
    assert unlisted(sample_report, reviewed()["unsupported"]) == []


def test_every_listed_feature_is_still_used(sample_report):
    used = {(feature, client) for entries in sample_report.values() for feature, client, _ in entries}
    stale = [
        f"{entry['feature']} in {client}"
        for entry in reviewed()["unsupported"]
        for client in entry["clients"]
        if (entry["feature"], client) not in used
    ]
    assert stale == [], "no email uses these any more: remove them from docs/email-client-support.yaml"


def test_the_check_fails_on_an_unsupported_feature_the_file_does_not_list(tmp_path):
    email = tmp_path / "2026-12" / "email.html"
    email.parent.mkdir()
    email.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>T</title></head><body>'
        '<div style="position: fixed">Fixed</div></body></html>',
        encoding="utf-8",
    )
    found = unlisted(caniemail([email], CLIENTS), reviewed()["unsupported"])
    assert "position in outlook.windows (2026-12/email.html)" in found
