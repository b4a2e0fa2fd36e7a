"""A real webhook receiver on loopback that verifies every delivery with the
``standardwebhooks`` library (an independent verifier: not the code that signs).

Each request is answered by the next scripted behaviour: a status code, ``("sleep", s)``
(answer 200 after ``s`` seconds: a timeout when ``s`` exceeds the sender's), or
``("huge", n)`` (200 with an ``n``-byte body). When the script is exhausted it answers 200.
"""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    headers: dict
    body: bytes
    verified: bool
    event: dict | None
    answered: object


@dataclass
class WebhookReceiver:
    secret: str = ""
    script: list = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    bytes_sent: int = 0

    def __post_init__(self) -> None:
        receiver = self
        self._lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet test output
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                with receiver._lock:
                    behaviour = receiver.script.pop(0) if receiver.script else 200
                try:
                    event = Webhook(receiver.secret).verify(body, headers)
                    verified = True
                except (WebhookVerificationError, ValueError):
                    event, verified = None, False
                receiver.received.append(Received(headers, body, verified, event, behaviour))
                if isinstance(behaviour, tuple) and behaviour[0] == "sleep":
                    time.sleep(behaviour[1])
                    behaviour = 200
                if isinstance(behaviour, tuple) and behaviour[0] == "huge":
                    self._huge(behaviour[1])
                    return
                payload = json.dumps({"ok": behaviour < 300}).encode()
                self.send_response(behaviour)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _huge(self, size: int) -> None:
                self.send_response(200)
                self.send_header("Content-Length", str(size))
                self.end_headers()
                chunk = b"x" * 65536
                try:
                    while receiver.bytes_sent < size:
                        self.wfile.write(chunk)
                        receiver.bytes_sent += len(chunk)
                except OSError:
                    pass  # the sender hung up: what it should do

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hooks/cms"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def events(self, event_type: str | None = None) -> list[dict]:
        return [
            r.event
            for r in self.received
            if r.verified and (event_type is None or r.event["type"] == event_type)
        ]

    def wait_for(self, count: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
