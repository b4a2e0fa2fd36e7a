"""The cache alias every tagged entry lives in, behind a circuit breaker.

It is the ``api`` alias, whose errors are not swallowed (the default alias ignores them),
so the breaker sees them: after ``API_CACHE_BREAKER_THRESHOLD`` consecutive errors (or
socket timeouts, when Redis accepts connections and never answers) the cache is skipped for
``API_CACHE_BREAKER_COOLDOWN`` seconds and callers compute from the database. The cache is
never required to answer.
"""

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import BaseCache, InvalidCacheBackendError

logger = logging.getLogger(__name__)

CACHE_ALIAS = "api"


class CircuitBreaker:
    """Skips a failing dependency for a while instead of waiting on it in every request.

    Closed: calls go through. After ``threshold`` consecutive failures it opens and every
    call is refused for ``cooldown`` seconds; then one caller probes (half-open) and its
    result closes or re-opens the circuit. Shared by the threads of one process.
    https://martinfowler.com/bliki/CircuitBreaker.html
    """

    def __init__(
        self,
        *,
        threshold: int,
        cooldown: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold = max(1, threshold)
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def is_open(self) -> bool:
        return self._opened_at is not None

    def allow(self) -> bool:
        with self._lock:
            if self._opened_at is None:
                return True
            if self._probing or self._clock() - self._opened_at < self.cooldown:
                return False
            self._probing = True
            return True

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._probing = False

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            self._probing = False
            if self._failures >= self.threshold:
                self._opened_at = self._clock()

    def reset(self) -> None:
        self.record_success()


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
        logger.warning("Cache unavailable; computing from the database", exc_info=True)
        breaker.record_failure()
        return UNAVAILABLE
    breaker.record_success()
    return result
