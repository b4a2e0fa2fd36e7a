"""API rate limits per client IP, counted in the shared cache (Redis in production).

Two DRF throttles, both in ``REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]`` so every API
viewset gets them without naming them:

- ``ClientIPRateThrottle`` (scope ``api``, ``API_RATE_LIMIT``): every API request.
- ``PreviewRateThrottle`` (scope ``preview``, ``PREVIEW_RATE_LIMIT``): only requests under
  ``/api/v2/preview/``, whose tokens are worth guessing; a viewset may also list it in its
  own ``throttle_classes``.

A throttle listed before them may count a request under another identity (``api.keys``:
an ``X-API-Key``, per key at ``API_KEY_RATE_LIMIT``) by setting ``rate_limit_identity`` on
it; the per-IP limit then skips it (preview's does not). It refuses a bad identity by
raising ``ThrottleIdentityInvalid`` (401).

Both key on ``serving.client_ip.client_ip_from_request``, never on DRF's own
``get_ident`` (which believes the whole ``X-Forwarded-For`` header when
``NUM_PROXIES`` is unset), and on nothing the client controls, such as credentials or
cookies. DRF stores each bucket in Django's default cache; django-redis ignores Redis
errors there, so a Redis outage lets requests through instead of failing them.

A response-cache lookup (``api.caching``) adds one to the request's counters in the Redis
round trip it makes anyway (``request_rate_counters``, ``request_counts_record``); the
throttles then read those counts instead of counting again.

https://www.django-rest-framework.org/api-guide/throttling/
"""

import math

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.cache import patch_cache_control
from rest_framework import exceptions, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from serving.client_ip import client_ip_from_request


class ClientIPRateThrottle(SimpleRateThrottle):
    """Limit every API request per client IP, e.g. ``600/min``, in fixed windows.

    DRF's ``SimpleRateThrottle`` keeps a list of every request's timestamp in the window
    and rewrites it on each request (a read and a write of up to 600 pickled floats per
    request at 600/min). Here each window is one counter: a single atomic ``INCR`` per
    request. A client may spend its allowance at the end of one window and again at the
    start of the next, so a burst can reach twice the rate for a moment; the rate over
    any longer span is the one configured.
    """

    scope = "api"

    def window_key(self, key: str) -> str:
        """The counter of the window ``self.now`` falls in, e.g. ``throttle_api_1.2.3.4:4711``."""
        return f"{key}:{int(self.now // self.duration)}"

    def counter(self, request, view=None) -> tuple[str, int] | None:
        """``(key, seconds to keep it)`` of the window counter this request adds one to;
        None when this throttle does not limit it."""
        if self.rate is None:
            return None
        key = self.get_cache_key(request, view)
        if key is None:
            return None
        self.now = self.timer()
        return self.window_key(key), int(self.duration) + 1

    def allow_request(self, request, view):
        counter = self.counter(request, view)
        if counter is None:
            return True
        key, keep = counter
        count = request_counted(request=request, key=key)
        if count is None:
            count = self.increment(key=key, keep=keep)
        if count is None:  # cache unreachable (ignored errors): let the request through
            return True
        return count <= self.num_requests

    def increment(self, *, key: str, keep: int) -> int | None:
        """Add one to a window's counter; its new value, None when the cache is unreachable."""
        try:
            return self.cache.incr(key)
        except ValueError:  # the window's first request (or its counter was evicted)
            if self.cache.add(key, 1, timeout=keep):
                return 1
            return self.cache.incr(key)  # another process started the window first

    def wait(self):
        """Seconds until the current window ends."""
        return self.duration - (self.now % self.duration)

    def get_rate(self):
        # Read the rate when the throttle is made, not when the class is imported
        # (DRF's class attribute), so a settings change takes effect everywhere.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view):
        if request_rate_limit_identity(request=request) is not None:  # counted there instead
            return None
        return self.client_ip_cache_key(request)

    def client_ip_cache_key(self, request) -> str:
        return self.cache_format % {
            "scope": self.scope,
            "ident": client_ip_from_request(request=request),
        }


