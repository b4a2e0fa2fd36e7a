"""Fixtures for the fault tests: a private redis-server that a test may stop or kill.

The shared Redis (REDIS_URL) is never stopped; each fault gets its own server on a
kernel-chosen loopback port, in a temporary directory, with persistence off.
"""

import os
import signal
import socket
import subprocess
import time

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    def __init__(self, directory) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(200):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def pause(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.resume()
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    yield server
    server.stop()


def redis_caches(*, url: str, timeout: float = 0.2) -> dict:
    """CACHES as settings builds them for REDIS_URL, on ``url`` (both aliases)."""
    options = {
        "CLIENT_CLASS": "django_redis.client.DefaultClient",
        "REDIS_CLIENT_CLASS": "serving.redis_breaker.BreakerRedis",
        "SOCKET_CONNECT_TIMEOUT": timeout,
        "SOCKET_TIMEOUT": timeout,
        "IGNORE_EXCEPTIONS": True,
    }
    backend = "django_prometheus.cache.backends.redis.RedisCache"
    return {
        "default": {
            "BACKEND": backend,
            "LOCATION": url,
            "KEY_PREFIX": "faults",
            "OPTIONS": options,
        },
        "api": {
            "BACKEND": backend,
            "LOCATION": url,
            "KEY_PREFIX": "faults",
            "OPTIONS": {**options, "IGNORE_EXCEPTIONS": False},
        },
        "renditions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
