"""Fixtures for the response cache, HTTP caching and load-test checks.

The cache is whatever the environment names (Redis when REDIS_URL is set, local memory
otherwise); a few tests point it at a dead or hung Redis on purpose.
"""

import pytest

from tests.perf.faults import HungServer


@pytest.fixture(autouse=True)
def _no_re_warming(settings):
    """These tests observe which entries a change invalidates (the next read misses);
    re-warming would render them again at once. It has its own tests
    (tests/propagation/test_rewarm.py)."""
    settings.API_REWARM_ENABLED = False


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): post.save_revision().publish()`` runs on-commit hooks at the end,
    as a real commit would (tests run inside a transaction that never commits)."""

    def _committed():
        return django_capture_on_commit_callbacks(execute=True)

    return _committed


@pytest.fixture
def posts(make_post):
    """Three live posts (the first one linked from the third as a related post), each in a
    category of its own, so no post suggests another by a shared category."""
    from blog.models import Category, RelatedPost

    first = make_post(title="First post", tags=("python",))
    second = make_post(
        title="Second post", tags=("django",), category=Category.objects.create(name="Web")
    )
    third = make_post(
        title="Third post", tags=("redis",), category=Category.objects.create(name="Caching")
    )
    RelatedPost.objects.create(post=third, page=first, sort_order=0)
    return first, second, third


@pytest.fixture
def hung_server():
    server = HungServer()
    yield server
    server.close()


@pytest.fixture
def api_cache_on_redis(tmp_path):
    """The API alias on a real Redis: the configured one (REDIS_URL), else a private
    redis-server on a free loopback port for this test."""
    import os

    if os.environ.get("REDIS_URL"):
        yield
        return
    from django.test import override_settings

    from loadtests.faults import redis_start
    from loadtests.servers import port_free
    from tests.perf.faults import redis_cache_settings

    port = port_free()
    process = redis_start(port=port, directory=tmp_path)
    try:
        with override_settings(CACHES=redis_cache_settings(port=port, timeout=2.0)):
            yield
    finally:
        process.terminate()
        process.wait(timeout=10)
