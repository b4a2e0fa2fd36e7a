"""The cache is never required: a dead or hung Redis serves from the database."""

from django.test import override_settings

from cachetags import store, tokens
from loadtests.servers import port_free
from tests.perf.faults import redis_cache_settings


def detail(page) -> str:
    return f"/api/v2/pages/{page.pk}/"


def test_redis_down_serves_from_the_database(client, posts):
    with override_settings(CACHES=redis_cache_settings(port=port_free())):
        responses = [client.get(detail(posts[0])) for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert {r.json()["title"] for r in responses} == {"First post"}
    assert all(r["X-Cache"] == "miss" for r in responses)
    assert store.breaker.is_open


def test_hung_redis_opens_the_circuit_so_requests_stop_waiting(
    client, posts, hung_server, monkeypatch
):
    # The cooldown must not elapse while the twenty requests run on a busy machine.
    monkeypatch.setattr(store.breaker, "_clock", lambda: 1000.0)
    with override_settings(CACHES=redis_cache_settings(port=hung_server.port, timeout=0.1)):
        responses = [client.get(detail(posts[0])) for _ in range(20)]
    assert [r.status_code for r in responses] == [200] * 20
    assert store.breaker.is_open
    # One request paid the socket timeout; the other nineteen never touched Redis.
    assert len(hung_server.connections) == 1


def test_the_circuit_half_opens_after_the_cooldown_and_closes_on_success():
    clock = [100.0]
    breaker = store.CircuitBreaker(threshold=2, cooldown=5.0, clock=lambda: clock[0])
    breaker.record_failure()
    assert breaker.allow()  # one failure is below the threshold
    breaker.record_failure()
    assert not breaker.allow()
    clock[0] += 5.0
    assert breaker.allow()  # the single probe
    assert not breaker.allow()  # everyone else still skips while it runs
    breaker.record_success()
    assert breaker.allow()
    assert not breaker.is_open


def test_publishing_during_an_outage_is_never_served_stale_afterwards(client, posts, committed):
    first = posts[0]
    client.get(detail(first))
    assert client.get(detail(first))["X-Cache"] == "hit"
    with override_settings(CACHES=redis_cache_settings(port=port_free())):
        first.title = "Published while Redis was down"
        with committed():
            first.save_revision().publish()
        assert tokens.tokens_pending()  # kept for replay
    store.breaker.reset()
    response = client.get(detail(first))
    assert response.json()["title"] == "Published while Redis was down"
    assert response["X-Cache"] == "miss"
    assert not tokens.tokens_pending()
