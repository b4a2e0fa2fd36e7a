"""Fixtures for the security tests: an editor, a private and a draft post, and a live
gunicorn on loopback serving a copy of the test database.

The live server gets its own database (a PostgreSQL copy of the test database, or a
file copy of SQLite's in-memory one) so nothing it writes leaks into other tests, and
it binds a free port in this area's range (8600-8699) on 127.0.0.1.
"""

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from wagtail.models import PageViewRestriction

REPO = Path(__file__).resolve().parents[2]
PORT_RANGE = range(8600, 8700)
EDITOR_PASSWORD = "correct-horse-battery-staple-42"


def free_port() -> int:
    """A free TCP port on 127.0.0.1 within this area's range."""
    for port in PORT_RANGE:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8600-8699")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Sign-in tests hash many passwords; the production hasher (PBKDF2, deliberately
    slow) is not what they test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser(
        "editor", "editor@example.com", EDITOR_PASSWORD
    )


@pytest.fixture
def private_post(make_post):
    """A live post behind a password restriction: the API must never show it."""
    post = make_post(title="Private roadmap")
    PageViewRestriction.objects.create(
        page=post, restriction_type=PageViewRestriction.PASSWORD, password="s3cret-pass"
    )
    return post


@pytest.fixture
def draft_post(make_post):
    """A never-published post: the API must never show it."""
    return make_post(title="Unannounced draft", live=False)


SEED_SCRIPT = """
import os
from django.core.management import call_command
from django.contrib.auth import get_user_model
from wagtail.models import PageViewRestriction
from blog.models import BlogPostPage
call_command("seed_demo", posts=5, seed=3, verbosity=0)
user_model = get_user_model()
if not user_model.objects.filter(username="editor").exists():
    user_model.objects.create_superuser(
        "editor", "editor@example.com", os.environ["LIVE_EDITOR_PASSWORD"]
    )
private = BlogPostPage.objects.live().order_by("pk").first()
private.title = "Private roadmap"
private.save_revision().publish()
PageViewRestriction.objects.get_or_create(
    page=private, restriction_type=PageViewRestriction.PASSWORD, password="s3cret-pass"
)
"""


def _copy_database(*, django_db_blocker, suffix: str, workdir: Path) -> tuple[str, callable]:
    """Copy the (empty, migrated) test database for a live server; return its URL and a
    function that drops it."""
    db_settings = connection.settings_dict
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            name = f"{db_settings['NAME']}_{suffix}"
            connection.close()
            admin_url = os.environ["DATABASE_URL"]
            base = admin_url.rsplit("/", 1)[0]
            psql = ["psql", f"{base}/postgres", "-qc"]
            subprocess.run([*psql, f'DROP DATABASE IF EXISTS "{name}"'], check=True)
            subprocess.run(
                [*psql, f'CREATE DATABASE "{name}" TEMPLATE "{db_settings["NAME"]}"'], check=True
            )

            def drop():
                subprocess.run([*psql, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])

            return f"{base}/{name}", drop
        # SQLite: the test database lives in memory; back it up into a file.
        target = workdir / f"{suffix}.sqlite3"
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        connection.connection.backup(destination)
        destination.close()
        return f"sqlite:///{target}", lambda: target.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def live_server_env(django_db_setup, django_db_blocker):
    """Environment for a gunicorn or a management command on a seeded copy of the
    test database: five demo posts, one of them password-restricted, and an editor."""
    suffix = f"live_{os.getpid()}_{int(time.time() * 1000) % 1_000_000}"
    # Not pytest's tmp_path_factory: other pytest runs on this machine prune its
    # directories, and this one must outlive the whole module.
    workdir = Path(tempfile.mkdtemp(prefix="blog-security-live-"))
    database_url, drop = _copy_database(
        django_db_blocker=django_db_blocker, suffix=suffix, workdir=workdir
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CACHE_KEY_PREFIX": f"{os.environ.get('CACHE_KEY_PREFIX', 'blog')}-{suffix}",
        "MEDIA_ROOT": str(workdir / "media"),
        "LIVE_LOG_DIR": str(workdir),
        "LIVE_EDITOR_PASSWORD": EDITOR_PASSWORD,
        "DJANGO_SECRET_KEY": "live-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "STATIC_MANIFEST": "0",
        "PYTHONPATH": str(REPO),
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run(
        [*manage, "shell", "-c", SEED_SCRIPT], cwd=REPO, env=env, check=True, capture_output=True
    )
    yield env
    drop()
    if not os.environ.get("KEEP_LIVE_LOGS"):
        shutil.rmtree(workdir, ignore_errors=True)


def gunicorn_start(*, env: dict, port: int, extra_env: dict | None = None) -> subprocess.Popen:
    """Start gunicorn (the project's own config) on 127.0.0.1:port and wait until it
    answers. Its log goes to a file (a pipe nobody reads would fill up and stall it)."""
    log_path = Path(env["LIVE_LOG_DIR"]) / f"gunicorn-{port}.log"
    metrics_dir = Path(env["LIVE_LOG_DIR"]) / f"prometheus-{port}"
    metrics_dir.mkdir(exist_ok=True)
    log = log_path.open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "cms/gunicorn.conf.py",
            "cms.wsgi:application",
        ],
        cwd=REPO,
        env={
            **env,
            "PORT": str(port),
            "GUNICORN_BIND_HOST": "127.0.0.1",
            "GUNICORN_WORKERS": "1",
            "GUNICORN_THREADS": "4",
            # No metrics exporter (its port is shared by every server on this machine).
            "METRICS_PORT": "0",
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
            **(extra_env or {}),
        },
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log_path.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/pages/", timeout=5)
            return process
        except urllib.error.HTTPError:
            return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("gunicorn did not answer within 60 s")


def gunicorn_stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
