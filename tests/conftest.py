"""Fixtures shared across test modules, and how the tests run in parallel (pytest-xdist)."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import xdist_groups
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


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_setupnodes(config: pytest.Config) -> None:
    """In the controller, before the workers start: a folder for the groups they collect."""
    os.environ[xdist_groups.GROUPS_FOLDER] = tempfile.mkdtemp(prefix="networker-xdist-groups-")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`--dist loadgroup`: the tests that share a module-scoped fixture (or an xdist_group mark)
    run on one worker; see tests/support/xdist_groups.py."""
    if config.getvalue("dist") == "loadgroup":
        return xdist_groups.FixtureGroupScheduling(config, log)
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    xdist_groups.write_groups(items)


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = os.environ.get(xdist_groups.GROUPS_FOLDER)
    if folder and not os.environ.get("PYTEST_XDIST_WORKER"):
        shutil.rmtree(folder, ignore_errors=True)


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
