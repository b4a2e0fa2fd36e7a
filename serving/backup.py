"""Backups a restore drill can prove: the database and the media, with a manifest.

``manage.py backup --to DIR`` writes:

- ``database.dump``: ``pg_dump --format=custom`` (PostgreSQL), or ``database.sqlite3`` through
  SQLite's online backup API (the embedded default; safe while the site writes);
- ``media.tar.gz``: the local media root (with S3 media there is none: the bucket is
  versioned, and the DR runbook restores it in place, docs/operations.md);
- ``manifest.json``: when, which database vendor, the latest migration of every app, and a
  SHA-256 of each file, checked before anything is restored.

``manage.py restore --from DIR`` loads it into an empty database and an empty media root, and
refuses anything else: a restore never merges into live data.
"""

import hashlib
import json
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA_ARCHIVE = "media.tar.gz"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


@dataclass(frozen=True, kw_only=True)
class BackupManifest:
    created_at: str
    vendor: str
    migrations: dict[str, str]
    files: dict[str, str]  # name -> sha256


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _libpq_environment() -> dict[str, str]:
    """pg_dump/pg_restore read the connection from libpq's variables (never the command line,
    where a password would show in the process list)."""
    database = settings.DATABASES["default"]
    values = {
        "PGHOST": database.get("HOST") or "",
        "PGPORT": str(database.get("PORT") or ""),
        "PGUSER": database.get("USER") or "",
        "PGPASSWORD": database.get("PASSWORD") or "",
        "PGDATABASE": database["NAME"],
    }
    return {"PATH": "/usr/bin:/bin:/usr/local/bin", **{k: v for k, v in values.items() if v}}


def _run(argv: list[str]) -> None:
    result = subprocess.run(  # noqa: S603 (fixed argument list, no shell)
        argv, env=_libpq_environment(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{argv[0]} failed: {result.stderr.strip()[-2000:]}")


def _media_root() -> Path | None:
    return None if getattr(settings, "AWS_STORAGE_BUCKET_NAME", "") else Path(settings.MEDIA_ROOT)


def backup_create(*, directory: Path) -> BackupManifest:
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty; back up into a new directory")
    vendor = connection.vendor
    if vendor == "postgresql":
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={directory / PG_DUMP}",
            ]
        )
    elif vendor == "sqlite":
        target = sqlite3.connect(directory / SQLITE_COPY)
        with target:
            connection.ensure_connection()
            connection.connection.backup(target)
        target.close()
    else:
        raise BackupError(f"no backup method for {vendor}")
    media = _media_root()
    if media is not None and media.exists():
        with tarfile.open(directory / MEDIA_ARCHIVE, "w:gz") as archive:
            archive.add(media, arcname=".")
    # The last applied migration of each app: what a restore brings back.
    migrations = dict(
        MigrationRecorder(connection)
        .migration_qs.order_by("applied", "id")
        .values_list("app", "name")
    )
    manifest = BackupManifest(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        vendor=vendor,
        migrations=migrations,
        files={p.name: _sha256(p) for p in sorted(directory.iterdir())},
    )
    (directory / MANIFEST).write_text(json.dumps(manifest.__dict__, indent=2) + "\n")
    return manifest


def _manifest_verify(directory: Path) -> BackupManifest:
    try:
        manifest = BackupManifest(**json.loads((directory / MANIFEST).read_text()))
    except (OSError, ValueError, TypeError) as error:
        raise BackupError(f"{directory / MANIFEST} is missing or unreadable: {error}") from error
    for name, digest in manifest.files.items():
        path = directory / name
        if not path.exists() or _sha256(path) != digest:
            raise BackupError(f"{name} does not match the manifest: refusing to restore")
    return manifest


def _database_empty() -> bool:
    return not connection.introspection.table_names()


def backup_restore(*, directory: Path) -> BackupManifest:
    manifest = _manifest_verify(directory)
    if manifest.vendor != connection.vendor:
        raise BackupError(f"a {manifest.vendor} backup cannot restore into {connection.vendor}")
    if not _database_empty():
        raise BackupError("the target database has tables: restore only into an empty one")
    media = _media_root()
    if media is not None and media.exists() and any(media.iterdir()):
        raise BackupError(f"the media root {media} is not empty: restore only into an empty one")
    if connection.vendor == "postgresql":
        connection.close()
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={settings.DATABASES['default']['NAME']}",
                str(directory / PG_DUMP),
            ]
        )
    else:
        connection.close()
        source = sqlite3.connect(directory / SQLITE_COPY)
        target = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        with target:
            source.backup(target)
        source.close()
        target.close()
    if media is not None and (directory / MEDIA_ARCHIVE).exists():
        media.mkdir(parents=True, exist_ok=True)
        with tarfile.open(directory / MEDIA_ARCHIVE, "r:gz") as archive:
            archive.extractall(media, filter="data")  # no absolute paths, links or devices
    elif media is None and (directory / MEDIA_ARCHIVE).exists():
        raise BackupError("the backup holds local media but the site stores media in S3")
    return manifest
