"""Every Redis command behind one circuit breaker per Redis server, per process.

Everything that talks to Redis goes through django-redis (the default cache alias with
Wagtail's site-root lookup, the rate-limit counters, the IP blocklist, django-axes'
lockout counters; the API response cache's own alias), and django-redis builds its
clients from ``OPTIONS["REDIS_CLIENT_CLASS"]``. Settings name ``BreakerRedis`` there for
every alias, so one breaker guards every use of a server:

- Redis refuses connections: each command fails at once; the first failure opens the
  circuit and one WARNING says so.
- Redis hangs (accepts, never answers): the first command waits one socket timeout
  (``REDIS_SOCKET_TIMEOUT``), opens the circuit, and the process stops calling Redis.
  Without the breaker every request paid that timeout, several times over.
- While open, commands raise ``redis.ConnectionError`` without touching the network;
  django-redis turns that into a miss (the default alias ignores errors) or an exception
  the response cache's own breaker handles (the ``api`` alias). Every ``REDIS_BREAKER_COOLDOWN``
  seconds one command probes; a success closes the circuit with one more WARNING.

Only connection failures count: an error answer from Redis (``ResponseError``) proves
the server is there.
https://redis.readthedocs.io/en/stable/connections.html
https://github.com/jazzband/django-redis#pluggable-redis-client
"""

import threading
from collections.abc import Callable
from typing import Any

import redis
from django.conf import settings
from redis.client import Pipeline

from serving.circuit_breaker import CircuitBreaker

# What a dead or hung server raises; anything else is an answer.
CONNECTION_FAILURES = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)

_breakers: dict[tuple, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def redis_breaker_for(*, pool: redis.ConnectionPool) -> CircuitBreaker:
    """The breaker of the server ``pool`` connects to (one per host and port, or socket)."""
    kwargs = pool.connection_kwargs
    server = (kwargs.get("host"), kwargs.get("port"), kwargs.get("path"))
    breaker = _breakers.get(server)
    if breaker is None:
        with _breakers_lock:
            breaker = _breakers.get(server)
            if breaker is None:
                where = kwargs.get("path") or f"{kwargs.get('host')}:{kwargs.get('port')}"
                breaker = _breakers[server] = CircuitBreaker(
                    threshold=settings.REDIS_BREAKER_THRESHOLD,
                    cooldown=settings.REDIS_BREAKER_COOLDOWN,
                    name=f"Redis at {where}",
                )
    return breaker


def redis_breakers_reset() -> None:
    """Close every breaker of this process (tests start from a reachable Redis)."""
    with _breakers_lock:
        for breaker in _breakers.values():
            breaker.reset()


def redis_call_guarded(*, breaker: CircuitBreaker, call: Callable[[], Any]) -> Any:
    """Run ``call`` unless the circuit is open; count connection failures and successes."""
    if not breaker.allow():
        raise redis.exceptions.ConnectionError(f"{breaker.name}: circuit open, not called")
    try:
        result = call()
    except CONNECTION_FAILURES as error:
        breaker.record_failure(reason=type(error).__name__)
        raise
    except redis.exceptions.RedisError:
        breaker.record_success()  # the server answered, with an error
        raise
    breaker.record_success()
    return result


class BreakerPipeline(Pipeline):
    """A pipeline (``set_many``) sends everything in ``execute``: guard that."""

    def execute(self, raise_on_error: bool = True):
        if not self.command_stack:
            return super().execute(raise_on_error)
        return redis_call_guarded(
            breaker=redis_breaker_for(pool=self.connection_pool),
            call=lambda: super(BreakerPipeline, self).execute(raise_on_error),
        )


class BreakerRedis(redis.Redis):
    """``REDIS_CLIENT_CLASS`` for django-redis: redis-py's client behind the breaker."""

    def execute_command(self, *args, **options):
        return redis_call_guarded(
            breaker=redis_breaker_for(pool=self.connection_pool),
            call=lambda: super(BreakerRedis, self).execute_command(*args, **options),
        )

    def pipeline(self, transaction: bool = True, shard_hint: Any = None) -> Pipeline:
        return BreakerPipeline(
            self.connection_pool, self.response_callbacks, transaction, shard_hint
        )
