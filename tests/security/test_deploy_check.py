"""`manage.py check --deploy --fail-level WARNING` passes with production settings, and
fails when a production safeguard is switched off (so the check really checks)."""

import os
import subprocess
import sys

from tests.paths import REPO

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "deploy-check-4f9a1c7e2b8d3a6f5e0c9b1a7d2e8f3c6b4a9d0e1f2c3b4a5",
    "DJANGO_ALLOWED_HOSTS": "cms.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://cms.example.com",
    "CORS_ALLOWED_ORIGINS": "https://www.example.com",
    "DATABASE_URL": "postgres://blog@db.internal:5432/blog",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "TRUSTED_PROXY_COUNT": "1",
}


def deploy_check(**overrides) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        # Production's own variables only; no leftovers of other tests (PROMETHEUS_*).
        if not key.startswith(
            ("DJANGO_", "DATABASE_", "REDIS_", "CSRF_", "SESSION_", "PROMETHEUS_")
        )
    }
    env.update(PRODUCTION_ENV, **overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_production_settings():
    result = deploy_check()
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_deploy_check_fails_when_a_safeguard_is_off():
    """One run with four safeguards off: each is reported and the command fails."""
    result = deploy_check(
        DJANGO_SECURE_HSTS_SECONDS="0",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_SECRET_KEY="short-key",
    )
    assert result.returncode != 0
    output = result.stderr + result.stdout
    for check_id in ("security.W004", "security.W008", "security.W012", "security.W009"):
        assert check_id in output