class PreviewRateThrottle(ClientIPRateThrottle):
    """Limit preview-token requests per client IP, far below ordinary reads.

    Applies only under ``PREVIEW_PATH_PREFIX`` so it can sit in the default throttle
    classes of every viewset; elsewhere it returns no key, which DRF reads as "not
    throttled".
    """

    scope = "preview"

    def get_cache_key(self, request, view):
        if not request.path.startswith(settings.PREVIEW_PATH_PREFIX):
            return None
        return self.client_ip_cache_key(request)  # a key changes nothing for preview


class ThrottleIdentityInvalid(APIException):
    """A request names an identity to be counted under (an API key) that is not valid:
    401 with ``{"message": ...}``. Not DRF's ``AuthenticationFailed``, which DRF turns into
    a 403 when the view has no authentication scheme to name."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "The credentials sent are not valid."
    default_code = "invalid_identity"


def request_rate_limit_identity(*, request) -> str | None:
    """The identity another throttle counts this request under, if any."""
    return getattr(getattr(request, "_request", request), "rate_limit_identity", None)


def request_rate_counters(*, request: HttpRequest) -> dict[str, int]:
    """``{counter key: seconds to keep it}`` of every default throttle that limits this
    request, so a caller that talks to the cache anyway (a response-cache lookup) can add
    one to each in its own round trip and record the counts (``request_counts_record``);
    the throttles then read those counts instead of counting again. Empty for a bad
    identity: the throttle check that follows refuses it.
    """
    counters = {}
    try:
        for throttle_class in api_settings.DEFAULT_THROTTLE_CLASSES:
            counter = throttle_class().counter(request)
            if counter is not None:
                counters[counter[0]] = counter[1]
    except ThrottleIdentityInvalid:
        return {}
    return counters


def request_counts_record(*, request: HttpRequest, counts: dict[str, int]) -> None:
    """Counters already incremented for this request (``request_rate_counters``)."""
    request.rate_limit_counts = counts


def request_counted(*, request, key: str) -> int | None:
    """The value a counter reached when this request was counted in advance, else None."""
    counts = getattr(getattr(request, "_request", request), "rate_limit_counts", None)
    return counts.get(key) if counts else None


def throttled_message(*, wait: float | None) -> str:
    return "Too many requests from this address. " + (
        f"Try again in {int(wait) or 1} seconds." if wait else "Try again later."
    )


def request_throttle_check(*, request: HttpRequest) -> JsonResponse | None:
    """Run the API's default throttles on a request no view will see, e.g. a response-cache
    hit; a 429 like DRF's (same buckets, message and ``Retry-After``), a 401 for a bad
    identity (``X-API-Key``), or None if allowed.

    Without this a flood of cached URLs would never be limited: cache hits return before
    DRF's view machinery, where throttles normally run.
    """
    try:
        waits = [
            throttle.wait()
            for throttle in (
                throttle_class() for throttle_class in api_settings.DEFAULT_THROTTLE_CLASSES
            )
            if not throttle.allow_request(request, None)
        ]
    except ThrottleIdentityInvalid as error:
        response = JsonResponse({"message": str(error.detail)}, status=error.status_code)
        patch_cache_control(response, no_store=True)
        return response
    if not waits:
        return None
    wait = max((w for w in waits if w is not None), default=None)
    response = JsonResponse({"message": throttled_message(wait=wait)}, status=429)
    if wait is not None:
        response["Retry-After"] = str(math.ceil(wait))
    patch_cache_control(response, no_store=True)
    return response


def api_exception_handler(exc, context) -> Response | None:
    """DRF's exception handler with the project's one error shape, ``{"message": ...}``.

    Wagtail's API answers its own errors as ``{"message": ...}``; DRF's defaults
    (throttling, unsupported methods, parse errors) say ``{"detail": ...}``. Same status,
    same headers (``Retry-After`` on a 429), one shape for clients to read.
    """
    # Imported here: ``rest_framework.views`` reads DEFAULT_THROTTLE_CLASSES, i.e. this
    # module, while it loads; a worker whose first request is a response-cache hit
    # imports this module first and must not meet that cycle.
    from rest_framework.views import exception_handler

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.Throttled):
        response.data = {"message": throttled_message(wait=exc.wait)}
    elif isinstance(response.data, dict) and set(response.data) == {"detail"}:
        response.data = {"message": str(response.data["detail"])}
    return response
