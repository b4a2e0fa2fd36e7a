"""Every Redis use sits behind one circuit breaker per server: a hung or dead Redis costs
one socket timeout per process per cooldown, logs one WARNING when the circuit opens and
one when it closes, and never fails a request. The rate limiter fails open."""

import logging
import time

import pytest
from django.core.cache import caches
from django.test import override_settings

from serving.redis_breaker import redis_breaker_for

from .conftest import free_port, redis_caches

BREAKER_LOGGER = "serving.circuit_breaker"


def breaker_of(alias: str = "default"):
    return redis_breaker_for(pool=caches[alias].client.get_client().connection_pool)


def breaker_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == BREAKER_LOGGER]


def test_a_hung_redis_opens_the_circuit_once_and_later_calls_skip_it(
    private_redis, settings, caplog
):
    settings.REDIS_BREAKER_COOLDOWN = 60.0
    caplog.set_level(logging.WARNING)
    with override_settings(CACHES=redis_caches(url=private_redis.url)):
        caches["default"].set("greeting", "hello")
        private_redis.pause()
        try:
            values = [caches["default"].get("greeting") for _ in range(20)]
            breaker = breaker_of()
            assert breaker.is_open
            assert breaker._failures == 1, "one command waited; nineteen never tried"
        finally:
            private_redis.resume()
    assert values == [None] * 20
    assert breaker_warnings(caplog) == [
        f"Redis at 127.0.0.1:{private_redis.port} unavailable (TimeoutError); circuit open, "
        "calls skipped for 60.0 s at a time"
    ]


def test_every_alias_of_one_server_shares_its_breaker(private_redis):
    with override_settings(CACHES=redis_caches(url=private_redis.url)):
        assert breaker_of("default") is breaker_of("api")


def test_after_the_cooldown_one_probe_closes_the_circuit_with_one_warning(
    private_redis, settings, caplog
):
    settings.REDIS_BREAKER_COOLDOWN = 0.05
    caplog.set_level(logging.WARNING)
    with override_settings(CACHES=redis_caches(url=private_redis.url)):
        cache = caches["default"]
        cache.set("greeting", "hello")
        private_redis.pause()
        try:
            assert cache.get("greeting") is None
        finally:
            private_redis.resume()
        breaker = breaker_of()
        assert breaker.is_open
        for _ in range(500):  # the cooldown passes; the next call is the probe
            if cache.get("greeting") == "hello":
                break
            time.sleep(0.01)
        assert cache.get("greeting") == "hello"
        assert not breaker.is_open
    messages = breaker_warnings(caplog)
    assert len(messages) == 2
    assert messages[1] == f"Redis at 127.0.0.1:{private_redis.port} answers again; circuit closed"


def test_an_error_answer_is_not_an_outage(private_redis):
    with override_settings(CACHES=redis_caches(url=private_redis.url)):
        cache = caches["default"]
        cache.set("word", "not a number")
        client = cache.client.get_client()
        with pytest.raises(Exception, match="not an integer"):
            client.incr(cache.make_key("word"))
        assert not breaker_of().is_open


def test_the_response_cache_alias_fails_fast_once_the_circuit_is_open(private_redis):
    from redis.exceptions import ConnectionError as RedisConnectionError

    with override_settings(CACHES=redis_caches(url=private_redis.url)):
        caches["default"].set("greeting", "hello")
        private_redis.stop()
        assert caches["default"].get("greeting") is None  # opens the circuit
        with pytest.raises(RedisConnectionError, match="circuit open"):
            caches["api"].get("anything")


@pytest.mark.django_db
def test_the_rate_limiter_fails_open_when_redis_is_gone(client, site_tree, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "2/min", "preview": "2/min"},
    }
    with override_settings(CACHES=redis_caches(url=f"redis://127.0.0.1:{free_port()}/0")):
        statuses = [client.get("/api/v2/pages/").status_code for _ in range(5)]
    assert statuses == [200] * 5


@pytest.mark.django_db
def test_the_rate_limiter_counts_in_redis_while_it_answers(
    client, site_tree, settings, private_redis
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "2/min", "preview": "2/min"},
    }
    with override_settings(CACHES=redis_caches(url=private_redis.url)):
        statuses = [client.get("/api/v2/pages/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
