"""Fault drills against gunicorn with the production configuration, under steady load.

    python loadtests/faults.py soak        # 3 min, workers recycling (max_requests on)
    python loadtests/faults.py hup         # two HUP reloads under load
    python loadtests/faults.py redis-stop  # Redis SIGSTOP for 10 s under load
    python loadtests/faults.py redis-kill  # Redis SIGKILL under load, then back
    python loadtests/faults.py postgres-stop  # a private PostgreSQL stopped under gunicorn

Each drill starts a private redis-server on a free loopback port and gunicorn
(``cms/gunicorn.conf.py``, 3 gthread workers) on PostgreSQL (``DATABASE_URL``, seeded
with ``seed_demo``), then runs ``--clients`` threads that each send one request after
another (new connection each time, a mix of uncached post details and listings) while
``/healthz`` and ``/readyz`` are polled every 0.5 s. It prints one JSON object with what
it saw and exits 1 if a threshold is breached:

- 0 failed requests (any exception or 5xx) and 0 failed ``/healthz`` polls;
- no window over 1 s without a completed request;
- soak: at most one worker down (between "recycling" and its replacement's "ready") at a
  time;
- Redis drills: p99 during the fault at most 1 s, ``/readyz`` 200 throughout, at most
  ``--max-warnings`` WARNING lines and no traceback in the server's log.

The numbers of the last runs are in docs/operations.md. Never imports Django.
"""

import argparse
import contextlib
import http.client
import itertools
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loadtests.servers import database_prepare, gunicorn_start, server_environment

GAP_LIMIT = 1.0
P99_LIMIT = 1.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Sample:
    started: float
    finished: float
    status: int | None  # None: the request failed without an HTTP answer
    kind: str

    @property
    def failed(self) -> bool:
        return self.status is None or self.status >= 500


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


def http_get(port: int, path: str, *, timeout: float) -> int | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def load_run(*, port: int, paths: list[str], recorder: Recorder, stop: threading.Event) -> None:
    rng = random.Random()
    while not stop.is_set():
        path = rng.choice(paths)
        started = time.monotonic()
        status = http_get(port, path, timeout=30)
        recorder.add(Sample(started, time.monotonic(), status, "load"))


def probe_run(*, port: int, path: str, recorder: Recorder, stop: threading.Event) -> None:
    while not stop.is_set():
        started = time.monotonic()
        status = http_get(port, path, timeout=1.0)
        recorder.add(Sample(started, time.monotonic(), status, path))
        stop.wait(max(0.0, 0.5 - (time.monotonic() - started)))


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def gaps_over(finishes: list[float], *, limit: float, start: float, end: float) -> list[float]:
    points = [start, *sorted(finishes), end]
    return [round(b - a, 3) for a, b in itertools.pairwise(points) if b - a > limit]


def log_lines(server) -> list[dict]:
    """The server's log records, stdout (the app's JSON lines) and stderr (gunicorn's)."""
    records = []
    for line in server.output().splitlines():
        if line.startswith("{"):
            with contextlib.suppress(ValueError):
                records.append(json.loads(line))
                continue
        records.append({"message": line, "level": "RAW"})
    return records


def workers_down_max(records: list[dict]) -> tuple[int, int]:
    """(recycles, most workers down at once): a worker is down from its "recycling" line to
    the next "ready" line of a worker forked after it (replacements pair up in order)."""
    events = []
    for record in records:
        message = str(record.get("message", ""))
        if "time" not in record:
            continue
        stamp = record["time"]
        if " recycling after " in message:
            events.append((stamp, +1))
        elif message.startswith("Worker ") and message.endswith(" ready"):
            events.append((stamp, -1))
    down = most = recycles = 0
    for _, change in sorted(events):
        if change > 0:
            recycles += 1
            down += 1
        elif down:
            down -= 1
        most = max(most, down)
    return recycles, most


