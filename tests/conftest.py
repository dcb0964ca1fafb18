"""Fixtures shared across test modules."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.site import ROOT, build

SAMPLE_SITE_URL = "https://networker.example.com"
# A made-up Mailchimp form action, so the sample site shows (and the tests check) the signup form.
SAMPLE_SUBSCRIBE_ACTION = "https://networker.us1.list-manage.com/subscribe/post?u=0a1b2c3d4e&id=5f6a7b8c9d"


@dataclass(frozen=True)
class BuiltSite:
    output: Path
    campaigns: Path
    site_url: str


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> BuiltSite:
    """The real sample content in content/, built once with the production settings (and the
    search index, as `make build` makes it)."""
    tmp = tmp_path_factory.mktemp("sample")
    output = build(
        tmp,
        production=True,
        PATH=str(ROOT / "content"),
        SITEURL=SAMPLE_SITE_URL,
        FEED_DOMAIN=SAMPLE_SITE_URL,
        READER_SUBSCRIBE_FORM_ACTION=SAMPLE_SUBSCRIBE_ACTION,
    )
    return BuiltSite(output=output, campaigns=tmp / "campaigns", site_url=SAMPLE_SITE_URL)


@pytest.fixture(autouse=True)
def pelican_fatal_level_restored():
    """`pelican_contentkit.build.build_site` makes logged errors fatal for the whole process (Pelican's
    `init(fatal=...)` sets a class attribute); a test that builds through it must not change
    how the tests after it log."""
    from pelican.log import FatalLogger

    level = FatalLogger.fatal_lvl
    yield
    FatalLogger.fatal_lvl = level
