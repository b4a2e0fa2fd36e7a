import logging

from django.apps import AppConfig


class CmsConfig(AppConfig):
    """Project-wide web concerns: settings, bootstrap commands, health and telemetry."""

    name = "cms"
    verbose_name = "CMS"

    def ready(self):
        # Python warnings become log records, so they are JSON lines like everything else.
        # https://docs.python.org/3/library/logging.html#logging.captureWarnings
        logging.captureWarnings(True)

        # https://docs.wagtail.org/en/7.4/reference/signals.html#page-published
        from django.core.signals import request_finished
        from wagtail.signals import page_published

        from cms.metrics import page_published_receiver
        from cms.request_id import request_context_clear

        request_finished.connect(request_context_clear, dispatch_uid="cms.request_id.clear")
        page_published.connect(page_published_receiver, dispatch_uid="cms.metrics.page_published")
