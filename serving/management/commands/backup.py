"""``manage.py backup --to DIR``: database and local media, with a manifest (serving/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from serving.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and local media into a new directory."

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, type=Path, help="A new or empty directory.")

    def handle(self, *args, to: Path, **options):
        try:
            manifest = backup_create(directory=to)
        except BackupError as error:
            raise CommandError(str(error)) from error
        for name in manifest.files:
            self.stdout.write(f"{to / name}")
        self.stdout.write(f"backup of {manifest.vendor} at {manifest.created_at}: {to}")
