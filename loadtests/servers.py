"""Start and stop the servers that tests, load tests and benchmarks talk to.

The one harness for every server process: gunicorn with the project's configuration
(``cms/gunicorn.conf.py``, gthread), and any other program (Prometheus, Redis, ...). It
never imports Django, so locust and the benchmark use it as they are.

- Ports are chosen by the kernel. gunicorn is handed a socket this process has already
  bound to port 0 and listening (``--bind fd://N``): no window in which another process
  can take the port. Programs that only take a port number get one the kernel picked.
- One readiness check: an HTTP answer below 500 on ``ready_path`` while the process is
  alive; a process that exits first fails at once, with the end of its log.
- One stop: SIGTERM (gunicorn's graceful shutdown: in-flight requests finish), then
  SIGKILL to the whole process group after ``grace`` seconds.

Outputs go to files (a pipe nobody reads fills up and stalls the server).
"""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/blog_loadtest"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
LOOPBACK = "127.0.0.1"


def port_free() -> int:
    """A loopback port the kernel has just chosen, for programs that bind by number.

    gunicorn never needs this (it gets an already bound socket).
    """
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def server_environment(**overrides: str) -> dict[str, str]:
    """The environment of a measured server: production mode, loopback, no rate limit."""
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    env.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    env.setdefault("CACHE_KEY_PREFIX", "loadtest")
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": env.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "STATIC_MANIFEST": "0",
            # A load generator on loopback is one client: never rate-limit or block it.
            "API_RATE_LIMIT": env.get("LOADTEST_API_RATE_LIMIT", "1000000/second"),
            "IP_BLOCKLIST": "",
            "LOG_LEVEL": "WARNING",
            # Keep the same workers for the whole run so CPU and memory are measurable.
            "GUNICORN_MAX_REQUESTS": "0",
        }
    )
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def database_prepare(*, posts: int, env: dict[str, str]) -> None:
    """Create the database if needed, migrate and seed ``posts`` posts (idempotent)."""
    url = env["DATABASE_URL"]
    if url.startswith("postgres"):
        name = url.rsplit("/", 1)[1]
        admin = url.rsplit("/", 1)[0] + "/postgres"
        subprocess.run(  # noqa: S603
            ["psql", admin, "-qc", f'CREATE DATABASE "{name}"'],  # noqa: S607
            capture_output=True,
            check=False,
        )
    manage("migrate", "--no-input", "-v", "0", env=env)
    manage("seed_demo", "--posts", str(posts), env=env)


@dataclass
class Server:
    """A server process (gunicorn's master and its workers, or any other program)."""

    name: str
    port: int
    process: subprocess.Popen
    stdout_path: Path
    stderr_path: Path
    metrics_port: int = 0
    worker_pids: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def metrics_url(self) -> str:
        return f"http://{LOOPBACK}:{self.metrics_port}/metrics"

    def output(self) -> str:
        """Everything the process wrote so far (stdout, then stderr)."""
        text = self.stdout_path.read_text(errors="replace")
        if self.stderr_path != self.stdout_path:
            text += self.stderr_path.read_text(errors="replace")
        return text

    def stdout_lines(self) -> list[str]:
        return [line for line in self.stdout_path.read_text().splitlines() if line.strip()]

    def wait_ready(self, *, path: str = "/healthz", timeout: float = 180) -> "Server":
        """Poll ``path`` until it answers below 500; fail at once if the process exits."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode} before it was ready:\n"
                    + self.output()[-4000:]
                )
            try:
                # A loopback URL this module builds, never user input.
                with urllib.request.urlopen(self.url + path, timeout=10) as response:  # noqa: S310  # nosec B310
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = None
            if status is not None and status < 500:
                self.worker_pids = _children(self.process.pid)
                return self
            if time.monotonic() > deadline:
                self.stop(grace=5)
                raise TimeoutError(
                    f"{self.name} not ready after {timeout} s:\n" + self.output()[-4000:]
                )
            time.sleep(0.2)

    def stop(self, *, grace: float = 40) -> int:
        """SIGTERM, then SIGKILL to the process group after ``grace`` seconds; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return self.process.returncode

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def wait_idle(self, *, timeout: float = 60, fast: float = 0.05) -> None:
        """Wait until the server has worked off its queue: a probe answers within ``fast``
        seconds twice in a row (a run's last requests can still be queued after wrk stops)."""
        deadline = time.monotonic() + timeout
        quick = 0
        while quick < 2 and time.monotonic() < deadline:
            started = time.monotonic()
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=timeout):  # noqa: S310  # nosec B310
                    pass
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
                continue
            quick = quick + 1 if time.monotonic() - started < fast else 0
            time.sleep(0.1)

    def cpu_seconds(self) -> float:
        """User + system CPU of the master, its live workers and workers it has reaped."""
        total = _cpu(self.process.pid, include_children=True)
        for pid in _children(self.process.pid):
            total += _cpu(pid, include_children=False)
        return total

    def worker_rss_mib(self) -> list[float]:
        sizes = []
        for pid in _children(self.process.pid):
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(int(line.split()[1]) / 1024)
            except FileNotFoundError:
                continue
        return sizes


