"""Real servers the observability tests start on loopback besides gunicorn: an OTLP/HTTP
receiver (in this process) and Prometheus (through the one harness, loadtests/servers.py).
"""

import shutil
import tempfile
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

from loadtests.servers import port_free, server_start
from tests.servers import http_get


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

        # Port 0: the kernel chooses.
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
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


class Prometheus:
    """Debian's ``prometheus`` on loopback, scraping ``targets`` every second."""

    def __init__(self, *, targets: list[str], tmp_path: Path, rule_files: list[Path] = ()):
        self.binary = shutil.which("prometheus")
        # Prometheus binds by number: one the kernel has just chosen.
        self.port = port_free()
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

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.server = server_start(
            name="prometheus",
            command=[
                self.binary,
                f"--config.file={self.dir / 'prometheus.yml'}",
                f"--storage.tsdb.path={self.dir / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--web.enable-lifecycle",
            ],
            log_dir=self.dir,
            port=self.port,
        ).wait_ready(path="/-/ready", timeout=30)
        return self

    def __exit__(self, *exc):
        self.server.stop(grace=20)

    def query(self, expr: str) -> dict:
        """The ``/api/v1/query`` answer for ``expr`` (raises on an HTTP error)."""
        query = urllib.parse.urlencode({"query": expr})
        response = http_get(f"{self.url}/api/v1/query?{query}")
        body = response.json()
        assert response.status == 200 and body["status"] == "success", (expr, body)
        return body["data"]