def redis_start(*, port: int, directory: Path) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [  # noqa: S607 - redis-server from PATH, like psql in loadtests/servers.py
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "drill", choices=["soak", "hup", "redis-stop", "redis-kill", "postgres-stop"]
    )
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--max-requests", default=None, help="GUNICORN_MAX_REQUESTS for soak")
    parser.add_argument("--max-warnings", type=int, default=10)
    args = parser.parse_args()
    if args.drill == "postgres-stop":
        return postgres_stop_drill(posts=args.posts)
    seconds = (
        args.seconds or {"soak": 180, "hup": 40, "redis-stop": 30, "redis-kill": 30}[args.drill]
    )

    work = Path(tempfile.mkdtemp(prefix=f"faults-{args.drill}-"))
    redis_port = free_port()
    redis = redis_start(port=redis_port, directory=work)
    env = server_environment(
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        CACHE_KEY_PREFIX="faults",
        LOG_LEVEL="INFO",
        METRICS_PORT="0",
        OTEL_SDK_DISABLED="true",
        # The rate limiter on, so its counter is one of the Redis uses under test.
        API_RATE_LIMIT="1000000/min",
    )
    env.pop("GUNICORN_MAX_REQUESTS")  # the configuration's own recycling
    if args.max_requests:
        env["GUNICORN_MAX_REQUESTS"] = args.max_requests
    database_prepare(posts=args.posts, env={**env, "LOG_LEVEL": "WARNING"})
    port = free_port()
    server = gunicorn_start(name=args.drill, port=port, env=env, log_dir=work)
    result: dict = {"drill": args.drill, "seconds": seconds, "clients": args.clients}
    try:
        server.wait_ready(path="/healthz")
        listing = json.loads(urllib_get(port, "/api/v2/pages/?type=blog.BlogPostPage&limit=100"))
        ids = [item["id"] for item in listing["items"]]
        paths = [f"/api/v2/pages/{i}/" for i in ids] + [
            f"/api/v2/pages/?type=blog.BlogPostPage&limit=10&offset={n}" for n in range(0, 90, 10)
        ]
        # One pass first: renditions and other first-read work are made before the clock
        # starts, so the drill measures the fault, not a cold start.
        for path in paths:
            urllib_get(port, path)
        recorder, stop = Recorder(), threading.Event()
        threads = [
            threading.Thread(
                target=load_run,
                args=(),
                kwargs={"port": port, "paths": paths, "recorder": recorder, "stop": stop},
            )
            for _ in range(args.clients)
        ] + [
            threading.Thread(
                target=probe_run,
                kwargs={"port": port, "path": probe, "recorder": recorder, "stop": stop},
            )
            for probe in ("/healthz", "/readyz")
        ]
        start = time.monotonic()
        for thread in threads:
            thread.start()
        fault_window = drill_run(
            drill=args.drill,
            server=server,
            redis=redis,
            redis_port=redis_port,
            work=work,
            seconds=seconds,
            result=result,
        )
        remaining = start + seconds - time.monotonic()
        if remaining > 0:
            time.sleep(remaining)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        end = time.monotonic()
    finally:
        server.stop()
        if redis.poll() is None:
            os.kill(redis.pid, signal.SIGCONT)
            redis.kill()
        redis.wait()
        redis_again = result.get("_redis_again")
        if redis_again is not None and redis_again.poll() is None:
            redis_again.kill()
            redis_again.wait()
        result.pop("_redis_again", None)

    load = [s for s in recorder.samples if s.kind == "load"]
    health = [s for s in recorder.samples if s.kind == "/healthz"]
    ready = [s for s in recorder.samples if s.kind == "/readyz"]
    records = log_lines(server)
    result.update(
        requests=len(load),
        requests_per_second=round(len(load) / (end - start), 1),
        errors=sum(s.failed for s in load),
        statuses=sorted({s.status for s in load}, key=str),
        p50_ms=round(1000 * percentile([s.finished - s.started for s in load], 0.5), 1),
        p99_ms=round(1000 * percentile([s.finished - s.started for s in load], 0.99), 1),
        gaps_over_1s=gaps_over(
            [s.finished for s in load], limit=GAP_LIMIT, start=start + 1, end=end
        ),
        healthz_polls=len(health),
        healthz_failures=sum(s.status != 200 for s in health),
        readyz_polls=len(ready),
        readyz_not_200=sum(s.status != 200 for s in ready),
        warning_lines=sum(r.get("level") == "WARNING" for r in records),
        error_lines=sum(r.get("level") in {"ERROR", "CRITICAL"} for r in records),
        traceback_lines=sum("Traceback" in json.dumps(r) for r in records),
        log=str(server.stdout_path.parent),
    )
    failures = []
    if result["errors"]:
        failures.append("failed requests")
    if result["healthz_failures"]:
        failures.append("/healthz failed")
    if result["gaps_over_1s"]:
        failures.append("a window over 1 s without a completed request")
    if args.drill == "soak":
        recycles, most_down = workers_down_max(records)
        result.update(recycles=recycles, workers_down_at_once_max=most_down)
        if most_down > 1:
            failures.append("more than one worker down at once")
    if args.drill.startswith("redis"):
        begin, finish = fault_window
        during = [s.finished - s.started for s in load if begin <= s.started <= finish]
        outside = [s.finished - s.started for s in load if not begin <= s.started <= finish]
        result.update(
            outside_fault_p99_ms=round(1000 * (percentile(outside, 0.99) or 0), 1),
            fault_requests=len(during),
            fault_p50_ms=round(1000 * (percentile(during, 0.5) or 0), 1),
            fault_p99_ms=round(1000 * (percentile(during, 0.99) or 0), 1),
        )
        if result["fault_p99_ms"] > P99_LIMIT * 1000:
            failures.append("p99 during the fault over 1 s")
        if result["readyz_not_200"]:
            failures.append("/readyz not 200")
        if result["warning_lines"] > args.max_warnings:
            failures.append("too many WARNING lines")
        if result["traceback_lines"]:
            failures.append("tracebacks in the log")
    result["passed"] = not failures
    result["failures"] = failures
    print(json.dumps(result, indent=2))
    return 0 if not failures else 1