def server_start(
    *,
    name: str,
    command: list[str],
    log_dir: Path,
    port: int,
    env: dict[str, str] | None = None,
    pass_fds: tuple[int, ...] = (),
    cwd: Path = ROOT,
) -> Server:
    """Start ``command`` in its own process group; stdout and stderr go to ``log_dir``."""
    log_dir.mkdir(parents=True, exist_ok=True)
    stdout_path, stderr_path = log_dir / f"{name}.out", log_dir / f"{name}.err"
    with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
        process = subprocess.Popen(  # noqa: S603  # nosec B603
            command,
            cwd=cwd,
            env=env if env is not None else dict(os.environ),
            stdout=stdout,
            stderr=stderr,
            pass_fds=pass_fds,
            # Its own group: the escalating stop reaches gunicorn's workers too.
            start_new_session=True,
        )
    return Server(
        name=name, port=port, process=process, stdout_path=stdout_path, stderr_path=stderr_path
    )


def gunicorn_start(
    *,
    name: str,
    env: dict[str, str],
    log_dir: Path,
    port: int = 0,
    workers: int = 3,
    threads: int = 2,
    metrics: bool = False,
    app: str = "cms.wsgi:application",
    python: str = sys.executable,
) -> Server:
    """``gunicorn -c cms/gunicorn.conf.py <app>`` on loopback; not waited for (``wait_ready``).

    ``port`` 0 lets the kernel choose. ``metrics`` serves the Prometheus exporter on a
    port of its own (``Server.metrics_url``); off, no two servers fight over METRICS_PORT.
    """
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((LOOPBACK, port))
    listener.listen(2048)
    bound = listener.getsockname()[1]
    metrics_port = port_free() if metrics else 0
    multiproc_dir = log_dir / f"{name}-prometheus"
    multiproc_dir.mkdir(parents=True, exist_ok=True)
    env = {
        "PROMETHEUS_MULTIPROC_DIR": str(multiproc_dir),
        "PYTHONUNBUFFERED": "1",
        **env,
        "GUNICORN_BIND_HOST": LOOPBACK,
        "PORT": str(bound),
        "METRICS_PORT": str(metrics_port),
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": str(threads),
    }
    # The command line's --bind wins over the configuration file's (gunicorn's precedence).
    command = [python, "-m", "gunicorn", "-c", "cms/gunicorn.conf.py"]
    command += ["--bind", f"fd://{listener.fileno()}", app]
    try:
        server = server_start(
            name=name,
            command=command,
            env=env,
            log_dir=log_dir,
            port=bound,
            pass_fds=(listener.fileno(),),
        )
    finally:
        # gunicorn holds its own copy; closing ours lets the port go when gunicorn exits.
        listener.close()
    server.metrics_port = metrics_port
    return server


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(p) for p in text.split()]


def _cpu(pid: int, *, include_children: bool) -> float:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    # Fields 14-17 of proc(5): utime, stime, cutime, cstime (here offset by the 2 first).
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
    ticks = utime + stime + (cutime + cstime if include_children else 0)
    return ticks / CLOCK_TICKS
