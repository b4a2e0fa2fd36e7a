"""Webhook endpoints for automation (SREs, the chart, tests):

    manage.py webhook_endpoint add --url URL [--events e1,e2] [--description TEXT]
    manage.py webhook_endpoint list
    manage.py webhook_endpoint remove ID

``add`` prints the endpoint's signing secret (``whsec_…``) once, alone on the last line, so
a script can take it with ``tail -n 1``; it is never shown again. A bad URL (not http(s),
private, link-local or metadata, the CMS itself) or an unknown event fails with a message.
"""

from django.core.management.base import BaseCommand, CommandError

from propagation.models import WebhookEndpoint
from propagation.url_guard import WebhookUrlRefused, webhook_url_check
from propagation.vocabulary import event_types_parse


class Command(BaseCommand):
    help = "Add, list or remove webhook endpoints."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Create an endpoint; prints its secret once.")
        add.add_argument("--url", required=True)
        add.add_argument("--events", default="", help="Comma-separated; default: every event.")
        add.add_argument("--description", default="")
        actions.add_parser("list", help="Endpoints, their events and state (no secrets).")
        remove = actions.add_parser("remove", help="Delete an endpoint and its delivery log.")
        remove.add_argument("id", type=int)

    def handle(self, *args, action: str, **options):
        if action == "add":
            return self.add(
                url=options["url"], events=options["events"], text=options["description"]
            )
        if action == "list":
            return self.list()
        return self.remove(pk=options["id"])

    def add(self, *, url: str, events: str, text: str) -> None:
        try:
            webhook_url_check(url=url)
            names = event_types_parse(raw=events)
        except (WebhookUrlRefused, ValueError) as error:
            raise CommandError(str(error)) from None
        endpoint = WebhookEndpoint.objects.create(url=url.strip(), events=names, description=text)
        self.stdout.write(
            f"Created webhook endpoint {endpoint.pk} for {endpoint.url} ({endpoint.event_names})."
        )
        self.stdout.write("Signing secret (shown once; store it in the receiver's configuration):")
        self.stdout.write(endpoint.secret)

    def list(self) -> None:
        for endpoint in WebhookEndpoint.objects.all():
            state = (
                "enabled"
                if endpoint.enabled
                else f"DISABLED ({endpoint.disabled_reason or 'by an admin'})"
            )
            self.stdout.write(f"{endpoint.pk}\t{endpoint.url}\t{endpoint.event_names}\t{state}")

    def remove(self, *, pk: int) -> None:
        deleted, _ = WebhookEndpoint.objects.filter(pk=pk).delete()
        if not deleted:
            raise CommandError(f"no webhook endpoint with id {pk}")
        self.stdout.write(f"Removed webhook endpoint {pk}.")
