"""Fixtures shared across test modules, and how the tests run in parallel (pytest-xdist)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.once import once_per_run
from tests.support.site import ROOT, build

SAMPLE_SITE_URL = "https://networker.example.com"
# A made-up Mailchimp form action, so the sample site shows (and the tests check) the signup form.
SAMPLE_SUBSCRIBE_ACTION = "https://networker.us1.list-manage.com/subscribe/post?u=0a1b2c3d4e&id=5f6a7b8c9d"


@dataclass(frozen=True)
class BuiltSite:
    output: Path
    campaigns: Path
    site_url: str


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under `--dist loadgroup`, the tests that use a module-scoped fixture run on one worker, so
    that fixture (a built site, a fresh venv, a browser) is set up once, not once per worker.
    The other tests of the module are free to run on any worker. (tryfirst: xdist reads the
    marks in its own hook.)"""
    for item in items:
        fixtures = getattr(item, "_fixtureinfo", None)
        if fixtures is None:
            continue
        shared = sorted(
            name
            for name, definitions in fixtures.name2fixturedefs.items()
            if definitions and definitions[-1].scope == "module"
        )
        if shared:
            item.add_marker(pytest.mark.xdist_group(f"{item.module.__name__}:{'+'.join(shared)}"))


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> BuiltSite:
    """The real sample content in content/, built once with the production settings (and the
    search index, as `make build` makes it). Under xdist, built by one worker for all of them:
    the tests only read it."""
    with once_per_run(tmp_path_factory, "sample") as (tmp, made):
        if not made:
            build(
                tmp,
                production=True,
                PATH=str(ROOT / "content"),
                SITEURL=SAMPLE_SITE_URL,
                FEED_DOMAIN=SAMPLE_SITE_URL,
                READER_SUBSCRIBE_FORM_ACTION=SAMPLE_SUBSCRIBE_ACTION,
            )
    return BuiltSite(output=tmp / "output", campaigns=tmp / "campaigns", site_url=SAMPLE_SITE_URL)


@pytest.fixture(autouse=True)
def pelican_fatal_level_restored():
    """`pelican_contentkit.build.build_site` makes logged errors fatal for the whole process (Pelican's
    `init(fatal=...)` sets a class attribute); a test that builds through it must not change
    how the tests after it log."""
    from pelican.log import FatalLogger

    level = FatalLogger.fatal_lvl
    yield
    FatalLogger.fatal_lvl = level
