"""``manage.py seed_demo --posts N [--seed S]``: a realistic, deterministic demo blog."""

from django.core.management.base import BaseCommand, CommandError

from blog.demo_content import seed_demo


class Command(BaseCommand):
    help = "Create the demo blog (site, authors, categories, tags, images, posts). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--posts", type=int, default=50, help="Posts to have (default 50).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")

    def handle(self, *args, posts: int, seed: int, **options):
        if not 0 <= posts <= 1_000_000:
            raise CommandError("--posts must be between 0 and 1,000,000.")
        result = seed_demo(
            posts=posts,
            seed=seed,
            progress=lambda n: self.stdout.write(f"  {n} posts created…"),
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready: {result.posts_created} posts created, "
                f"{result.posts_total} in '{result.index.title}'."
            )
        )
