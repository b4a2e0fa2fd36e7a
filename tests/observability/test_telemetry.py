"""Tracing is off unless the environment names an exporter or an endpoint."""

import pytest

from serving.telemetry import TRACING_DEFAULTS, telemetry_configure, telemetry_enabled


@pytest.mark.parametrize(
    ("environ", "enabled"),
    [
        ({}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, True),
        ({"OTEL_TRACES_EXPORTER": "otlp"}, True),
        ({"OTEL_TRACES_EXPORTER": "console"}, True),
        ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, False),
        ({"OTEL_SDK_DISABLED": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, False),
        ({"OTEL_SDK_DISABLED": "false", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, True),
    ],
)
def test_tracing_is_enabled_only_when_asked_for(environ, enabled):
    assert telemetry_enabled(environ=environ) is enabled


def test_configure_does_nothing_when_off():
    environ = {}
    assert telemetry_configure(environ=environ) is False
    assert environ == {}


def test_defaults_pick_xray_ids_and_leave_probes_untraced():
    assert TRACING_DEFAULTS["OTEL_PYTHON_ID_GENERATOR"] == "xray"
    assert "xray" in TRACING_DEFAULTS["OTEL_PROPAGATORS"].split(",")
    assert TRACING_DEFAULTS["OTEL_EXPORTER_OTLP_PROTOCOL"] == "http/protobuf"
    assert set(TRACING_DEFAULTS["OTEL_PYTHON_DJANGO_EXCLUDED_URLS"].split(",")) == {
        "healthz",
        "readyz",
    }
