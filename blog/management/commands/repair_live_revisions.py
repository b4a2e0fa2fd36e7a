"""``manage.py repair_live_revisions [--dry-run]``: make every live page a real publication.

Run it once after importing pages by any means other than the admin or
``save_revision().publish()`` (a script setting ``live=True``, a database restore from an
older release): until then, scheduling an update to such a page unpublishes it at once.
"""

from django.core.management.base import BaseCommand

from blog.publication import live_revisions_repair, pages_live_without_revision


class Command(BaseCommand):
    help = "Give every live page without a live revision one (and a first history entry)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the pages; change nothing."
        )

    def handle(self, *args, dry_run: bool, **options):
        pages = pages_live_without_revision()
        total = pages.count()
        if dry_run or not total:
            for page in pages.specific().iterator():
                self.stdout.write(f"  {page.pk}\t{page.url_path}\t{page.title}")
            self.stdout.write(f"{total} live pages without a live revision.")
            return
        repaired = live_revisions_repair()
        self.stdout.write(self.style.SUCCESS(f"Repaired {repaired} live pages."))
