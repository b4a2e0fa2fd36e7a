"""Traces over OTLP on loopback: the request span holds its database and cache spans.

gunicorn runs with tracing on (OTEL_EXPORTER_OTLP_ENDPOINT) and exports to a small
OTLP/HTTP receiver in the test. One API request must arrive as one trace with X-Ray
ids: the Django server span carrying the request id, psycopg2 spans (on PostgreSQL) and
Redis spans (with REDIS_URL) as its children, and the access log line naming the same
trace and span.
"""

import json
import os
import time

import pytest
from django.db import connection
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from loadtests.servers import port_free
from tests.observability.servers import OtlpReceiver
from tests.servers import http_get, wait_for

pytestmark = pytest.mark.slow

TRACING = {
    # Export each batch within 100 ms so the test does not wait for the default 5 s.
    "OTEL_BSP_SCHEDULE_DELAY": "100",
    "OTEL_SERVICE_NAME": "blog-cms-test",
}


def _attributes(span) -> dict:
    return {a.key: a.value.string_value or a.value.int_value for a in span.attributes}


def test_a_request_is_one_trace_with_database_and_cache_spans(live_gunicorn, make_post):
    make_post(title="Traced")
    with (
        OtlpReceiver() as receiver,
        live_gunicorn(
            env={**TRACING, "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint}, workers=1
        ) as app,
    ):
        response = http_get(f"{app.url}/api/v2/pages/", headers={"X-Request-ID": "trace-42"})
        assert response.status == 200
        assert response.headers["X-Request-ID"] == "trace-42"

        def request_span():
            for resource, scope, span in receiver.snapshot():
                if _attributes(span).get("request_id") == "trace-42":
                    return resource, scope, span
            return None

        resource, scope, root = wait_for(request_span, timeout=20, what="the request's span")
        # Probes are not traced: gunicorn was polled on /healthz until it answered.
        time.sleep(0.5)  # let the rest of the batch arrive
        spans = receiver.snapshot()

    assert scope == "opentelemetry.instrumentation.django"
    assert resource["service.name"] == "blog-cms-test"
    assert root.kind == Span.SPAN_KIND_SERVER and not root.parent_span_id
    assert "api/v2/pages/" in root.name
    trace_id = root.trace_id.hex()
    # X-Ray trace ids begin with the start time in seconds (8 hex digits).
    assert abs(int(trace_id[:8], 16) - time.time()) < 3600

    children = [span for _, _, span in spans if span.trace_id == root.trace_id and span != root]
    assert all(span.parent_span_id == root.span_id for span in children)
    systems = {_attributes(span).get("db.system") for span in children}
    if connection.vendor == "postgresql":
        assert "postgresql" in systems
    if os.environ.get("REDIS_URL"):
        assert "redis" in systems
    assert not any("healthz" in span.name for _, _, span in spans)

    records = [json.loads(line) for line in app.stdout_lines()]
    (access,) = [
        r for r in records if r["logger"] == "gunicorn.access" and r["request_id"] == "trace-42"
    ]
    assert access["trace_id"] == trace_id
    assert access["span_id"] == root.span_id.hex()
    assert access["xray_trace_id"] == f"1-{trace_id[:8]}-{trace_id[8:]}"


def test_an_unreachable_collector_never_fails_a_request(live_gunicorn, site_tree):
    closed = port_free()  # nothing listens there
    with live_gunicorn(
        env={**TRACING, "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{closed}"}, workers=1
    ) as app:
        statuses = [http_get(f"{app.url}/api/v2/pages/").status for _ in range(5)]
        assert statuses == [200] * 5
        time.sleep(0.5)  # at least one export attempt has failed by now
        assert http_get(f"{app.url}/readyz").status == 200
    assert app.process.returncode == 0
    records = [json.loads(line) for line in app.stdout_lines()]
    assert any(r["logger"] == "serving.telemetry" and "Tracing on" in r["message"] for r in records)


def test_an_alb_trace_header_with_only_a_root_continues_that_trace(live_gunicorn, site_tree):
    """The header shape an ALB writes, through gunicorn with the project's tracing set-up."""
    root = "1-5759e988-bd862e3fe1be46a994272793"
    with (
        OtlpReceiver() as receiver,
        live_gunicorn(
            env={**TRACING, "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint}, workers=1
        ) as app,
    ):
        headers = {"X-Request-ID": "alb-root", "X-Amzn-Trace-Id": f"Root={root}"}
        assert http_get(f"{app.url}/api/v2/pages/", headers=headers).status == 200

        def request_span():
            for _, _, span in receiver.snapshot():
                if _attributes(span).get("request_id") == "alb-root":
                    return span
            return None

        span = wait_for(request_span, timeout=20, what="the request's span")
    assert span.trace_id.hex() == root.replace("1-", "", 1).replace("-", "")
    assert not span.parent_span_id
