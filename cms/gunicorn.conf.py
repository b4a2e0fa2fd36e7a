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


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = f"{os.environ.get('GUNICORN_BIND_HOST', '0.0.0.0')}:{_int('PORT', 8000)}"  # noqa: S104 - a container listens on all interfaces
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
_shm = "/dev/shm"  # noqa: S108 - gunicorn's documented choice for worker heartbeats
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", _shm if os.path.isdir(_shm) else None)
# Load the app in each worker after fork: telemetry and connections are made per process.
preload_app = False
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
