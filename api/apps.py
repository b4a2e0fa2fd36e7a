from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The headless JSON API under /api/v2/."""

    name = "api"
    verbose_name = "API"
