"""Probes: liveness touches nothing; readiness fails only on the database."""

import pytest
from prometheus_client import REGISTRY

from loadtests.servers import port_free
from serving.health import database_ping, readiness_cache_check, readiness_database_check


def test_liveness_answers_without_touching_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readiness_reports_each_check_with_status_and_time(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache"}
    database, cache = body["checks"]["database"], body["checks"]["cache"]
    assert database["status"] == "ok" and database["critical"] is True
    assert cache["status"] == "ok" and cache["critical"] is False
    assert database["duration_ms"] >= 0 and cache["duration_ms"] >= 0
    assert database["error"] is None and cache["error"] is None


def test_the_database_check_is_one_query_on_a_kept_connection(
    committed_db, django_assert_num_queries
):
    from django.db import connection

    database_ping()
    kept = connection.connection
    with django_assert_num_queries(1):
        database_ping()
    assert connection.connection is kept  # no new connection per probe


def test_a_broken_connection_is_replaced_within_the_same_check(committed_db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the in-memory SQLite test database cannot be reopened once closed")
    database_ping()
    broken = connection.connection
    broken.close()  # what a database restart does to a kept connection
    database_ping()  # no error: closed, reconnected, answered
    assert connection.connection is not broken
    assert connection.connection.closed == 0


def test_probes_within_the_cache_window_share_one_database_check(db):
    first = readiness_database_check(timeout=2.0, max_age=60.0)
    assert readiness_database_check(timeout=2.0, max_age=60.0) is first
    assert readiness_database_check(timeout=2.0, max_age=0.0) is not first


def test_a_cache_outage_is_reported_but_never_fails_readiness(client, settings, db):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_prometheus.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port_free()}/0",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 0.25,
                "SOCKET_TIMEOUT": 0.25,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    assert readiness_cache_check().status == "fail"
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["cache"]["status"] == "fail"
    assert body["checks"]["cache"]["error"] == "value did not read back"
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_ignore_host_checks_and_the_https_redirect(client, settings, path, db):
    """The kubelet calls http://<pod ip>:<port>/ - neither an allowed host nor HTTPS."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(path, HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert client.get("/api/v2/pages/", HTTP_HOST="10.1.2.3:8000").status_code == 400


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_only_answer_get(client, path):
    response = client.post(path)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert "message" in response.json()


def test_probes_do_not_count_as_traffic(client, db):
    def requests_seen():
        return REGISTRY.get_sample_value("django_http_requests_before_middlewares_total")

    before = requests_seen()
    client.get("/healthz")
    client.get("/readyz")
    assert requests_seen() == before
    client.get("/api/v2/pages/")
    assert requests_seen() == before + 1
