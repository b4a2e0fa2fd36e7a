from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The headless JSON API under /api/v2/."""

    name = "api"
    verbose_name = "API"

    def ready(self):
        # Cache invalidation and CDN purge follow content changes (api/invalidation.py).
        from api.invalidation import signal_receivers_connect

        signal_receivers_connect()
