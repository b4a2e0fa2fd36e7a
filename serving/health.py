"""Kubernetes probes: ``/healthz`` (liveness) and ``/readyz`` (readiness).

Answered by a middleware placed right after the request id, before host validation,
the HTTPS redirect, the IP blocklist, rate limits and request metrics: the kubelet calls
the pod by IP over plain HTTP, and a probe must not be refused by rules meant for
clients, nor count as traffic. gunicorn's access log leaves successful probes out.

- Liveness says only that the process answers. It touches nothing external, so a
  database outage never makes Kubernetes restart every pod.
- Readiness checks the database with a short timeout (503 when it is unreachable: the
  pod cannot serve) and reports the cache, which never fails readiness: the site serves
  from the database without it, and a Redis outage must not take every pod out of the
  load balancer at once.

https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
"""

import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeoutError
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import Error as DatabaseDriverError
from django.db import connection
from django.http import JsonResponse

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"
STATUS_OK = "ok"
STATUS_FAIL = "fail"


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One named check in the readiness body."""

    status: str
    critical: bool
    duration_ms: float
    error: str | None = None


def database_ping() -> None:
    """Run ``SELECT 1`` on this thread's connection, which is kept between checks.

    Probes come every few seconds from the kubelet and the ALB: a new PostgreSQL connection
    each time costs a backend fork and, through a pooler, a slot. The readiness thread keeps
    one connection; a connection that broke (a failover, a restart) is closed and the check
    tried once more on a new one, so readiness reports the database, not a stale socket.
    """
    for attempt in (1, 2):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
            return
        except DatabaseDriverError:  # InterfaceError too: a socket closed under us
            connection.close()
            if attempt == 2:
                raise


# The database check runs on its own thread so that a database that does not answer
# (a blackholed address, a stuck failover) costs the probe ``timeout`` seconds, not the
# driver's connect or TCP timeout. One thread per process; while a check is stuck, later
# probes fail at once instead of queueing behind it.
_executor: ThreadPoolExecutor | None = None
_pending: Future | None = None
_lock = threading.Lock()


# The last database check and when it ran (monotonic seconds): every probe within
# READYZ_CACHE_SECONDS of it is answered from it, so a burst of probes (kubelet, ALB target
# group, a load balancer per zone) costs one query per process.
_last: tuple[float, CheckResult] | None = None


def readiness_database_check(*, timeout: float, max_age: float = 0.0) -> CheckResult:
    """The database answers ``SELECT 1`` within ``timeout`` seconds (or did, within
    ``max_age`` seconds)."""
    global _executor, _pending, _last
    started = time.perf_counter()
    with _lock:
        if _last is not None and time.monotonic() - _last[0] < max_age:
            return _last[1]
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="readiness")
        if _pending is not None and not _pending.done():
            return CheckResult(
                status=STATUS_FAIL,
                critical=True,
                duration_ms=0.0,
                error="previous check still running",
            )
        _pending = future = _executor.submit(database_ping)
    try:
        future.result(timeout=timeout)
    except FutureTimeoutError:
        error = f"no answer within {timeout:g}s"
    except Exception as exc:  # any driver error means "not ready"; its text may hold DSNs
        error = type(exc).__name__
    else:
        error = None
    result = CheckResult(
        status=STATUS_FAIL if error else STATUS_OK,
        critical=True,
        duration_ms=round((time.perf_counter() - started) * 1000, 3),
        error=error,
    )
    with _lock:
        _last = (time.monotonic(), result)
    return result


def readiness_cache_check() -> CheckResult:
    """A value written to the cache reads back. Reported, never critical.

    With django-redis's ``IGNORE_EXCEPTIONS`` an outage shows as a value that does not
    read back, bounded by the socket timeouts (cms.settings, Cache section).
    """
    started = time.perf_counter()
    key = f"health:readyz:{uuid.uuid4().hex}"
    error = None
    try:
        cache.set(key, STATUS_OK, timeout=10)
        if cache.get(key) != STATUS_OK:
            error = "value did not read back"
        cache.delete(key)
    except Exception as exc:  # a cache outage must not fail the probe
        error = type(exc).__name__
    return CheckResult(
        status=STATUS_FAIL if error else STATUS_OK,
        critical=False,
        duration_ms=round((time.perf_counter() - started) * 1000, 3),
        error=error,
    )


def readiness_report(
    *, database_timeout: float, database_max_age: float = 0.0
) -> tuple[bool, dict]:
    """(ready, JSON body): ready unless a critical check failed."""
    checks = {
        "database": readiness_database_check(timeout=database_timeout, max_age=database_max_age),
        "cache": readiness_cache_check(),
    }
    ready = all(check.status == STATUS_OK for check in checks.values() if check.critical)
    body = {
        "status": STATUS_OK if ready else STATUS_FAIL,
        "checks": {name: asdict(check) for name, check in checks.items()},
    }
    return ready, body


def _probe_response(body: dict, *, status: int) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answer the probe paths before any other middleware sees the request."""

    sync_capable = True
    async_capable = False

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path not in (LIVENESS_PATH, READINESS_PATH):
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = _probe_response(
                {"message": f"Method {request.method} not allowed; use GET."}, status=405
            )
            response["Allow"] = "GET, HEAD"
            return response
        if request.path == LIVENESS_PATH:
            return _probe_response({"status": STATUS_OK}, status=200)
        ready, body = readiness_report(
            database_timeout=settings.READYZ_DATABASE_TIMEOUT,
            database_max_age=settings.READYZ_CACHE_SECONDS,
        )
        return _probe_response(body, status=200 if ready else 503)
