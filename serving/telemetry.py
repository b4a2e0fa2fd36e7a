"""OpenTelemetry tracing, set up in each gunicorn worker after it forks.

The tracer provider owns a background export thread and sockets, which do not survive
``fork()``; so it is built in gunicorn's ``post_fork`` hook (cms/gunicorn.conf.py),
never at import time, as OpenTelemetry's own fork-process example does.
https://github.com/open-telemetry/opentelemetry-python/tree/main/docs/examples/fork-process-model

Set-up is opentelemetry-distro's own auto-instrumentation entry point, so everything
follows the SDK's environment variables (``OTEL_SERVICE_NAME``, ``OTEL_TRACES_SAMPLER``,
``OTEL_TRACES_SAMPLER_ARG``, ``OTEL_RESOURCE_ATTRIBUTES``, ``OTEL_EXPORTER_OTLP_*``...)
and loads every installed instrumentation: Django (the request span), psycopg2 (a span
per query) and Redis (a span per command).
https://opentelemetry.io/docs/zero-code/python/configuration/

Off unless ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``)
is set or ``OTEL_TRACES_EXPORTER`` names an exporter; ``OTEL_SDK_DISABLED=true`` wins.
Spans are exported in batches from a background thread, so an unreachable collector
costs a logged warning per batch, never a failed or slower request.

Defaults chosen here for AWS X-Ray through the collector's ``awsxray`` exporter
(docs/operations.md, "Tracing to AWS X-Ray", explains the choice): X-Ray trace ids (the
first 8 hex digits are the start time, as X-Ray requires) and the X-Ray propagator next to W3C trace
context, so a trace started by the ALB (``X-Amzn-Trace-Id``) continues here. OTLP over
HTTP/protobuf to the collector; traces only (metrics are Prometheus', logs are stdout).
"""

import logging
import os

logger = logging.getLogger(__name__)

TRACING_DEFAULTS = {
    "OTEL_SERVICE_NAME": "blog-cms",
    "OTEL_TRACES_EXPORTER": "otlp",
    "OTEL_METRICS_EXPORTER": "none",
    "OTEL_LOGS_EXPORTER": "none",
    "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
    # Seconds per export (retries included). The collector runs in the cluster and
    # answers in milliseconds; the SDK's 10 s would only slow a worker's shutdown
    # (final flush) while the collector is down.
    "OTEL_EXPORTER_OTLP_TIMEOUT": "2",
    "OTEL_PYTHON_ID_GENERATOR": "xray",
    "OTEL_PROPAGATORS": "tracecontext,baggage,xray",
    # Probes every few seconds per pod would be most of the traces and say nothing.
    "OTEL_PYTHON_DJANGO_EXCLUDED_URLS": "healthz,readyz",
    # serving.logging puts trace and span ids on every record itself, in JSON or console
    # form; the logging instrumentation would add a second, differently named set.
    "OTEL_PYTHON_DISABLED_INSTRUMENTATIONS": "logging",
}


def telemetry_enabled(*, environ: dict[str, str]) -> bool:
    """Whether the environment asks for traces to be exported."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporter = environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporter:
        return exporter != "none"
    return bool(
        environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def telemetry_configure(*, environ: dict[str, str] | None = None) -> bool:
    """Set up tracing for this process when enabled; True when it was.

    Runs in ``post_fork``; the Django instrumentation adds its middleware to
    ``settings.MIDDLEWARE``, so with ``preload_app`` the hook then rebuilds the preloaded
    handler's middleware chain (cms/gunicorn.conf.py). Errors are logged, never raised:
    a tracing problem must not stop a worker from serving.
    """
    environ = os.environ if environ is None else environ
    if not telemetry_enabled(environ=environ):
        return False
    for name, value in TRACING_DEFAULTS.items():
        environ.setdefault(name, value)
    environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
    try:
        # The distro's entry point: configure the SDK from the environment, then load
        # the installed instrumentations.
        from opentelemetry.instrumentation.auto_instrumentation import initialize

        initialize(swallow_exceptions=False)
        _alb_traces_continue(environ=environ)
    except Exception:
        logger.exception("Tracing set-up failed; serving without traces")
        return False
    logger.info(
        "Tracing on: exporting %s over OTLP (%s)",
        environ.get("OTEL_SERVICE_NAME"),
        environ.get("OTEL_EXPORTER_OTLP_PROTOCOL"),
    )
    return True


def _alb_traces_continue(*, environ) -> None:
    """Swap X-Ray's propagator for one that also continues an ALB's root-only header
    (serving/alb_tracing.py), keeping the other propagators OTEL_PROPAGATORS names."""
    from opentelemetry import propagate, trace
    from opentelemetry.propagators.composite import CompositePropagator
    from opentelemetry.util._importlib_metadata import entry_points

    from serving.alb_tracing import AlbXRayPropagator, alb_trace_ids_follow

    names = [n.strip() for n in environ.get("OTEL_PROPAGATORS", "").split(",") if n.strip()]
    if "xray" not in names:
        return
    propagators = []
    for name in names:
        if name == "xray":
            propagators.append(AlbXRayPropagator())
        else:
            (entry_point,) = entry_points(group="opentelemetry_propagator", name=name)
            propagators.append(entry_point.load()())
    propagate.set_global_textmap(CompositePropagator(propagators))
    alb_trace_ids_follow(provider=trace.get_tracer_provider())


def telemetry_shutdown() -> None:
    """Flush pending spans (gunicorn's ``worker_exit``), bounded by the SDK's timeouts."""
    from opentelemetry import trace

    provider = trace.get_tracer_provider()
    shutdown = getattr(provider, "shutdown", None)
    if shutdown is not None:
        try:
            shutdown()
        except Exception:
            logger.warning("Tracing shutdown failed", exc_info=True)
