"""A circuit breaker: skip a failing dependency for a while instead of waiting on it in
every request.

Closed: calls go through. After ``threshold`` consecutive failures it opens and every
call is refused for ``cooldown`` seconds; then one caller probes (half-open) and its
result closes or re-opens the circuit. Shared by the threads of one process; each process
(gunicorn worker) has its own, so a dead dependency costs one failed call per process per
cooldown, not one per request.
https://martinfowler.com/bliki/CircuitBreaker.html

With a ``name``, the breaker logs one WARNING when it opens and one when it closes again,
so an outage reads as two lines per process rather than a traceback per request.
"""

import logging
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)


class CircuitBreaker:
    def __init__(
        self,
        *,
        threshold: int,
        cooldown: float,
        clock: Callable[[], float] = time.monotonic,
        name: str = "",
    ) -> None:
        self.threshold = max(1, threshold)
        self.cooldown = cooldown
        self.name = name
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
            was_open = self._opened_at is not None
            self._failures = 0
            self._opened_at = None
            self._probing = False
        if was_open and self.name:
            logger.warning("%s answers again; circuit closed", self.name)

    def record_failure(self, *, reason: str = "") -> None:
        with self._lock:
            was_open = self._opened_at is not None
            self._failures += 1
            self._probing = False
            if self._failures >= self.threshold:
                self._opened_at = self._clock()
            opened = not was_open and self._opened_at is not None
        if opened and self.name:
            logger.warning(
                "%s unavailable (%s); circuit open, calls skipped for %s s at a time",
                self.name,
                reason or "error",
                self.cooldown,
            )

    def reset(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._probing = False
