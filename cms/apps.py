from django.apps import AppConfig


class CmsConfig(AppConfig):
    """Project-wide web concerns: settings, bootstrap commands, health and telemetry."""

    name = "cms"
    verbose_name = "CMS"

    def ready(self):
        # Wire the blocklist's cache invalidation to BlockedNetwork saves and deletes.
        from cms import ip_blocklist  # noqa: F401
