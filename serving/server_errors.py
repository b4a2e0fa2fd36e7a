"""The answer to an unhandled exception: JSON ``{"message": ...}`` under ``/api/``.

The API promises one error shape to its clients (docs/api.md); Django's own 500 page is
HTML. ``handler500`` (cms/urls.py) runs for every exception no view or middleware
handled, while that exception is still being handled, so it can tell a database outage
from a bug:

- the database is unreachable or fails (``DatabaseError``): 503 with ``Retry-After``, a
  condition a client should retry, and what the load balancer and CDN treat as one;
- anything else: 500.

Outside ``/api/`` (the admin, the reference theme) Django's own pages are kept.
https://docs.djangoproject.com/en/5.2/ref/views/#the-500-server-error-view
"""

import sys

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.views import defaults

# Seconds a client should wait before retrying during a database outage: about one
# readiness-probe period, after which traffic has moved to pods that can answer.
DATABASE_OUTAGE_RETRY_AFTER = 5


def server_error_response(*, exception: BaseException | None) -> JsonResponse:
    """The API's JSON answer to ``exception`` (503 for the database, else 500)."""
    if isinstance(exception, DatabaseError):
        response = JsonResponse(
            {"message": "The service is temporarily unavailable. Try again shortly."},
            status=503,
        )
        response["Retry-After"] = str(DATABASE_OUTAGE_RETRY_AFTER)
    else:
        response = JsonResponse({"message": "Internal server error."}, status=500)
    # Never cached by a browser or the CDN: the next request may well succeed.
    patch_cache_control(response, no_store=True)
    return response


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """``handler500``: JSON under ``/api/``, Django's page elsewhere."""
    if request.path.startswith(settings.SECURITY_API_PATH_PREFIX):
        return server_error_response(exception=sys.exc_info()[1])
    if isinstance(sys.exc_info()[1], DatabaseError):
        response = defaults.server_error(request, template_name=template_name)
        response.status_code = 503
        response["Retry-After"] = str(DATABASE_OUTAGE_RETRY_AFTER)
        return response
    return defaults.server_error(request, template_name=template_name)
