"""One logging configuration for Django and gunicorn: JSON lines on stdout, or console.

``logging_config()`` builds the single ``dictConfig`` used twice: as Django's
``LOGGING`` (cms.settings) and as gunicorn's ``logconfig_dict`` (cms/gunicorn.conf.py),
so the master, the workers, Django and gunicorn's access and error logs all write the
same shape to the same stream. ``LOG_FORMAT=json`` (production) writes one JSON object a
line, which CloudWatch Logs / Fluent Bit parse without rules; ``console`` is for people.

Every record passes ``RequestContextFilter``, which adds the request id, method, path and
client address of the request being served, and the current trace and span ids (also in
X-Ray form when X-Ray ids are used) so a log line leads to its trace. Keys that look like
credentials are redacted, and request objects, headers, cookies and query strings are
never written.

https://docs.djangoproject.com/en/5.2/topics/logging/
https://docs.gunicorn.org/en/stable/settings.html#logconfig-dict
https://nhairs.github.io/python-json-logger/latest/
"""

import logging
import os
from datetime import UTC, datetime
from typing import Any

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter

from serving.request_id import request_context_current

LOG_FORMATS = ("json", "console")
# Record attributes that are credentials or may carry them: never written, whatever a
# caller passes in ``extra``.
REDACTED_KEYS = ("password", "passwd", "secret", "token", "cookie", "authorization", "api_key")
REDACTED = "[redacted]"
# Objects Django attaches to records (``django.request`` passes the HttpRequest, whose
# repr would leak paths with query strings and is no use to a log search).
DROPPED_KEYS = frozenset({"request", "server_time", "color_message"})
# Context fields, always present (null when unknown) so every line has the same keys.
CONTEXT_FIELDS = ("request_id", "trace_id", "span_id", "method", "path", "client_ip")


def trace_id_xray(*, trace_id: str) -> str:
    """The X-Ray form of a 32-hex trace id: ``1-<8 hex epoch>-<24 hex>``.

    https://docs.aws.amazon.com/xray/latest/devguide/xray-api-sendingdata.html#xray-api-traceids
    """
    return f"1-{trace_id[:8]}-{trace_id[8:]}"


def _xray_ids_in_use() -> bool:
    # serving.telemetry sets this (by default) when tracing is on; the SDK reads the same name.
    return os.environ.get("OTEL_PYTHON_ID_GENERATOR", "") == "xray"


class RequestContextFilter(logging.Filter):
    """Add the current request's id and the current trace context to every record.

    Values already on the record (gunicorn's access line passes its own, read from the
    WSGI environ after the request finished) are kept.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        context = request_context_current()
        if context is not None:
            for name in ("request_id", "method", "path", "client_ip"):
                if getattr(record, name, None) is None:
                    setattr(record, name, getattr(context, name))
        if getattr(record, "trace_id", None) is None:
            span_context = trace.get_current_span().get_span_context()
            if span_context.is_valid:
                record.trace_id = trace.format_trace_id(span_context.trace_id)
                record.span_id = trace.format_span_id(span_context.span_id)
        trace_id = getattr(record, "trace_id", None)
        if trace_id and _xray_ids_in_use() and getattr(record, "xray_trace_id", None) is None:
            record.xray_trace_id = trace_id_xray(trace_id=trace_id)
        for name in CONTEXT_FIELDS:
            if not hasattr(record, name):
                setattr(record, name, None)
        return True


def _redact(value: Any, *, key: str) -> Any:
    lowered = key.lower()
    if any(word in lowered for word in REDACTED_KEYS):
        return REDACTED
    if isinstance(value, dict):
        return {k: _redact(v, key=str(k)) for k, v in value.items()}
    return value


class JsonLogFormatter(JsonFormatter):
    """One JSON object a line: time, level, logger, message, context, then extras."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", ["message"])
        kwargs.setdefault("style", "__sequence__")
        super().__init__(*args, **kwargs)

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord, message_dict):
        log_data["time"] = (
            datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")
        ).replace("+00:00", "Z")
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        super().add_fields(log_data, record, message_dict)
        # django.request names the response status ``status_code``; one name everywhere.
        if "status_code" in log_data:
            log_data.setdefault("status", log_data.pop("status_code"))
        for key in DROPPED_KEYS & log_data.keys():
            del log_data[key]
        for key in list(log_data):
            log_data[key] = _redact(log_data[key], key=key)


CONSOLE_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(request_id)s] %(message)s"


def logging_config(*, level: str, fmt: str) -> dict[str, Any]:
    """The ``dictConfig`` for Django and gunicorn alike.

    Everything propagates to one root handler on stdout. gunicorn's own loggers are
    declared so that its default handlers (plain text, errors on stderr) are replaced.
    Health probes are filtered out of the access log by serving.access_log.
    """
    if fmt not in LOG_FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {fmt!r}")
    formatter = (
        {"()": "serving.logging.JsonLogFormatter"} if fmt == "json" else {"format": CONSOLE_FORMAT}
    )
    quiet = {"level": "WARNING", "handlers": [], "propagate": True}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_context": {"()": "serving.logging.RequestContextFilter"}},
        "formatters": {"default": formatter},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "default",
                "filters": ["request_context"],
            }
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
            # Django's default handlers (stderr console in DEBUG, admin emails otherwise)
            # give way to the one handler; runserver's request lines go through it too.
            # https://docs.djangoproject.com/en/5.2/ref/logging/#default-logging-configuration
            "django": {"level": "INFO", "handlers": [], "propagate": True},
            "django.server": {"level": "INFO", "handlers": [], "propagate": True},
            # Wagtail runs its search and reference-index tasks inline and logs each at INFO.
            "django_tasks": quiet,
            # The SDK logs every failed export; one line per batch is plenty.
            "opentelemetry.exporter.otlp.proto.http": quiet,
        },
    }
