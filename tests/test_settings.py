"""Configuration by environment: production refuses to start without its secrets, the
database and cache are chosen by URL, and a Redis outage never breaks a request."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.test import override_settings

from loadtests.servers import port_free

ROOT = Path(__file__).resolve().parent.parent


def _settings_in_subprocess(env: dict, expression: str) -> subprocess.CompletedProcess:
    """Import cms.settings in a fresh interpreter with exactly ``env`` and print ``expression``."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "AWS_"))
    }
    clean.update(env)
    code = f"import cms.settings as s; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "cms.example.com"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "x" * 50}, "DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_and_names_the_missing_variable(env, missing):
    result = _settings_in_subprocess(env, "s.DEBUG")
    assert result.returncode != 0
    assert f"{missing} must be set when DJANGO_DEBUG is off" in result.stderr


def test_debug_runs_on_the_embedded_default():
    result = _settings_in_subprocess(
        {"DJANGO_DEBUG": "1"},
        "s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], "
        "s.STORAGES['default']['BACKEND']",
    )
    assert result.returncode == 0, result.stderr
    assert "sqlite3" in result.stdout
    assert "LocMemCache" in result.stdout
    assert "FileSystemStorage" in result.stdout


def test_database_url_selects_postgresql_with_persistent_checked_connections():
    result = _settings_in_subprocess(
        {
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": "postgres://u:p@db.internal:5432/blog",
            "DATABASE_STATEMENT_TIMEOUT_MS": "1500",
        },
        "s.DATABASES['default'], s.DATABASE_STATEMENT_TIMEOUT_MS",
    )
    assert result.returncode == 0, result.stderr
    for expected in [
        # django-prometheus's drop-in wrapper of Django's backend (query metrics).
        "'ENGINE': 'django_prometheus.db.backends.postgresql'",
        "'HOST': 'db.internal'",
        "'CONN_MAX_AGE': 60",
        "'CONN_HEALTH_CHECKS': True",
        " 1500",
    ]:
        assert expected in result.stdout
    # Applied after connect (serving/database_session.py), never as a startup option a
    # pooler refuses.
    assert "options" not in result.stdout


def test_redis_url_and_bucket_select_redis_cache_and_s3_media():
    result = _settings_in_subprocess(
        {
            "DJANGO_DEBUG": "1",
            "REDIS_URL": "redis://cache.internal:6379/2",
            "AWS_STORAGE_BUCKET_NAME": "media-bucket",
            "AWS_S3_CUSTOM_DOMAIN": "media.example.com",
        },
        "s.CACHES['default']['BACKEND'], s.CACHES['default']['OPTIONS']['IGNORE_EXCEPTIONS'], "
        "s.STORAGES['default']['BACKEND'], s.AWS_S3_CUSTOM_DOMAIN",
    )
    assert result.returncode == 0, result.stderr
    # django-prometheus's subclass of django-redis's backend (hit/miss metrics).
    assert result.stdout.strip() == (
        "django_prometheus.cache.backends.redis.RedisCache True "
        "storages.backends.s3.S3Storage media.example.com"
    )


def test_redis_outage_degrades_the_cache_and_pages_still_serve(client, make_post):
    post = make_post(title="Served without Redis")
    unreachable = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port_free()}/0",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 0.2,
                "SOCKET_TIMEOUT": 0.2,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    # override_settings rebuilds the cache handler (Django's setting_changed receiver).
    with override_settings(CACHES=unreachable):
        cache = caches["default"]
        cache.set("key", "value")  # swallowed by django-redis, not raised
        assert cache.get("key") is None
        response = client.get(post.url)
        assert response.status_code == 200
        assert b"Served without Redis" in response.content
        api = client.get("/api/v2/pages/?type=blog.BlogPostPage&fields=title")
        assert api.status_code == 200
        assert [item["title"] for item in api.json()["items"]] == ["Served without Redis"]
