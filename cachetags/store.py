"""The cache alias every tagged entry lives in, behind a circuit breaker.

It is the ``api`` alias, whose errors are not swallowed (the default alias ignores them),
so the breaker sees them: after ``API_CACHE_BREAKER_THRESHOLD`` consecutive errors (or
socket timeouts, when Redis accepts connections and never answers) the cache is skipped for
``API_CACHE_BREAKER_COOLDOWN`` seconds and callers compute from the database. The cache is
never required to answer.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import BaseCache, InvalidCacheBackendError

from serving.circuit_breaker import CircuitBreaker

logger = logging.getLogger(__name__)

CACHE_ALIAS = "api"

# Unnamed, so silent: the Redis client's own breaker (serving.redis_breaker) logs an outage
# once per process; a line per failed call here would repeat it every cooldown.
breaker = CircuitBreaker(
    threshold=getattr(settings, "API_CACHE_BREAKER_THRESHOLD", 1),
    cooldown=getattr(settings, "API_CACHE_BREAKER_COOLDOWN", 5.0),
)


class Unavailable:
    """The answer of ``store_call`` when the cache could not be asked (falsy)."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNAVAILABLE"


UNAVAILABLE = Unavailable()


def store_cache() -> BaseCache:
    """The ``api`` alias; the default cache where a configuration has no such alias."""
    try:
        return caches[CACHE_ALIAS]
    except InvalidCacheBackendError:
        return caches[DEFAULT_CACHE_ALIAS]


def store_call(operation: Callable[[], object]) -> object:
    """Run one cache operation behind the breaker; ``UNAVAILABLE`` when it cannot."""
    if not breaker.allow():
        return UNAVAILABLE
    try:
        result = operation()
    except Exception:  # any client, connection or timeout error: degrade, never break
        # Debug only: the Redis client's breaker (serving.redis_breaker) says WARNING once
        # per transition; a traceback per failed call here flooded the log in an outage.
        logger.debug("Cache unavailable; computing from the database", exc_info=True)
        breaker.record_failure()
        return UNAVAILABLE
    breaker.record_success()
    return result


def store_redis_client():
    """django-redis's client for the store, whose commands can share a pipeline; ``None``
    when the store is not Redis (the embedded default's local memory)."""
    client = getattr(store_cache(), "client", None)
    return client if hasattr(client, "get_client") else None


def store_counts_shared() -> bool:
    """Whether counters kept in the default alias (the rate limits' windows) can be counted
    through this store: both are the same Redis, under the same key prefix and version."""
    store, default = store_cache(), caches[DEFAULT_CACHE_ALIAS]
    if store_redis_client() is None:
        return False  # not django-redis: no pipeline to add them to
    return (
        getattr(default, "_server", None) == store._server
        and default.key_prefix == store.key_prefix
        and default.version == store.version
    )


def store_get_many_counting(
    *, keys: list[str], counters: dict[str, int]
) -> tuple[dict[str, object], dict[str, int]]:
    """The entries under ``keys``, and one added to each counter (made with its timeout in
    seconds when new), in one round trip: a pipeline of ``MGET``, ``INCR`` and ``EXPIRE``.

    Counters are raw integers, as django-redis stores an ``int`` (its ``incr`` reads and
    adds to the same keys). Call through ``store_call``; only where ``store_counts_shared``.
    """
    store = store_cache()
    client = store.client
    made = {client.make_key(key): key for key in keys}
    pipeline = client.get_client(write=True).pipeline(transaction=False)
    pipeline.mget(list(made))
    for key, timeout in counters.items():
        made_key = client.make_key(key)
        pipeline.incr(made_key)
        pipeline.expire(made_key, timeout)
    values, *counted = pipeline.execute()
    found = {
        key: client.decode(value)
        for key, value in zip(made.values(), values, strict=True)
        if value is not None
    }
    counts = dict(zip(counters, counted[::2], strict=True))
    return found, counts
