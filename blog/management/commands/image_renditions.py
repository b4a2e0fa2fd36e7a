"""``python manage.py image_renditions``: make the renditions reads found missing.

Reads never decode an original (``blog.images``); they record the image instead. Run this
from the task worker or a schedule; ``--all`` fills in every image (after a deploy that
adds a size), ``--image ID`` one.
"""

from django.core.management.base import BaseCommand, CommandError
from wagtail.images import get_image_model
from wagtail.images.models import SourceImageIOError

from blog.images import image_derivatives_generate
from blog.models import ImageRenditionRequest


class Command(BaseCommand):
    help = "Make missing image renditions and placeholders (those reads asked for, or all)."

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--all", action="store_true", help="Every image.")
        scope.add_argument("--image", type=int, metavar="ID", help="One image.")

    def handle(self, *args, all: bool = False, image: int | None = None, **options):
        images = get_image_model().objects.select_related("placeholder").order_by("pk")
        if image is not None:
            images = images.filter(pk=image)
            if not images.exists():
                raise CommandError(f"no image with id {image}")
        elif not all:
            images = images.filter(
                pk__in=ImageRenditionRequest.objects.values_list("image_id", flat=True)
            )
        made = failed = 0
        for each in images.iterator(chunk_size=50):
            try:
                made += image_derivatives_generate(image=each, notify=True)
            except (SourceImageIOError, OSError, ValueError) as error:
                failed += 1
                self.stderr.write(f"image {each.pk}: {error}")
        self.stdout.write(f"{made} renditions made, {failed} images failed")
