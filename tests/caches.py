"""Emptying the caches between tests without touching anyone else's keys.

django-redis's ``cache.clear()`` is FLUSHDB: it would also empty the keys of every other
test process (pytest-xdist workers, live servers) sharing the Redis database. Each
process has its own CACHE_KEY_PREFIX, so deleting by prefix empties only its own.
"""

from django.conf import settings
from django.core.cache import caches


def cache_empty(*, alias: str = "default") -> None:
    """Delete every key of ``alias`` under this process's prefix (locmem: all of them)."""
    cache = caches[alias]
    client = getattr(cache, "client", None)
    if client is None or not hasattr(client, "get_client"):
        cache.clear()  # per-process memory: nothing is shared
        return
    redis = client.get_client(write=True)
    pattern = _glob_escape(cache.key_prefix) + ":*"
    keys = list(redis.scan_iter(match=pattern, count=1000))
    for start in range(0, len(keys), 500):
        redis.unlink(*keys[start : start + 500])


def caches_empty() -> None:
    """Every alias: the API response cache and the per-process renditions cache too, so
    no test sees another's entries (ids repeat across tests), and the process's own copies
    of derived values and responses (``cachetags.memo.local_memos``,
    ``api.caching.local_responses``): a test's database starts again where the last one
    started, so a response kept from another test could pass for current."""
    from api.caching import local_responses
    from cachetags.memo import local_memos

    redis_flush()
    local_memos.clear()
    local_responses.clear()


def redis_flush() -> None:
    """Every alias emptied, as a Redis ``FLUSHDB`` or restart would, leaving what the
    process keeps in its own memory."""
    for alias in settings.CACHES:
        cache_empty(alias=alias)


def _glob_escape(text: str) -> str:
    return "".join(f"[{char}]" if char in "*?[]\\" else char for char in text)


def uncached_content(client, settings, url: str) -> bytes:
    """``url`` rendered from the database alone: no stored response, listing item or kept
    value is read or written (``settings`` is pytest-django's fixture)."""
    enabled, settings.API_CACHE_ENABLED = settings.API_CACHE_ENABLED, False
    try:
        return client.get(url).content
    finally:
        settings.API_CACHE_ENABLED = enabled


def epoch_prime(*, value: str) -> None:
    """The change epoch in Redis, as a change would have written it (``cachetags.epoch``)."""
    from cachetags.store import store_cache
    from cachetags.tokens import EPOCH_KEY

    store_cache().set(EPOCH_KEY, value, timeout=None)
