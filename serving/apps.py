import logging

from django.apps import AppConfig


class ServingConfig(AppConfig):
    """How every request is served: request id, logs, probes, metrics, tracing, security.

    It sits below ``blog`` and ``api``, which may import it; it imports neither, and
    nothing here imports the ``cms`` project shell (settings, urls, wsgi, gunicorn).

    The label stays ``cms``, the app these modules were first written in: the
    ``cms_blockednetwork`` table, its migration history, its content type and the
    permissions editors were granted on it (and the admin URLs that name it) all key on
    the label, so keeping it moves the code without a data migration.
    https://docs.djangoproject.com/en/5.2/ref/applications/#django.apps.AppConfig.label
    """

    name = "serving"
    label = "cms"
    verbose_name = "Serving"

    def ready(self):
        # Python warnings become log records, so they are JSON lines like everything else.
        # https://docs.python.org/3/library/logging.html#logging.captureWarnings
        logging.captureWarnings(True)

        # Statement and lock limits on each new PostgreSQL session (serving/database_session.py).
        # https://docs.djangoproject.com/en/5.2/ref/signals/#connection-created
        from django.db.backends.signals import connection_created

        from serving.database_session import connection_created_receiver

        connection_created.connect(
            connection_created_receiver, dispatch_uid="serving.database_session.limits"
        )

        # https://docs.wagtail.org/en/7.4/reference/signals.html#page-published
        from django.core.signals import request_finished
        from wagtail.signals import page_published

        from serving.metrics import page_published_receiver
        from serving.request_id import request_context_clear

        request_finished.connect(request_context_clear, dispatch_uid="serving.request_id.clear")
        page_published.connect(
            page_published_receiver, dispatch_uid="serving.metrics.page_published"
        )

        # Pillow refuses what the upload form refuses, wherever an image is opened
        # (renditions included): one frame over the limit warns, over twice it raises.
        # https://pillow.readthedocs.io/en/stable/reference/Image.html#PIL.Image.MAX_IMAGE_PIXELS
        from django.conf import settings
        from PIL import Image

        Image.MAX_IMAGE_PIXELS = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS

        # Wire the blocklist's cache invalidation to BlockedNetwork saves and deletes.
        from serving import ip_blocklist  # noqa: F401
