"""Real servers the observability tests start on loopback: gunicorn, an OTLP/HTTP
receiver, Prometheus. Ports come from this area's range so parallel suites never clash.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)


@dataclass(frozen=True)
class HttpResult:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


def http_get(url: str, *, headers: dict[str, str] | None = None, timeout: float = 10) -> HttpResult:
    """GET without following redirects; any status is returned, never raised."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"loopback URLs only: {url}")
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - checked above
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            return HttpResult(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return HttpResult(error.code, dict(error.headers), error.read())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


REPO = Path(__file__).resolve().parents[2]
APP_PORTS = range(8400, 8500)
PROMETHEUS_PORTS = range(9400, 9500)


def free_port(ports: range) -> int:
    """A port in ``ports`` nothing listens on now (bind-tested, random start)."""
    start = int.from_bytes(os.urandom(2), "big") % len(ports)
    for offset in range(len(ports)):
        port = ports[(start + offset) % len(ports)]
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports}")


def wait_for(predicate, *, timeout: float, interval: float = 0.1, what: str = "condition"):
    """Poll ``predicate`` until it returns a truthy value (returned) or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except OSError:
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


class OtlpReceiver:
    """An OTLP/HTTP traces endpoint (``POST /v1/traces``, protobuf) collecting spans."""

    def __init__(self):
        self.spans = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                request = ExportTraceServiceRequest()
                request.ParseFromString(body)
                with receiver._lock:
                    for resource_spans in request.resource_spans:
                        resource = {
                            a.key: a.value.string_value for a in resource_spans.resource.attributes
                        }
                        for scope_spans in resource_spans.scope_spans:
                            for span in scope_spans.spans:
                                receiver.spans.append((resource, scope_spans.scope.name, span))
                payload = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.port = free_port(APP_PORTS)
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def snapshot(self):
        with self._lock:
            return list(self.spans)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class Gunicorn:
    """``gunicorn -c cms/gunicorn.conf.py cms.wsgi:application`` on loopback.

    stdout (the JSON log stream) and stderr go to files the test reads afterwards.
    """

    def __init__(self, *, env: dict[str, str], workers: int = 2, tmp_path: Path):
        self.port = free_port(APP_PORTS)
        self.metrics_port = free_port(APP_PORTS)
        while self.metrics_port == self.port:
            self.metrics_port = free_port(APP_PORTS)
        self.multiproc_dir = Path(tempfile.mkdtemp(prefix="prom-", dir=tmp_path))
        self.stdout_path = tmp_path / f"gunicorn-{self.port}.out"
        self.stderr_path = tmp_path / f"gunicorn-{self.port}.err"
        self.env = {
            **os.environ,
            "GUNICORN_BIND_HOST": "127.0.0.1",
            "PORT": str(self.port),
            "METRICS_PORT": str(self.metrics_port),
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_THREADS": "2",
            "PROMETHEUS_MULTIPROC_DIR": str(self.multiproc_dir),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.metrics_port}/metrics"

    def __enter__(self):
        self._stdout = self.stdout_path.open("wb")
        self._stderr = self.stderr_path.open("wb")
        self.process = subprocess.Popen(
            # No control socket: its default path is shared by every gunicorn here.
            [
                *(sys.executable, "-m", "gunicorn", "-c", "cms/gunicorn.conf.py"),
                *("--no-control-socket", "cms.wsgi:application"),
            ],
            cwd=REPO,
            env=self.env,
            stdout=self._stdout,
            stderr=self._stderr,
            start_new_session=True,
        )
        try:
            wait_for(
                lambda: http_get(f"{self.url}/healthz", timeout=2).status == 200,
                timeout=60,
                what="gunicorn to answer /healthz",
            )
        except AssertionError as error:
            self.stop()
            output = self.stderr_path.read_text() + self.stdout_path.read_text()
            raise AssertionError(output) from error
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._stdout.close()
        self._stderr.close()

    def __exit__(self, *exc):
        self.stop()

    def stdout_lines(self) -> list[str]:
        return [line for line in self.stdout_path.read_text().splitlines() if line.strip()]


class Prometheus:
    """Debian's ``prometheus`` on loopback, scraping ``targets`` every second."""

    def __init__(self, *, targets: list[str], tmp_path: Path, rule_files: list[Path] = ()):
        self.binary = shutil.which("prometheus")
        self.port = free_port(PROMETHEUS_PORTS)
        self.dir = Path(tempfile.mkdtemp(prefix="prometheus-", dir=tmp_path))
        rules = "".join(f"  - {path}\n" for path in rule_files)
        (self.dir / "prometheus.yml").write_text(
            "global:\n"
            "  scrape_interval: 1s\n"
            "  evaluation_interval: 1s\n"
            + (f"rule_files:\n{rules}" if rule_files else "")
            + "scrape_configs:\n"
            "  - job_name: blog\n"
            "    static_configs:\n"
            f"      - targets: {targets!r}\n"
            "        labels: {namespace: blog, pod: blog-7d9f-abcde, container: blog}\n"
        )
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.log = (self.dir / "prometheus.log").open("wb")
        self.process = subprocess.Popen(
            [
                self.binary,
                f"--config.file={self.dir / 'prometheus.yml'}",
                f"--storage.tsdb.path={self.dir / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--web.enable-lifecycle",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(
            lambda: http_get(f"{self.url}/-/ready", timeout=2).status == 200,
            timeout=30,
            what="prometheus to be ready",
        )
        return self

    def __exit__(self, *exc):
        with contextlib.suppress(ProcessLookupError):
            self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()

    def query(self, expr: str) -> dict:
        """The ``/api/v1/query`` answer for ``expr`` (raises on an HTTP error)."""
        query = urllib.parse.urlencode({"query": expr})
        response = http_get(f"{self.url}/api/v1/query?{query}")
        body = response.json()
        assert response.status == 200 and body["status"] == "success", (expr, body)
        return body["data"]
