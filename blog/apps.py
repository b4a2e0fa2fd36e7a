from django.apps import AppConfig
from django.conf import settings


class BlogConfig(AppConfig):
    """The content model: pages, blocks, snippets, tags and their editorial behaviour."""

    name = "blog"
    verbose_name = "Blog"

    def ready(self):
        # Renditions and the placeholder are made when an image is saved (blog/images.py).
        from django.db.models.signals import post_save
        from wagtail.images import get_image_model

        from blog.images import avif_speed_install, image_saved

        avif_speed_install(speed=settings.IMAGE_AVIF_SPEED)

        post_save.connect(image_saved, sender=get_image_model(), dispatch_uid="blog.image_saved")