def urllib_get(port: int, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path)
        return connection.getresponse().read().decode()
    finally:
        connection.close()


def drill_run(*, drill, server, redis, redis_port, work, seconds, result) -> tuple[float, float]:
    """Inject the drill's fault; return the monotonic window it lasted."""
    if drill == "soak":
        return (0.0, 0.0)
    time.sleep(10)
    begin = time.monotonic()
    if drill == "hup":
        before = set(server_children(server))
        server.process.send_signal(signal.SIGHUP)
        time.sleep(12)
        server.process.send_signal(signal.SIGHUP)
        time.sleep(5)
        result["workers_replaced"] = not (before & set(server_children(server)))
    elif drill == "redis-stop":
        os.kill(redis.pid, signal.SIGSTOP)
        time.sleep(10)
        os.kill(redis.pid, signal.SIGCONT)
    elif drill == "redis-kill":
        redis.kill()
        redis.wait()
        time.sleep(10)
        result["_redis_again"] = redis_start(port=redis_port, directory=work)
    return begin, time.monotonic()


PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), Path("/usr/bin"))


def postgres_private_start(*, directory: Path, port: int) -> None:
    """initdb and start a PostgreSQL of our own (as the postgres user, trust auth)."""
    directory.mkdir(parents=True)
    shutil.chown(directory, "postgres", "postgres")
    as_postgres = ["runuser", "-u", "postgres", "--"]
    subprocess.run(  # noqa: S603
        [*as_postgres, str(PG_BIN / "initdb"), "-D", str(directory / "data"), "-A", "trust",
         "-U", "postgres"],
        check=True, capture_output=True,
    )  # fmt: skip
    postgres_private_ctl("start", directory=directory, port=port)


def postgres_private_ctl(action: str, *, directory: Path, port: int) -> None:
    options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1"
    command = [str(PG_BIN / "pg_ctl"), "-D", str(directory / "data"), "-w", "-m", "immediate"]
    subprocess.run(  # noqa: S603
        ["runuser", "-u", "postgres", "--", *command, "-o", options,  # noqa: S607
         "-l", str(directory / "log"), action],
        check=True, capture_output=True,
    )  # fmt: skip


