"""CI and deploy workflows: valid under GitHub's workflow schema, actionlint clean (with
shellcheck on every `run:`), pinned actions, least-privilege permissions, concurrency,
and a deploy that is atomic, digest-pinned, smoke-checked and rolled back on failure."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))


def _load(path):
    workflow = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the `on:` key as True.
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


def _steps(workflow):
    for job_name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_name, step


def test_both_workflows_exist():
    assert {p.name for p in WORKFLOWS} == {"ci.yml", "deploy.yml"}


def test_workflows_are_valid_under_the_github_workflow_schema():
    result = subprocess.run(
        [
            shutil.which("check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, WORKFLOWS),
        ],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_and_shellcheck_find_nothing():
    assert shutil.which("shellcheck"), "Debian's shellcheck (installed by .ci/run)"

    result = subprocess.run(
        [shutil.which("actionlint"), "-shellcheck", shutil.which("shellcheck")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_would_catch_a_broken_workflow(tmp_path):
    """The lint is live: an unknown `needs` and a shell error are reported."""
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    needs: nothing\n"
        "    steps:\n      - run: echo $UNQUOTED_VAR\n"
    )

    result = subprocess.run(
        [shutil.which("actionlint"), "-shellcheck", shutil.which("shellcheck"), str(broken)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )

    assert result.returncode != 0
    assert "nothing" in result.stdout and "SC2086" in result.stdout


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit(path):
    for job, step in _steps(_load(path)):
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", step["uses"]), (job, step)
    text = path.read_text()
    for line in text.splitlines():
        if "uses:" in line:
            assert re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_are_least_privilege_and_runs_are_grouped(path):
    workflow = _load(path)

    assert workflow["permissions"] in ({}, {"contents": "read"})
    assert workflow["concurrency"]["group"]
    for name, job in workflow["jobs"].items():
        granted = job.get("permissions", workflow["permissions"])
        assert all(
            level in {"read", "none"} or scope == "id-token" for scope, level in granted.items()
        ), (
            name,
            granted,
        )
        assert job["timeout-minutes"] <= 45


def test_ci_runs_on_pull_requests_with_postgres_and_redis_services():
    workflow = _load(REPO_ROOT / ".github/workflows/ci.yml")

    assert "pull_request" in workflow["on"]
    assert workflow["concurrency"]["cancel-in-progress"] is True
    test = workflow["jobs"]["test"]
    assert set(test["services"]) == {"postgres", "redis"}
    assert test["env"]["DATABASE_URL"].startswith("postgres://")
    assert test["env"]["REDIS_URL"].startswith("redis://")
    commands = {job: [s.get("run", "") for s in j["steps"]] for job, j in workflow["jobs"].items()}
    assert "make test" in commands["test"]
    assert "make lint" in commands["lint"]
    assert "make chart-test" in commands["chart"]
    assert any("hadolint Dockerfile" in c for c in commands["lint"])
    assert any("promtool check rules" in c for c in commands["promtool"])
    assert any("promtool test rules" in c for c in commands["promtool"])


def test_deploy_builds_to_ecr_through_oidc_and_upgrades_atomically_by_digest():
    workflow = _load(REPO_ROOT / ".github/workflows/deploy.yml")

    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["concurrency"]["cancel-in-progress"] is False
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["permissions"]["id-token"] == "write"
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "production"
    credentials = [
        s for _, s in _steps(workflow) if "configure-aws-credentials" in s.get("uses", "")
    ]
    assert credentials and all("role-to-assume" in s["with"] for s in credentials)
    assert all("aws-access-key-id" not in s["with"] for s in credentials), "OIDC, no stored keys"
    assert build["outputs"]["digest"] == "${{ steps.push.outputs.digest }}"

    steps = {s.get("id"): s for s in deploy["steps"] if s.get("id")}
    upgrade = steps["upgrade"]["run"]
    for flag in ("helm upgrade --install", "--atomic", "--wait", 'image.digest="$DIGEST"'):
        assert flag in upgrade
    assert "values-eks.yaml" in upgrade
    assert "helm test" in steps["smoke"]["run"] and "/readyz" in steps["smoke"]["run"]
    (rollback,) = [s for s in deploy["steps"] if "helm rollback" in s.get("run", "")]
    assert "failure()" in rollback["if"]
