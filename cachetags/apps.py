from django.apps import AppConfig


class CacheTagsConfig(AppConfig):
    """Cache tags, their tokens, and the change epoch that outlives a Redis flush."""

    name = "cachetags"
    verbose_name = "Cache tags"
