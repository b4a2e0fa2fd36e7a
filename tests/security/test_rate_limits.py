"""API reads are limited per client IP (in the shared cache), with 429 + Retry-After and
a JSON message; forging X-Forwarded-For buys no fresh allowance; preview requests have
their own, lower limit."""

import pytest
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from api.router import api_router


class PreviewProbeView(APIView):
    """Stands where the API's preview endpoint lives, with the default throttles."""

    def get(self, request, *args, **kwargs):
        return Response({"ok": True})


urlpatterns = [
    path("api/v2/preview/", PreviewProbeView.as_view()),
    path("api/v2/", api_router.urls),
]


@pytest.fixture
def rates(settings):
    def _set(*, api="3/min", preview="2/min", proxies=0):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"api": api, "preview": preview},
        }
        settings.TRUSTED_PROXY_COUNT = proxies

    return _set


def test_api_reads_past_the_limit_get_429_with_retry_after(client, site_tree, rates):
    rates(api="3/min")
    statuses = [client.get("/api/v2/pages/").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    response = client.get("/api/v2/pages/")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["message"].startswith("Too many requests from this address.")
    # Other endpoints share the same per-IP allowance.
    assert client.get("/api/v2/images/").status_code == 429


def test_each_client_ip_has_its_own_allowance(client, site_tree, rates):
    rates(api="2/min")
    for _ in range(2):
        assert client.get("/api/v2/pages/", REMOTE_ADDR="198.51.100.1").status_code == 200
    assert client.get("/api/v2/pages/", REMOTE_ADDR="198.51.100.1").status_code == 429
    assert client.get("/api/v2/pages/", REMOTE_ADDR="198.51.100.2").status_code == 200


@pytest.mark.parametrize("proxies", [0, 1])
def test_forged_forwarded_for_buys_no_fresh_allowance(client, site_tree, rates, proxies):
    rates(api="2/min", proxies=proxies)
    statuses = []
    for n in range(5):
        # The attacker rotates the entry it controls; the ALB appends the real address.
        forwarded = f"203.0.113.{n}, 198.51.100.7" if proxies else f"203.0.113.{n}"
        statuses.append(
            client.get(
                "/api/v2/pages/", REMOTE_ADDR="10.0.3.7", HTTP_X_FORWARDED_FOR=forwarded
            ).status_code
        )
    assert statuses == [200, 200, 429, 429, 429]


def test_rate_limit_is_kept_in_the_shared_cache(client, site_tree, rates):
    """A second app process (same cache, fresh throttle objects) sees the same count."""
    from django.core.cache import cache

    from serving.throttling import ClientIPRateThrottle

    rates(api="2/min")
    client.get("/api/v2/pages/")
    throttle = ClientIPRateThrottle()
    throttle.now = throttle.timer()
    counter = throttle.window_key("throttle_api_127.0.0.1")
    assert cache.get(counter) == 1
    cache.incr(counter)  # another process served this address once more
    assert client.get("/api/v2/pages/").status_code == 429


def test_one_cache_round_trip_per_request_and_no_growing_history(client, site_tree, rates):
    """Each request adds one to a counter; nothing per request is stored."""
    from django.core.cache import cache

    from serving.throttling import ClientIPRateThrottle

    rates(api="100/min")
    for _ in range(5):
        assert client.get("/api/v2/images/").status_code == 200
    throttle = ClientIPRateThrottle()
    throttle.now = throttle.timer()
    assert cache.get(throttle.window_key("throttle_api_127.0.0.1")) == 5
    assert cache.get("throttle_api_127.0.0.1") is None  # DRF's timestamp list


@pytest.mark.urls(__name__)
def test_preview_requests_have_a_lower_limit(client, site_tree, rates):
    rates(api="10/min", preview="2/min")
    statuses = [client.get("/api/v2/preview/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.get("/api/v2/preview/")
    assert response.status_code == 429
    assert "Retry-After" in response
    assert "message" in response.json()
    # Ordinary reads are still allowed: the preview limit is its own bucket.
    assert client.get("/api/v2/pages/").status_code == 200


def test_probes_are_never_rate_limited(client, db, rates):
    rates(api="1/min")
    client.get("/api/v2/pages/")
    assert client.get("/api/v2/pages/").status_code == 429
    assert all(client.get("/healthz").status_code != 429 for _ in range(5))


def test_a_cache_outage_lets_requests_through(client, site_tree, rates, settings):
    """The limiter degrades open: an unreachable cache never fails an API read."""
    if "RedisCache" not in settings.CACHES["default"]["BACKEND"]:
        pytest.skip("needs the Redis cache (REDIS_URL) to take it away")
    rates(api="1/min")
    caches = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    settings.CACHES = caches
    from django.core.cache import caches as cache_handler
    from rest_framework import throttling

    original = throttling.SimpleRateThrottle.cache
    throttling.SimpleRateThrottle.cache = cache_handler["default"]
    try:
        assert [client.get("/api/v2/pages/").status_code for _ in range(3)] == [200] * 3
    finally:
        throttling.SimpleRateThrottle.cache = original


def test_off_disables_a_limit(client, site_tree, rates):
    rates(api=None)
    assert [client.get("/api/v2/pages/").status_code for _ in range(5)] == [200] * 5


@pytest.mark.parametrize("value", ["lots", "600", "0/min", "600/fortnight", "-1/min"])
def test_a_malformed_rate_stops_the_start_and_names_the_variable(value):
    import os
    import subprocess
    import sys

    from tests.paths import REPO

    result = subprocess.run(
        [sys.executable, "-c", "import cms.settings"],
        cwd=REPO,
        env={**os.environ, "API_RATE_LIMIT": value},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "API_RATE_LIMIT must look like 600/min" in result.stderr
