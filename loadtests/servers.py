"""Start and stop the servers that load tests and benchmarks measure (never imports Django).

Everything runs on loopback: gunicorn with the production configuration
(``cms/gunicorn.conf.py``, gthread) on PostgreSQL and Redis, in production mode with
throwaway secrets. The database is seeded with ``seed_demo`` (idempotent, so a second run
starts at once).
"""

import os
import secrets
import signal
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
            "GUNICORN_BIND_HOST": "127.0.0.1",
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
    """A gunicorn master and its workers, with CPU and memory read from /proc."""

    name: str
    port: int
    process: subprocess.Popen
    log: Path
    worker_pids: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, *, path: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=10) as response:  # noqa: S310
                    if response.status == 200:
                        self.worker_pids = _children(self.process.pid)
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        raise TimeoutError(f"{self.name} not ready after {timeout} s; see {self.log}")

    def wait_idle(self, *, timeout: float = 60, fast: float = 0.05) -> None:
        """Wait until the server has worked off its queue: a probe answers within ``fast``
        seconds twice in a row (a run's last requests can still be queued after wrk stops)."""
        deadline = time.monotonic() + timeout
        quick = 0
        while quick < 2 and time.monotonic() < deadline:
            started = time.monotonic()
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=timeout):  # noqa: S310
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

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def gunicorn_start(
    *, name: str, port: int, env: dict[str, str], log_dir: Path, workers: int = 3, threads: int = 2
) -> Server:
    """gunicorn with the project's configuration; its logs (JSON access lines included, as
    in production) go to ``log_dir/<name>.log``."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"{name}.log"
    env = {
        **env,
        "PORT": str(port),
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": str(threads),
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "cms/gunicorn.conf.py",
        "--access-logfile",
        "/dev/null",
        "cms.wsgi:application",
    ]
    with log.open("w") as handle:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT
        )
    return Server(name=name, port=port, process=process, log=log)


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