def postgres_stop_drill(*, posts: int) -> int:
    """A copy of the seeded database on a private PostgreSQL; gunicorn on it; then
    PostgreSQL stops: cached reads 200, uncached API reads a JSON 503 with Retry-After,
    /healthz 200, /readyz 503; after a restart everything answers 200 again."""
    work = Path(tempfile.mkdtemp(prefix="faults-postgres-"))
    work.chmod(0o755)  # the postgres user must reach its directory inside
    env = server_environment(
        LOG_LEVEL="WARNING", METRICS_PORT="0", OTEL_SDK_DISABLED="true",
        CACHE_KEY_PREFIX=f"faults-pg-{os.getpid()}",
    )  # fmt: skip
    database_prepare(posts=posts, env=env)
    pg_port = free_port()
    postgres_private_start(directory=work / "pg", port=pg_port)
    private_url = f"postgres://postgres@127.0.0.1:{pg_port}/blog"
    subprocess.run(  # noqa: S603
        [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(pg_port), "-U", "postgres",
         "blog"],
        check=True,
    )  # fmt: skip
    dump = subprocess.run(  # noqa: S603
        [str(PG_BIN / "pg_dump"), "--no-owner", env["DATABASE_URL"]], check=True,
        capture_output=True,
    )  # fmt: skip
    subprocess.run(  # noqa: S603
        [str(PG_BIN / "psql"), "-q", private_url], input=dump.stdout, check=True,
        capture_output=True,
    )  # fmt: skip
    env["DATABASE_URL"] = private_url
    port = free_port()
    server = gunicorn_start(name="postgres-stop", port=port, env=env, log_dir=work)
    result: dict = {"drill": "postgres-stop"}
    try:
        server.wait_ready(path="/healthz")
        listing = json.loads(urllib_get(port, "/api/v2/pages/?type=blog.BlogPostPage&limit=40"))
        ids = [item["id"] for item in listing["items"]]
        warm, cold = ids[:20], ids[20:]
        for page_id in warm:
            urllib_get(port, f"/api/v2/pages/{page_id}/")
        postgres_private_ctl("stop", directory=work / "pg", port=pg_port)
        answers = [raw_get(port, f"/api/v2/pages/{page_id}/") for page_id in cold]
        answers += [raw_get(port, f"/api/v2/pages/?limit=3&offset={n}") for n in range(5)]
        cached = [raw_get(port, f"/api/v2/pages/{page_id}/") for page_id in warm]
        result.update(
            uncached_statuses=sorted({a[0] for a in answers}),
            uncached_all_json=all(a[1] == "application/json" for a in answers),
            uncached_retry_after=sorted({a[2] for a in answers}, key=str),
            uncached_messages=sorted({a[3].get("message", "") for a in answers}),
            cached_statuses=sorted({a[0] for a in cached}),
            healthz_during=raw_get(port, "/healthz")[0],
            readyz_during=raw_get(port, "/readyz")[0],
        )
        postgres_private_ctl("start", directory=work / "pg", port=pg_port)
        after = [raw_get(port, f"/api/v2/pages/{page_id}/")[0] for page_id in cold]
        result.update(after_restart_statuses=sorted(set(after)))
    finally:
        server.stop()
        with contextlib.suppress(subprocess.CalledProcessError):
            postgres_private_ctl("stop", directory=work / "pg", port=pg_port)
    failures = []
    if result.get("uncached_statuses") != [503] or not result.get("uncached_all_json"):
        failures.append("uncached reads are not all JSON 503s")
    if result.get("uncached_retry_after") in ([None], []):
        failures.append("no Retry-After")
    if result.get("cached_statuses") != [200]:
        failures.append("cached reads not served")
    if result.get("healthz_during") != 200 or result.get("readyz_during") != 503:
        failures.append("probes wrong during the outage")
    if result.get("after_restart_statuses") != [200]:
        failures.append("not recovered after the restart")
    result.update(passed=not failures, failures=failures, log=str(server.stdout_path.parent))
    print(json.dumps(result, indent=2))
    return 0 if not failures else 1


def raw_get(port: int, path: str) -> tuple[int | None, str, str | None, dict]:
    """(status, content type, Retry-After, JSON body or {}) of one GET."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        content_type = (response.getheader("Content-Type") or "").split(";")[0]
        try:
            data = json.loads(body) if content_type == "application/json" else {}
        except ValueError:
            data = {}
        return response.status, content_type, response.getheader("Retry-After"), data
    except (OSError, http.client.HTTPException):
        return None, "", None, {}
    finally:
        connection.close()


def server_children(server) -> list[int]:
    path = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    try:
        return [int(p) for p in path.read_text().split()]
    except FileNotFoundError:
        return []


if __name__ == "__main__":
    sys.exit(main())
