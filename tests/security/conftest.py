"""Fixtures for the security tests: an editor, a private and a draft post, and a live
gunicorn on loopback serving a copy of the test database.

The live server gets its own database (a PostgreSQL copy of the test database, or a
file copy of SQLite's in-memory one) so nothing it writes leaks into other tests; the
tests start it with tests.servers.app_server on a port the kernel chooses.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import PageViewRestriction

from tests import run_shared
from tests.factories import EDITOR_PASSWORD
from tests.paths import REPO
from tests.servers import database_copy


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


# What the run seeds once for every worker's live server (``tests/run_shared.py``).
SEEDED = "security-live-seeded"


def _live_env(*, database_url: str, workdir: Path, prefix: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "CACHE_KEY_PREFIX": prefix,
        "MEDIA_ROOT": str(workdir / "media"),
        "LIVE_LOG_DIR": str(workdir),
        "LIVE_EDITOR_PASSWORD": EDITOR_PASSWORD,
        "DJANGO_SECRET_KEY": "live-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "STATIC_MANIFEST": "0",
        # No frontend: the admin's preview is the CMS's own theme, same origin (with
        # FRONTEND_BASE_URL set, it would frame that unreachable frontend's preview route).
        "FRONTEND_PREVIEW_URL": "",
        "PYTHONPATH": str(REPO),
    }


@pytest.fixture(scope="session")
def live_server_env(request, django_db_setup, django_db_blocker):
    """Environment for a gunicorn or a management command on a seeded copy of the
    test database: five demo posts, one of them password-restricted, and an editor.

    The run seeds one copy (``tests/run_shared.py``), and each worker serves a copy of
    that, with a copy of its media."""
    prefix = os.environ.get("CACHE_KEY_PREFIX", "blog")

    def seeded(directory: Path) -> str:
        with django_db_blocker.unblock():
            database_url, _ = database_copy(suffix=f"live_seeded_{os.getpid()}", workdir=directory)
        run_shared.database_drop_at_end(request.config, database_url)
        env = _live_env(database_url=database_url, workdir=directory, prefix=f"{prefix}-seeding")
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", SEED_SCRIPT],
            cwd=REPO,
            env=env,
            check=True,
            capture_output=True,
        )
        return database_url

    seeded_url = run_shared.made_once(request.config, SEEDED, seeded)
    suffix = f"live_{os.getpid()}_{int(time.time() * 1000) % 1_000_000}"
    # Not pytest's tmp_path_factory: other pytest runs on this machine prune its
    # directories, and this one must outlive the whole module.
    workdir = Path(tempfile.mkdtemp(prefix="blog-security-live-"))
    # One copy at a time: PostgreSQL refuses to copy a template another copy is reading.
    with run_shared.run_lock(request.config, SEEDED) as shared:
        with django_db_blocker.unblock():
            database_url, drop = database_copy(suffix=suffix, workdir=workdir, source=seeded_url)
        shutil.copytree(shared / SEEDED / "media", workdir / "media")
    yield _live_env(database_url=database_url, workdir=workdir, prefix=f"{prefix}-{suffix}")
    drop()
    if not os.environ.get("KEEP_LIVE_LOGS"):
        shutil.rmtree(workdir, ignore_errors=True)
