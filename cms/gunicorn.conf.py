"""gunicorn configuration: ``gunicorn -c cms/gunicorn.conf.py cms.wsgi:application``.

gthread workers; every knob comes from the environment with the default shown (the Helm
chart sets them from its typed values). SIGTERM is gunicorn's graceful shutdown: stop
accepting, let in-flight requests finish for ``graceful_timeout`` seconds, then exit.
https://docs.gunicorn.org/en/stable/settings.html
https://docs.gunicorn.org/en/stable/signals.html

The timeout chain (keep these in order; the Helm chart enforces them):
  ALB idle timeout (60 s) < ``GUNICORN_KEEPALIVE`` (75 s), so the ALB closes idle
  connections first and never sends a request on a socket gunicorn is closing;
  ``DATABASE_STATEMENT_TIMEOUT_MS`` (30 s) bounds the longest request, because gthread's
  ``timeout`` only detects a stuck worker and does not cut off a slow request;
  ``GUNICORN_GRACEFUL_TIMEOUT`` (35 s) ≥ the longest request, so SIGTERM drains in-flight
  requests; the pod's terminationGracePeriodSeconds ≥ preStop delay + graceful timeout +
  a margin.
"""

import os
import tempfile
from pathlib import Path

from serving.logging import logging_config


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


# A container listens on all interfaces (hence the lint exemptions).
bind = f"{os.environ.get('GUNICORN_BIND_HOST', '0.0.0.0')}:{_int('PORT', 8000)}"  # noqa: S104  # nosec B104
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", 3)
threads = _int("GUNICORN_THREADS", 2)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 35)
keepalive = _int("GUNICORN_KEEPALIVE", 75)
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
backlog = _int("GUNICORN_BACKLOG", 2048)
# gunicorn's control socket (``gunicornc``) defaults to $HOME/.gunicorn/gunicorn.ctl: one
# path shared by every gunicorn of a user, and unwritable on the image's read-only root
# filesystem. Off unless GUNICORN_CONTROL_SOCKET names a path.
_control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not _control_socket
if _control_socket:
    control_socket = _control_socket
# Heartbeat files on tmpfs, not on a (possibly read-only or slow) container disk.
# gunicorn's documented choice for worker heartbeats (hence the lint exemptions).
_shm = "/dev/shm"  # noqa: S108  # nosec B108
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", _shm if os.path.isdir(_shm) else None)
# Load the app in each worker after fork: telemetry and connections are made per process.
preload_app = False
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# ---------------------------------------------------------------------------------------
# Observability: JSON logs, Prometheus multiprocess metrics, OpenTelemetry after fork.
# ---------------------------------------------------------------------------------------
# One logging configuration (serving.logging) for gunicorn and Django: JSON lines on stdout.
# The access line is structured by serving.access_log (probes left out, no query strings).
# https://docs.gunicorn.org/en/stable/settings.html#logging
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logconfig_dict = logging_config(
    level=loglevel.upper(),
    fmt=os.environ.get("LOG_FORMAT", "json").lower(),
)
logger_class = "serving.access_log.JsonAccessLogger"
accesslog = None  # logconfig_dict turns the access log on and routes it to stdout
errorlog = "-"

# Prometheus: workers write samples to files in PROMETHEUS_MULTIPROC_DIR; the master
# serves their sum on METRICS_PORT (0 turns the exporter off). Never on the public port.
# https://prometheus.github.io/client_python/multiprocess/
metrics_port = _int("METRICS_PORT", 9100)
metrics_bind_host = os.environ.get("METRICS_BIND_HOST", bind.rsplit(":", 1)[0])


def on_starting(server):
    """Wipe (or make) the multiprocess directory before any worker writes to it.

    Samples left by a previous run would be summed into this one's counters. The
    variable is set here, before the workers fork and import prometheus_client, which
    picks multiprocess mode at import.
    """
    configured = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    path = Path(configured or tempfile.mkdtemp(prefix="prometheus-"))
    path.mkdir(parents=True, exist_ok=True)
    # Only prometheus_client's sample files: the variable may name a shared directory.
    for sample_file in path.glob("*.db"):
        sample_file.unlink(missing_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)


def when_ready(server):
    """Serve the workers' summed metrics from the master, on its own port.

    An exporter that cannot start (port taken) is logged, never fatal: the site serves
    without metrics rather than not at all.
    """
    if not metrics_port:
        return
    from prometheus_client import CollectorRegistry, multiprocess, start_http_server

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    try:
        start_http_server(metrics_port, addr=metrics_bind_host, registry=registry)
    except OSError:
        server.log.exception("Metrics exporter could not listen on %s", metrics_port)
    else:
        server.log.info("Metrics on http://%s:%s/metrics", metrics_bind_host, metrics_port)


def child_exit(server, worker):
    """Let the exporter drop a dead worker's live gauges (counters keep their counts)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_fork(server, worker):
    """Tracing is built per worker, after fork (serving.telemetry)."""
    from serving.telemetry import telemetry_configure

    telemetry_configure()


def worker_exit(server, worker):
    """Flush the worker's pending spans before it goes."""
    from serving.telemetry import telemetry_enabled, telemetry_shutdown

    if telemetry_enabled(environ=dict(os.environ)):
        telemetry_shutdown()
