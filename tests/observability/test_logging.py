"""One logging configuration; JSON lines with context; credentials never written."""

import io
import json
import logging
import logging.config

import pytest
from django.conf import settings
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from serving.logging import REDACTED, logging_config, trace_id_xray


def _capture(fmt: str):
    """Apply the project's config with its stdout handler writing to a buffer."""
    config = logging_config(level="DEBUG", fmt=fmt)
    stream = io.StringIO()
    config["handlers"]["stdout"]["stream"] = stream
    logging.config.dictConfig(config)
    return stream


@pytest.fixture
def restore_logging():
    yield
    logging.config.dictConfig(settings.LOGGING)


def test_settings_use_the_shared_configuration():
    shared = logging_config(level=settings.LOG_LEVEL, fmt=settings.LOG_FORMAT)
    assert shared == settings.LOGGING
    assert shared["root"]["handlers"] == ["stdout"]
    assert shared["loggers"]["gunicorn.access"]["propagate"] is True


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        logging_config(level="INFO", fmt="xml")


def test_json_lines_have_the_documented_keys(restore_logging):
    stream = _capture("json")
    logging.getLogger("blog.example").info("hello %s", "world", extra={"post_id": 7})
    line = json.loads(stream.getvalue())
    assert line["message"] == "hello world"
    assert line["level"] == "INFO"
    assert line["logger"] == "blog.example"
    assert line["time"].endswith("Z") and "T" in line["time"]
    assert line["post_id"] == 7
    for key in ("request_id", "trace_id", "span_id", "method", "path", "client_ip"):
        assert key in line and line[key] is None


def test_credentials_are_redacted_and_request_objects_dropped(restore_logging, rf):
    stream = _capture("json")
    logging.getLogger("blog.example").warning(
        "login attempt",
        extra={
            "password": "hunter2-secret-value",
            "api_token": "tok-secret-value",
            "headers": {"Cookie": "sessionid=cookie-secret-value", "Accept": "json"},
            "request": rf.get("/admin/?token=query-secret-value"),
        },
    )
    output = stream.getvalue()
    line = json.loads(output)
    assert line["password"] == REDACTED
    assert line["api_token"] == REDACTED
    assert line["headers"] == {"Cookie": REDACTED, "Accept": "json"}
    assert "request" not in line
    for secret in ("hunter2", "tok-secret", "cookie-secret", "query-secret"):
        assert secret not in output


def test_exceptions_are_one_line(restore_logging):
    stream = _capture("json")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("blog.example").exception("failed")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    line = json.loads(lines[0])
    assert line["level"] == "ERROR"
    assert "RuntimeError: boom" in line["exc_info"]


def test_trace_ids_come_from_the_current_span(restore_logging, monkeypatch):
    monkeypatch.setenv("OTEL_PYTHON_ID_GENERATOR", "xray")
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    stream = _capture("json")
    with provider.get_tracer("test").start_as_current_span("work") as span:
        logging.getLogger("blog.example").info("inside a span")
    context = span.get_span_context()
    line = json.loads(stream.getvalue())
    assert line["trace_id"] == f"{context.trace_id:032x}"
    assert line["span_id"] == f"{context.span_id:016x}"
    assert line["xray_trace_id"] == trace_id_xray(trace_id=line["trace_id"])
    assert line["xray_trace_id"].startswith("1-") and len(line["xray_trace_id"]) == 35


def test_console_format_is_for_people(restore_logging):
    stream = _capture("console")
    logging.getLogger("blog.example").warning("careful")
    output = stream.getvalue()
    assert "WARNING blog.example [None] careful" in output
    with pytest.raises(json.JSONDecodeError):
        json.loads(output)
