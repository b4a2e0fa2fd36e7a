"""What a locked-out admin login sees: a 429 page that says why and for how long.

django-axes counts failed admin logins per client IP and per username (in Redis when
``REDIS_URL`` is set) and, past ``AXES_FAILURE_LIMIT``, refuses further attempts, even
with the right password, until ``AXES_COOLOFF_TIME`` has passed. Its default answer is
a bare line of text; this one is the admin's own sign-in look with a ``Retry-After``
header, so people and scripts both learn when to come back.

https://django-axes.readthedocs.io/en/latest/4_configuration.html
"""

import logging
import math

from axes.handlers.cache import AxesCacheHandler
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# What every cache key django-axes writes starts with (axes.helpers.make_cache_key_list).
LOCKOUT_CACHE_KEY_PREFIX = "axes-"


def login_lockout_seconds() -> int:
    """Seconds until a locked-out client may try again."""
    return math.ceil(settings.AXES_COOLOFF_TIME.total_seconds())


def login_lockout_response(
    request: HttpRequest, original_response=None, credentials: dict | None = None
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the 429 response for a locked-out login attempt."""
    seconds = login_lockout_seconds()
    minutes = max(1, math.ceil(seconds / 60))
    message = (
        "Too many failed sign-in attempts for this account or from this network. "
        f"Sign-in is locked for {minutes} minute{'s' if minutes != 1 else ''}; "
        "try again later or ask an administrator to unlock it."
    )
    if request.headers.get("x-requested-with") == "XMLHttpRequest" or request.path.startswith(
        settings.SECURITY_API_PATH_PREFIX
    ):
        response = JsonResponse({"message": message}, status=429)
    else:
        response = HttpResponse(
            render_to_string("serving/login_lockout.html", {"message": message}, request=request),
            status=429,
        )
    response["Retry-After"] = str(seconds)
    return response


class LockoutCacheHandler(AxesCacheHandler):
    """``AXES_HANDLER`` with Redis: django-axes' cache handler, plus a full reset.

    ``manage.py axes_reset`` asks the handler to forget every attempt; the cache handler
    refuses (``NotImplementedError``) because a cache in general cannot list its keys.
    django-redis can delete by pattern, and every key axes writes starts with ``axes-``.
    """

    def reset_attempts(self, *, ip_address=None, username=None, ip_or_username=False) -> int:
        if ip_address is None and username is None and hasattr(self.cache, "delete_pattern"):
            count = self.cache.delete_pattern(f"{LOCKOUT_CACHE_KEY_PREFIX}*") or 0
            logger.info("Login lockout: reset %d cached attempt counters", count)
            return count
        return super().reset_attempts(
            ip_address=ip_address, username=username, ip_or_username=ip_or_username
        )
