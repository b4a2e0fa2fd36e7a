"""``python manage.py api_key create --name NAME`` / ``revoke NAME`` / ``list``.

``create`` prints the new key once, on its last line (scripts read it with ``tail -1``);
only its hash is stored, so it cannot be shown again.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from api.keys import api_key_create, api_key_revoke
from api.models import ApiKey


class Command(BaseCommand):
    help = "Create, revoke or list API keys (X-API-Key) for trusted servers."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Make a key; prints it once (last line).")
        create.add_argument("--name", required=True, help="Who uses it.")
        revoke = actions.add_parser("revoke", help="Refuse the named key from now on.")
        revoke.add_argument("name")
        actions.add_parser("list", help="Names, prefixes and states (never the keys).")

    def handle(self, *args, action: str, **options):
        if action == "create":
            name = options["name"].strip()
            if not name or len(name) > 100:
                raise CommandError("--name must be 1 to 100 characters")
            try:
                _, key = api_key_create(name=name)
            except IntegrityError as error:
                raise CommandError(f"a key named {name!r} exists already") from error
            self.stdout.write(f"Created API key {name!r}. It is shown only now:")
            self.stdout.write(key)
        elif action == "revoke":
            if not api_key_revoke(name=options["name"]):
                raise CommandError(f"no active key named {options['name']!r}")
            self.stdout.write(f"Revoked API key {options['name']!r}.")
        else:
            for api_key in ApiKey.objects.order_by("name"):
                state = "revoked" if api_key.revoked else "active"
                self.stdout.write(f"{api_key.name}\t{api_key.prefix}…\t{state}")
