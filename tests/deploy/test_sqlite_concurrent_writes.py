"""The embedded default (SQLite, nothing set) under gunicorn takes concurrent publishes.

Several editors publish at the same moment through the admin, served by three gunicorn
workers on one SQLite file. SQLite's default deferred transactions fail such writes with
"database is locked" at once (an upgrade from a read lock cannot wait); WAL mode with
IMMEDIATE transactions and a busy timeout (cms/settings.py) makes them queue instead.
"""

import os
import re
import subprocess
import sys
import threading

import pytest
import requests

from loadtests.servers import ROOT, gunicorn_start

pytestmark = pytest.mark.slow

EDITORS = 6
ROUNDS = 3
PASSWORD = "correct-horse-battery-staple-42"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

SETUP = """
from django.contrib.auth import get_user_model
from blog.models import BlogPostPage
for number in range({editors}):
    get_user_model().objects.create_superuser(f"editor{{number}}", "", "{password}")
posts = BlogPostPage.objects.live().order_by("pk").values_list("pk", flat=True)
print(",".join(str(pk) for pk in posts[:{editors}]))
"""


@pytest.fixture(scope="module")
def embedded_server(tmp_path_factory):
    """gunicorn (3 workers) on a migrated, seeded SQLite file, nothing else configured."""
    workdir = tmp_path_factory.mktemp("embedded")
    env = {
        key: value
        for key, value in os.environ.items()
        # Nothing set, as a newcomer runs it; no metrics directory another test set (and
        # may have removed) in this process's environment.
        if key not in {"DATABASE_URL", "REDIS_URL", "CACHE_KEY_PREFIX", "PROMETHEUS_MULTIPROC_DIR"}
    }
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
            "MEDIA_ROOT": str(workdir / "media"),
            "DJANGO_SECURE_COOKIES": "0",
            "LOG_LEVEL": "WARNING",
        }
    )

    def manage(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=False,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    manage("migrate", "--no-input", "-v", "0")
    manage("seed_demo", "--posts", str(EDITORS), "--seed", "1")
    script = SETUP.format(editors=EDITORS, password=PASSWORD)
    post_ids = [int(pk) for pk in manage("shell", "-c", script).split()[-1].split(",")]
    server = gunicorn_start(name="embedded", env=env, log_dir=workdir, workers=3, threads=2)
    with server:
        server.wait_ready()
        yield server, post_ids, manage


def _signed_in(*, base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/admin/login/", timeout=60)
    token = TOKEN.search(page.text).group(1)
    response = session.post(
        f"{base}/admin/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        timeout=60,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[-2000:]
    return session


def test_editors_publishing_at_once_on_sqlite_all_succeed(embedded_server):
    server, post_ids, manage = embedded_server
    sessions = [_signed_in(base=server.url, username=f"editor{n}") for n in range(EDITORS)]
    start = threading.Barrier(EDITORS)
    statuses: list[int] = []
    errors: list[str] = []

    def editor(session: requests.Session, post_id: int) -> None:
        url = f"{server.url}/admin/bulk/wagtailcore/page/publish/?id={post_id}"
        try:
            token = TOKEN.search(session.get(url, timeout=60).text).group(1)
            start.wait(timeout=120)
            for _ in range(ROUNDS):
                response = session.post(
                    url,
                    data={"csrfmiddlewaretoken": token},
                    timeout=120,
                    allow_redirects=False,
                )
                statuses.append(response.status_code)
                if response.status_code != 302:
                    errors.append(response.text[-1500:])
        except Exception as error:  # reported below with every other failure
            errors.append(repr(error))

    threads = [
        threading.Thread(target=editor, args=(session, post_id))
        for session, post_id in zip(sessions, post_ids, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert errors == []
    assert statuses == [302] * (EDITORS * ROUNDS)
    # Every publish was written: one "publish" log entry per request.
    published = manage(
        "shell",
        "-c",
        "from wagtail.models import PageLogEntry; "
        "print(PageLogEntry.objects.filter(action='wagtail.publish', "
        f"page_id__in={post_ids!r}, user__username__startswith='editor').count())",
    )
    assert int(published.split()[-1]) == EDITORS * ROUNDS
    assert "database is locked" not in server.output()


def test_the_embedded_database_runs_in_wal_mode(embedded_server):
    _server, _post_ids, manage = embedded_server
    mode = manage(
        "shell",
        "-c",
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])",
    )
    assert mode.split()[-1] == "wal"
