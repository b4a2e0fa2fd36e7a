"""The edge lock: only requests that came through the CDN are served.

CloudFront adds a secret header to every request it forwards to the ALB (the origin custom
header ``ORIGIN_SECRET_HEADER``, ``X-Origin-Verify`` by default, carrying ``ORIGIN_SECRET``).
A request without it reached the ALB directly, around the CDN's cache, WAF and rate limits:
it is refused with 403 before any view runs. The probes (/healthz, /readyz) are answered
earlier in the middleware chain and never need the header: the kubelet and the target group
health checks do not come through CloudFront.

``ORIGIN_SECRET`` may hold several comma-separated values, so a rotation first adds the new
value here, then switches CloudFront, then drops the old one (docs/infrastructure.md). The
values are compared in constant time, never logged, and the header is removed from the
request once checked, so nothing downstream (logs, error reports) can repeat it. Unset, the
lock is off (the embedded default, and any install without a CDN).
"""

import hmac

from django.conf import settings
from django.http import HttpRequest, JsonResponse


def origin_secrets() -> tuple[bytes, ...]:
    return tuple(
        value.strip().encode() for value in settings.ORIGIN_SECRET.split(",") if value.strip()
    )


def origin_header_verify(*, request: HttpRequest, secrets: tuple[bytes, ...]) -> bool:
    """Whether the request carries one of the accepted values; the header is removed."""
    meta_key = "HTTP_" + settings.ORIGIN_SECRET_HEADER.upper().replace("-", "_")
    presented = request.META.pop(meta_key, "").encode()
    # Every value is compared, so the time taken does not say which one came close.
    matches = [hmac.compare_digest(presented, secret) for secret in secrets]
    return bool(presented) and any(matches)


class OriginLockMiddleware:
    """403 for any request that did not come through the CDN, when ORIGIN_SECRET is set."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.secrets = origin_secrets()

    def __call__(self, request):
        if self.secrets and not origin_header_verify(request=request, secrets=self.secrets):
            return JsonResponse(
                {"message": "Requests must come through the site's CDN."}, status=403
            )
        return self.get_response(request)
