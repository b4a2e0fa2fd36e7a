"""API keys: made, revoked and checked here (the model is ``api.models.ApiKey``).

A request names its key in the ``X-API-Key`` header. A valid key moves the request from
the per-IP limit (``API_RATE_LIMIT``) to the key's own (``API_KEY_RATE_LIMIT``): an SSR
server or a build machine is one address for thousands of readers. A header with an
unknown or revoked key is refused with 401, so a mistyped key fails loudly instead of
silently falling back to the IP limit. Keys never reach the logs: the access and request
logs name no request headers but the few they list, and nothing here logs the key.
"""

import hashlib
import secrets

from django.conf import settings
from django.http import HttpRequest
from rest_framework.settings import api_settings

from api.models import ApiKey
from serving.throttling import ClientIPRateThrottle, ThrottleIdentityInvalid

API_KEY_HEADER = "HTTP_X_API_KEY"
KEY_PREFIX = "bk_"
# Longer headers are refused without a lookup (a key is 46 characters).
MAX_KEY_LENGTH = 100


class ApiKeyInvalid(ThrottleIdentityInvalid):
    """401 with ``{"message": ...}``."""

    default_detail = "The X-API-Key header names no valid key (unknown or revoked)."
    default_code = "invalid_api_key"


def api_key_hash(*, key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_key_create(*, name: str) -> tuple[ApiKey, str]:
    """A new key named ``name``; returns it with the key itself, which is not stored."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(
        name=name, prefix=key[: len(KEY_PREFIX) + 6], key_hash=api_key_hash(key=key)
    )
    return api_key, key


def api_key_revoke(*, name: str) -> bool:
    """Revoke the key named ``name``; False if there is none (or it was revoked already)."""
    api_key = ApiKey.objects.filter(name=name, revoked=False).first()
    if api_key is None:
        return False
    api_key.revoked = True
    api_key.save()
    return True


def api_key_for_request(*, request: HttpRequest) -> ApiKey | None:
    """The request's valid key, None without the header; raises ``ApiKeyInvalid`` for a
    header that names no valid key. One indexed query per keyed request, kept on it."""
    request = getattr(request, "_request", request)  # DRF's wrapper: keep it on Django's
    if hasattr(request, "_api_key"):
        return request._api_key
    raw = request.META.get(API_KEY_HEADER)
    api_key = None
    if raw is not None:
        if not raw.startswith(KEY_PREFIX) or len(raw) > MAX_KEY_LENGTH:
            raise ApiKeyInvalid()
        api_key = ApiKey.objects.filter(key_hash=api_key_hash(key=raw), revoked=False).first()
        if api_key is None:
            raise ApiKeyInvalid()
    request._api_key = api_key
    if api_key is not None:  # the per-IP limit skips it (serving.throttling)
        request.rate_limit_identity = f"key-{api_key.pk}"
    return api_key


class ApiKeyRateThrottle(ClientIPRateThrottle):
    """Requests with a valid ``X-API-Key``, limited per key (``API_KEY_RATE_LIMIT``).

    Listed before the per-IP throttles: it marks a keyed request so they skip it, and
    refuses a bad key with 401 before anything is counted.
    """

    scope = "api_key"

    def get_rate(self):
        # A rates table without this scope (one written before keys existed) keeps the
        # setting's own value.
        rates = api_settings.DEFAULT_THROTTLE_RATES
        return rates.get(self.scope, settings.API_KEY_RATE_LIMIT)

    def get_cache_key(self, request, view):
        api_key = api_key_for_request(request=request)
        if api_key is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": f"key-{api_key.pk}"}
