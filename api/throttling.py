"""The preview endpoint's rate limit.

The security settings provide ``serving.throttling.PreviewRateThrottle`` (per client IP,
behind trusted proxies); until that module is installed, DRF's ``AnonRateThrottle`` with
scope ``preview`` and ``PREVIEW_RATE_LIMIT`` (default 60/min) stands in.
https://www.django-rest-framework.org/api-guide/throttling/
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

try:
    from serving.throttling import PreviewRateThrottle
except ImportError:

    class PreviewRateThrottle(AnonRateThrottle):
        scope = "preview"

        def get_rate(self):
            return getattr(settings, "PREVIEW_RATE_LIMIT", "60/min")


__all__ = ["PreviewRateThrottle"]
