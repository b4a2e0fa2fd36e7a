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

Zero-outage worker lifecycle (docs/operations.md, "Worker recycling and reloads", has
the measurements):
- ``preload_app``: the master imports the app once and workers are forked from it, so a
  new worker serves within milliseconds instead of spending seconds importing Django and
  Wagtail. A recycled worker is replaced at once, and ``HUP`` (gunicorn starts the new
  workers, then stops the old ones) never leaves the port without a ready worker. What
  must not cross a fork is made after it: database connections are closed in the master
  before every fork, tracing is built in ``post_fork``, redis-py rebuilds its pools in a
  process whose pid changed, and prometheus_client's files are per pid. ``HUP`` re-reads
  this file and restarts workers; it does not load new code (a deploy rolls new pods).
- Recycling after ``max_requests`` plus a wide jitter (up to half of it), and one worker
  at a time: a worker that reaches its limit while another is being replaced serves
  ``RECYCLE_POSTPONE`` more requests first (``recycle_claim``), so at most one worker of
  the pod is ever down for a recycle.
- A worker that stops (recycle, ``HUP``, ``SIGTERM``) closes its copy of the listening
  socket as soon as it stops accepting. When the whole server stops, that makes new
  connections fail at once (the kernel refuses them) instead of queueing on a socket
  nobody will accept from, while in-flight requests still drain.
