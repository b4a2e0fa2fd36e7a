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


def _deploy():
    return _load(REPO_ROOT / ".github/workflows/deploy.yml")


def _step_index(job, predicate):
    matches = [i for i, step in enumerate(job["steps"]) if predicate(step)]
    assert len(matches) == 1, [job["steps"][i] for i in matches]
    return matches[0]


def test_deploy_runs_only_after_ci_passed_on_the_same_commit():
    workflow = _deploy()
    ci = _load(REPO_ROOT / ".github/workflows/ci.yml")

    assert "push" not in workflow["on"], "a push alone never deploys"
    trigger = workflow["on"]["workflow_run"]
    assert trigger["workflows"] == [ci["name"]]
    assert trigger["types"] == ["completed"] and trigger["branches"] == ["main"]
    gate = workflow["jobs"]["gate"]
    condition = " ".join(gate["if"].split())
    assert "github.event.workflow_run.conclusion == 'success'" in condition
    assert "github.event.workflow_run.event == 'push'" in condition
    # The commit CI tested is the one built, and a manual run must find CI passed on it.
    gate_script = gate["steps"][0]["run"]
    assert gate["steps"][0]["env"]["RUN_SHA"] == "${{ github.event.workflow_run.head_sha }}"
    assert "status=success" in gate_script and "exit 1" in gate_script
    for name in ("build", "staging", "production"):
        job = workflow["jobs"][name]
        assert "gate" in ([job["needs"]] if isinstance(job["needs"], str) else job["needs"])
        checkout = job["steps"][0]
        assert checkout["uses"].startswith("actions/checkout@")
        assert checkout["with"]["ref"] == "${{ needs.gate.outputs.sha }}"


def test_the_image_is_signed_keyless_with_its_sbom_and_provenance():
    build = _deploy()["jobs"]["build"]

    assert build["permissions"]["id-token"] == "write"
    push = next(s for s in build["steps"] if s.get("id") == "push")
    assert push["with"]["provenance"] == "mode=max" and push["with"]["sbom"] is True
    assert build["outputs"]["digest"] == "${{ steps.push.outputs.digest }}"
    sign = next(s for s in build["steps"] if "cosign sign" in s.get("run", ""))
    assert 'cosign sign --yes "$ref"' in sign["run"] and "--key" not in sign["run"]
    assert sign["env"]["DIGEST"] == "${{ steps.push.outputs.digest }}", "signed by digest"
    assert "cosign attest --yes --type spdxjson" in sign["run"]
    assert "cosign attest --yes --type slsaprovenance" in sign["run"]


def test_staging_is_smoke_and_load_tested_before_production_gets_the_same_digest():
    workflow = _deploy()
    staging, production = workflow["jobs"]["staging"], workflow["jobs"]["production"]

    assert "build" in staging["needs"] and "staging" in production["needs"]
    assert staging["environment"]["name"] == "staging"
    assert production["environment"]["name"] == "production"
    for job, values in ((staging, "values-staging.yaml"), (production, "values-production.yaml")):
        assert job["env"]["DIGEST"] == "${{ needs.build.outputs.digest }}"
        assert job["env"]["VALUES"] == f"charts/blog/{values}"
        credentials = [s for s in job["steps"] if "configure-aws-credentials" in s.get("uses", "")]
        assert credentials and all("role-to-assume" in s["with"] for s in credentials)
        assert all("aws-access-key-id" not in s["with"] for s in credentials), "OIDC only"
        steps = {s.get("id"): s for s in job["steps"] if s.get("id")}
        upgrade = steps["upgrade"]["run"]
        for flag in ("helm upgrade --install", "--atomic", "--wait", 'image.digest="$DIGEST"'):
            assert flag in upgrade
        assert '-f "$VALUES"' in upgrade
        assert steps["smoke"]["run"] == ".github/scripts/smoke.sh"
        # The signature is checked before the release is touched.
        verify = _step_index(job, lambda s: "cosign verify" in s.get("run", ""))
        label = _step_index(job, lambda s: "pod-readiness-gate-inject=enabled" in s.get("run", ""))
        assert verify < label < _step_index(job, lambda s: s.get("id") == "upgrade")
        (rollback,) = [s for s in job["steps"] if "helm rollback" in s.get("run", "")]
        assert "failure()" in rollback["if"]
    load = next(s for s in staging["steps"] if s.get("id") == "load")
    assert {"LOADTEST_P95_MS", "LOADTEST_P99_MS", "LOADTEST_FAIL_RATIO", "LOADTEST_MIN_RPS"} <= set(
        load["env"]
    )
    assert "locust -f loadtests/locustfile.py --headless" in load["run"]
    assert '--host "https://${PUBLIC_HOST}"' in load["run"]
    assert staging["env"]["PUBLIC_HOST"] == "${{ vars.STAGING_HOST }}"
    # A failed load test rolls staging back too: the rollback runs on any failure after it.
    staging_rollback = _step_index(staging, lambda s: "helm rollback" in s.get("run", ""))
    assert _step_index(staging, lambda s: s.get("id") == "load") < staging_rollback


def test_the_smoke_script_is_shellcheck_clean_and_checks_the_locked_edge():
    script = REPO_ROOT / ".github/scripts/smoke.sh"

    result = subprocess.run(
        [shutil.which("shellcheck"), str(script)], capture_output=True, text=True
    )

    assert result.returncode == 0, result.stdout + result.stderr
    text = script.read_text()
    assert "helm test" in text and "/api/v2/pages/" in text
    assert '"$status" != "404"' in text, "the probes are not public"
    assert "403 | 000" in text, "the ALB refuses requests without the origin header"
