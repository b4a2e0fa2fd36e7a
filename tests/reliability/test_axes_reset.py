"""``manage.py axes_reset`` forgets every failed sign-in counted in Redis (django-axes'
cache handler alone refuses with NotImplementedError), and only axes' keys."""

import pytest
from axes.handlers.proxy import AxesProxyHandler
from django.core.cache import caches
from django.core.management import call_command
from django.test import override_settings

from .conftest import redis_caches


@pytest.fixture
def redis_lockout(private_redis, settings):
    settings.AXES_HANDLER = "serving.login_lockout.LockoutCacheHandler"
    with override_settings(CACHES=redis_caches(url=private_redis.url)):
        AxesProxyHandler.get_implementation(force=True)
        yield caches["default"]
    AxesProxyHandler.get_implementation(force=True)


def test_axes_reset_clears_every_cached_attempt_and_nothing_else(redis_lockout, capsys):
    redis_lockout.set("axes-0123abcd", 5)
    redis_lockout.set("axes-4567ef01", 2)
    redis_lockout.set("unrelated", "kept")

    call_command("axes_reset")

    assert "2 attempts removed." in capsys.readouterr().out
    assert redis_lockout.get("axes-0123abcd") is None
    assert redis_lockout.get("axes-4567ef01") is None
    assert redis_lockout.get("unrelated") == "kept"


def test_axes_reset_ip_still_works_through_the_cache_handler(redis_lockout, capsys):
    call_command("axes_reset_ip", "198.51.100.7")
    assert capsys.readouterr().out  # reported, no NotImplementedError
