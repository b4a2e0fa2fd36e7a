from django.apps import AppConfig


class CmsConfig(AppConfig):
    """Project-wide web concerns: settings, bootstrap commands, health and telemetry."""

    name = "cms"
    verbose_name = "CMS"
