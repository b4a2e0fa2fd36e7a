"""gunicorn's access log as structured JSON fields instead of an Apache format string.

gunicorn formats access lines from ``access_log_format``; a JSON line built that way
breaks on quotes in paths or user agents. This logger class (gunicorn's documented
``logger_class`` extension point) logs each request as a record whose fields the JSON
formatter (serving.logging) writes as keys: method, path, status, duration, client address,
bytes sent, request id and trace ids. The query string is never logged (preview tokens
and search terms live there), nor are headers or cookies.

Successful health probes are left out: the kubelet calls them every few seconds and
they would drown the lines that matter. Failing probes are logged.

https://docs.gunicorn.org/en/stable/settings.html#logger-class
"""

import traceback

from gunicorn.glogging import Logger

from serving.client_ip import ENVIRON_CLIENT_IP
from serving.request_id import ENVIRON_REQUEST_ID, ENVIRON_SPAN_ID, ENVIRON_TRACE_ID

PROBE_PATHS = frozenset({"/healthz", "/readyz"})
# Bounds for values that come from the client.
MAX_PATH_LENGTH = 512
MAX_USER_AGENT_LENGTH = 256
MAX_FORWARDED_FOR_LENGTH = 256


def _status_code(status) -> int | None:
    if isinstance(status, str):
        status = status.split(None, 1)[0]
    try:
        return int(status)
    except (TypeError, ValueError):
        return None


def access_record_fields(*, status, environ, request_time, sent) -> dict:
    """The fields of one access line (also what the tests check)."""
    path = environ.get("PATH_INFO", "")
    return {
        "method": environ.get("REQUEST_METHOD"),
        "path": path[:MAX_PATH_LENGTH],
        "status": _status_code(status),
        "duration_ms": round(request_time.total_seconds() * 1000, 3),
        # The client serving.client_ip resolved (the socket peer if the app never saw the
        # request); the header's right end only, where our proxies wrote: its left end
        # is whatever the client chose to send.
        "client_ip": environ.get(ENVIRON_CLIENT_IP) or environ.get("REMOTE_ADDR"),
        "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR", "")[-MAX_FORWARDED_FOR_LENGTH:]
        or None,
        "user_agent": environ.get("HTTP_USER_AGENT", "")[:MAX_USER_AGENT_LENGTH] or None,
        "protocol": environ.get("SERVER_PROTOCOL"),
        "bytes": sent,
        "request_id": environ.get(ENVIRON_REQUEST_ID),
        "trace_id": environ.get(ENVIRON_TRACE_ID),
        "span_id": environ.get(ENVIRON_SPAN_ID),
    }


class JsonAccessLogger(Logger):
    """gunicorn's Logger with the access line as structured fields."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        try:
            fields = access_record_fields(
                status=resp.status,
                environ=environ,
                request_time=request_time,
                sent=getattr(resp, "sent", None),
            )
            if fields["path"] in PROBE_PATHS and (fields["status"] or 500) < 500:
                return
            self.access_log.info(
                "%s %s %s", fields["method"], fields["path"], fields["status"], extra=fields
            )
        except Exception:
            # A log line must never fail a request; gunicorn's own class does the same.
            self.error(traceback.format_exc())
