"""Create (or report) the local admin user and print its login.

The password comes from ``ADMIN_PASSWORD``; without it one is generated, kept in
``.local/admin-password`` (git-ignored) so later runs can print it again, and never
overwritten once an editor has changed it.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

PASSWORD_FILE = Path(settings.BASE_DIR) / ".local" / "admin-password"


class Command(BaseCommand):
    help = "Create the admin user if missing and print the admin login."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("ADMIN_USERNAME", "admin"))
        parser.add_argument("--email", default=os.environ.get("ADMIN_EMAIL", "admin@example.com"))

    def handle(self, *args, username: str, email: str, **options):
        password = os.environ.get("ADMIN_PASSWORD") or self._stored_password()
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        if user is None:
            password = password or secrets.token_urlsafe(12)
            user_model.objects.create_superuser(username=username, email=email, password=password)
            self._store_password(password)
        elif os.environ.get("ADMIN_PASSWORD"):
            user.set_password(password)
            user.save(update_fields=["password"])
        elif not (password and user.check_password(password)):
            password = None  # changed by its owner since: never print or reset it

        base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        self.stdout.write(self.style.SUCCESS(f"Admin: {base_url}/admin/"))
        self.stdout.write(f"  username: {username}")
        self.stdout.write(
            f"  password: {password}"
            if password
            else "  password: (unchanged; set ADMIN_PASSWORD to reset it)"
        )

    def _stored_password(self) -> str | None:
        return PASSWORD_FILE.read_text().strip() if PASSWORD_FILE.exists() else None

    def _store_password(self, password: str) -> None:
        if os.environ.get("ADMIN_PASSWORD"):
            return
        PASSWORD_FILE.parent.mkdir(exist_ok=True)
        PASSWORD_FILE.write_text(password + "\n")
        PASSWORD_FILE.chmod(0o600)
