"""``manage.py restore --from DIR``: into an empty database and media root (serving/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from serving.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup into an empty database and an empty media root."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, type=Path)

    def handle(self, *args, source: Path, **options):
        try:
            manifest = backup_restore(directory=source)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"restored the {manifest.vendor} backup of {manifest.created_at}")
