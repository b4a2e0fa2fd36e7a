"""Fixtures for the response cache, HTTP caching and load-test checks.

The cache is whatever the environment names (Redis when REDIS_URL is set, local memory
otherwise); a few tests point it at a dead or hung Redis on purpose.
"""

import socket
import threading

import pytest

from cachetags import store, tokens


@pytest.fixture(autouse=True)
def _fresh_api_cache():
    """Every test starts with a closed breaker and nothing pending (the root conftest
    empties every cache alias; clearing one here again would flush the shared Redis
    database after the root fixture primed it)."""
    store.breaker.reset()
    tokens.tokens_pending_discard()
    yield
    store.breaker.reset()
    tokens.tokens_pending_discard()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): post.save_revision().publish()`` runs on-commit hooks at the end,
    as a real commit would (tests run inside a transaction that never commits)."""

    def _committed():
        return django_capture_on_commit_callbacks(execute=True)

    return _committed


@pytest.fixture
def posts(make_post):
    """Three live posts (the first one linked from the third as a related post)."""
    from blog.models import RelatedPost

    first = make_post(title="First post", tags=("python",))
    second = make_post(title="Second post", tags=("django",))
    third = make_post(title="Third post", tags=("redis",))
    RelatedPost.objects.create(post=third, page=first, sort_order=0)
    return first, second, third


def free_port() -> int:
    """A free loopback port (the kernel picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class HungServer:
    """A TCP server that accepts connections and never answers: a hung Redis."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.connections:
            conn.close()


@pytest.fixture
def hung_server():
    server = HungServer()
    yield server
    server.close()


def redis_cache_settings(*, port: int, timeout: float = 0.2) -> dict:
    """CACHES with the API alias on a Redis at ``port`` (dead or hung on purpose)."""
    from django.conf import settings

    return {
        **settings.CACHES,
        "api": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": timeout,
                "SOCKET_TIMEOUT": timeout,
                "IGNORE_EXCEPTIONS": False,
            },
        },
    }