"""

import fcntl
import os
import tempfile
import threading
import time
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
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 2)
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
# Import the app once, in the master; see the module docstring for what is made after fork.
preload_app = True
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
# The variable is set here, when gunicorn reads this file: with preload_app the master
# imports prometheus_client (through the app) before any server hook runs, and the
# library picks multiprocess mode at import.
# https://prometheus.github.io/client_python/multiprocess/
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="prometheus-")
metrics_port = _int("METRICS_PORT", 9100)
metrics_bind_host = os.environ.get("METRICS_BIND_HOST", bind.rsplit(":", 1)[0])


def on_starting(server):
    """Wipe (or make) the multiprocess directory before any worker writes to it.

    Samples left by a previous run would be summed into this one's counters.
    """
    configured = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    path = Path(configured or tempfile.mkdtemp(prefix="prometheus-"))
    path.mkdir(parents=True, exist_ok=True)
    # Only prometheus_client's sample files: the variable may name a shared directory.
    for sample_file in path.glob("*.db"):
        sample_file.unlink(missing_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)


def when_ready(server):
    """Before the first fork: finish loading the app, then start the metrics exporter."""
    if preload_app and django_app_loaded():
        app_finish_loading(server=server)
    metrics_exporter_start(server=server)


def django_app_loaded() -> bool:
    """True when the app gunicorn serves is this Django project (cms.wsgi sets the
    variable); the hooks below then have Django to work with."""
    return bool(os.environ.get("DJANGO_SETTINGS_MODULE"))


def app_finish_loading(*, server) -> None:
    """Import, in the master and once, what Django would import on a worker's first request.

    Django loads the URLconf (and through it Wagtail's admin, the API's views and
    serializers) and the database and cache backends (psycopg2, redis-py) lazily:
    seconds of CPU each new worker would spend while its first requests wait. Nothing
    connects here; connections are made per worker. ``gc.freeze()`` then keeps the
    workers' garbage collector off the inherited objects, so their memory stays shared.
    https://docs.python.org/3/library/gc.html#gc.freeze
    """
    import gc

    from django.conf import settings
    from django.core.cache import caches
    from django.db import connections
    from django.urls import get_resolver

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - the import is the point
    resolver._populate()  # the reverse() tables, built once here rather than per worker
    for alias in settings.CACHES:
        caches[alias]
    for alias in settings.DATABASES:
        connections[alias]
    gc.freeze()
    server.log.info("Application loaded in the master")


def metrics_exporter_start(*, server) -> None:
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


def pre_fork(server, worker):
    """Close the master's database connections before forking a worker.

    Two processes sharing one PostgreSQL socket corrupt each other's sessions. Loading
    the app opens none today; this keeps it so whatever the app does at import.
    """
    if not django_app_loaded():
        return
    from django.db import connections

    connections.close_all()


def post_fork(server, worker):
    """Per worker, after fork: tracing (serving.telemetry) and the early listener close."""
    from serving.telemetry import telemetry_configure

    if telemetry_configure() and preload_app and django_app_loaded():
        middleware_chain_rebuild(application=worker.app.wsgi())
    listener_close_on_stop(worker=worker)
    worker.recycle_lock = threading.Lock()
    worker.recycle_claim_path = _recycle_claim_path
    recycle_done(path=_recycle_claim_path)
    server.log.info("Worker %s ready", worker.pid)


def middleware_chain_rebuild(*, application) -> None:
    """Build Django's middleware chain again, now that tracing is on in this worker.

    The Django instrumentation adds its middleware to ``settings.MIDDLEWARE``, but the
    preloaded handler built its chain in the master, before any worker turned tracing
    on; without this, a worker would export no request spans.
    """
    load_middleware = getattr(application, "load_middleware", None)
    if load_middleware is not None:
        load_middleware()


def listener_close_on_stop(*, worker) -> None:
    """Close the worker's listening sockets the moment it stops accepting for good.

    gunicorn's gthread worker stops accepting when it begins to stop, but keeps its
    inherited copy of the listening socket open until its drain ends; the kernel then
    keeps queueing new connections on a socket nobody will accept from. Closed early,
    the socket lives on in the master and the other workers while they serve, and is
    gone (connections refused at once) when the whole server is stopping.
    """
    set_accept_enabled = getattr(worker, "set_accept_enabled", None)
    if set_accept_enabled is None:  # not a gthread worker
        return

    def set_accept_enabled_then_close(enabled):
        set_accept_enabled(enabled)
        if not enabled and not worker.alive:
            for listener in worker.sockets:
                listener.close()

    worker.set_accept_enabled = set_accept_enabled_then_close


# Requests a worker serves before trying again when another one is being replaced.
RECYCLE_POSTPONE = 100
# A claim older than this is stale (its worker died without a replacement reporting).
RECYCLE_CLAIM_SECONDS = graceful_timeout + 30
# The one file the workers of this server coordinate recycling through (on tmpfs), named
# for the master (this file is read in the master; workers inherit the value).
_recycle_claim_path = Path(worker_tmp_dir or tempfile.gettempdir()) / (
    f"gunicorn-recycle-{os.getpid()}"
)


def on_exit(server):
    _recycle_claim_path.unlink(missing_ok=True)


def recycle_claim(*, path: Path, now: float) -> bool:
    """Claim the pod's single recycle slot: True unless another worker holds it now.

    The claim is a timestamp in a file shared by the workers, read and written under an
    exclusive ``flock``; the replacement worker clears it once forked (``recycle_done``).
    """
    with path.open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        text = handle.read().strip()
        since = float(text) if text else 0.0
        if since and now - since < RECYCLE_CLAIM_SECONDS:
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(repr(now))
        return True


def recycle_done(*, path: Path) -> None:
    """A new worker is up: the recycle slot is free again."""
    with path.open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.truncate(0)


def pre_request(worker, req):
    """Before the request that reaches ``max_requests``: recycle now, or postpone if
    another worker of this server is being replaced."""
    if worker.nr + 1 < worker.max_requests:
        return
    with worker.recycle_lock:  # the worker's threads decide once
        if worker.nr + 1 < worker.max_requests or getattr(worker, "recycling", False):
            return
        if recycle_claim(path=worker.recycle_claim_path, now=time.time()):
            worker.recycling = True
            worker.log.info("Worker %s recycling after %s requests", worker.pid, worker.nr + 1)
        else:
            worker.max_requests += RECYCLE_POSTPONE


def worker_exit(server, worker):
    """Flush the worker's pending spans before it goes."""
    from serving.telemetry import telemetry_enabled, telemetry_shutdown

    if telemetry_enabled(environ=dict(os.environ)):
        telemetry_shutdown()
