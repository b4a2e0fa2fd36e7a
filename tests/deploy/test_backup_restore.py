"""The restore drill: seed, back up, restore into a fresh database and media root, and the API
answers byte for byte as before. On PostgreSQL when DATABASE_URL names one, else on SQLite."""

import hashlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.servers import postgres_admin, postgres_database_drop

REPO = Path(__file__).resolve().parents[2]
POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
pytestmark = pytest.mark.slow

SNAPSHOT = """
import hashlib, json
import django
django.setup()
from django.test import Client
client = Client()
urls = ["/api/v2/pages/?limit=100", "/api/v2/images/?limit=100", "/sitemap.xml", "/feeds/rss/"]
pages = json.loads(client.get(urls[0]).content)["items"]
urls += [f"/api/v2/pages/{page['id']}/" for page in pages]
answers = {}
for url in urls:
    response = client.get(url)
    answers[url] = [response.status_code, hashlib.sha256(response.content).hexdigest()]
print(json.dumps(answers))
"""


@pytest.fixture
def sites(tmp_path):
    """Two empty sites (a database and a media root each): the source and the restore target."""
    names = [f"drill_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    envs = []
    for name in names:
        if POSTGRESQL:
            postgres_admin(sql=f"CREATE DATABASE {name}")
            url = f"postgres://postgres@127.0.0.1:5432/{name}"
        else:
            url = f"sqlite:///{tmp_path / name}.sqlite3"
        # No Redis: each site keeps its own local cache.
        dropped = {"REDIS_URL", "DATABASE_URL"}
        env = {k: v for k, v in os.environ.items() if k not in dropped}
        envs.append({**env, "DATABASE_URL": url, "MEDIA_ROOT": str(tmp_path / name / "media")})
    yield envs
    if POSTGRESQL:
        for name in names:
            postgres_database_drop(name=name)


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def _ok(*args: str, env: dict) -> str:
    result = _manage(*args, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _snapshot(env: dict) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", SNAPSHOT],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _files(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_a_backup_restores_into_a_fresh_database_and_media_root_byte_for_byte(sites, tmp_path):
    source, target = sites
    _ok("migrate", "--no-input", "-v", "0", env=source)
    _ok("seed_demo", "--posts", "6", "--seed", "3", env=source)
    before = _snapshot(source)  # renditions the API asks for exist before the backup
    backup = tmp_path / "backup"
    _ok("backup", "--to", str(backup), env=source)

    _ok("restore", "--from", str(backup), env=target)
    after = _snapshot(target)

    assert all(status == 200 for status, _ in before.values())
    assert len(before) >= 10
    assert after == before
    assert _files(Path(target["MEDIA_ROOT"])) == _files(Path(source["MEDIA_ROOT"]))
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["migrations"]["blog"].startswith("00")

    # A restore never merges into live data, and never trusts a changed file.
    refused = _manage("restore", "--from", str(backup), env=source)
    assert refused.returncode != 0
    assert "restore only into an empty one" in refused.stderr
    dump = next(p for p in backup.iterdir() if p.name.startswith("database."))
    dump.write_bytes(dump.read_bytes() + b"\0")
    tampered = _manage("restore", "--from", str(backup), env=target)
    assert tampered.returncode != 0
    assert "does not match the manifest" in tampered.stderr
