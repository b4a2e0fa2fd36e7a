"""``make bench`` (second part): the cache under a cold storm, and a change's way to the
readers, on one machine in one run.

One gunicorn (3 gthread workers x 2 threads) on PostgreSQL and Redis, the real worker
(``manage.py db_worker``) and a webhook receiver on loopback, ``BENCH_POSTS`` posts
(default 1,000). A *hot set* of 50 URLs: first pages of listings (filters, field
selections, page sizes) and post details. Scenarios, in order:

- **warm hit**: the floor (a trivial Django view, ``/floor/`` on the stock stack's
  server), then warm listings and warm details, ``wrk`` with 50 connections each. Target:
  warm list and detail at least 55% of the floor's requests/s.
- **cold storm**: ``wrk`` with 50 connections on the warm hot set (its p99 is the warm
  p99), then the project's Redis keys are deleted and ``wrk`` runs for 10 s more. Targets:
  no URL computed more than once (counted: every computed response adds one to its URL's
  score in the re-warming hot set, which the flush emptied), 0 errors, p99 of those 10 s at
  most 5x the warm p99.
- **publish → delivered**: ``BENCH_PUBLISHES`` (default 20) publishes, one every 0.5 s,
  each timed from its commit to the webhook receiver. Target: p95 under 1 s.
- **after publish**: once the worker has worked off each publish, the first request to
  the changed detail and to the first listing page. Target: both are cache hits.

Traffic goes to 127.0.0.1 only, and every run stops by itself. Results, the date, the
machine and its load are appended to ``loadtests/RESULTS.md``; compare ratios within one
run, never absolute numbers across runs.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench import RESULTS, _load, _paths_write, machine_describe, wrk_run
from servers import ROOT, database_prepare, gunicorn_start, port_free, server_environment

HERE = Path(__file__).resolve().parent
LISTING = "/api/v2/pages/?type=blog.BlogPostPage"
HOT_LISTINGS = [
    LISTING,
    f"{LISTING}&fields=*",
    f"{LISTING}&limit=10",
    f"{LISTING}&limit=5&fields=title,excerpt",
    f"{LISTING}&order=title",
    f"{LISTING}&order=-first_published_at&limit=12",
    "/api/v2/pages/",
    "/api/v2/authors/",
    "/api/v2/categories/",
    "/api/v2/tags/",
]

# The publisher: one post edited and published per line read on stdin, in its own
# transaction; prints the page id and the Unix time right after the commit.
PUBLISHER = """
import json, sys, time
from blog.models import BlogPostPage
posts = list(BlogPostPage.objects.live().order_by("-pk")[:5])
for n, line in enumerate(sys.stdin):
    post = posts[n % len(posts)].get_latest_revision_as_object()
    post.title = f"Bench publish {n}"
    post.save_revision().publish()  # one transaction: commits here
    print(json.dumps({"id": post.pk, "committed": time.time()}), flush=True)
"""


OUTBOX_EMPTY = (
    "from django_tasks_db.models import DBTaskResult; DBTaskResult.objects.all().delete()"
)


class Receiver(BaseHTTPRequestHandler):
    """Webhook receiver: the arrival time of every ``page.updated`` event, by page id."""

    arrivals: dict[int, list[float]] = {}

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        arrived = time.time()
        event = json.loads(body)
        if event.get("type") in ("page.updated", "page.published"):
            self.arrivals.setdefault(event["data"]["id"], []).append(arrived)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def _manage(*args: str, env: dict[str, str]) -> str:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _redis(env):
    import redis

    return redis.Redis.from_url(env["REDIS_URL"])


def _cache_flush(env: dict[str, str]) -> int:
    """Delete every key under the project's prefix (the shared Redis keeps everyone else's)
    in one command, so that, like ``FLUSHDB``, no request sees half of them gone: a request
    still in flight that read a URL's tokens before the deletion and missed its entry after
    it would compute the URL under the old tokens, and it would count as computed twice."""
    client = _redis(env)
    keys = list(client.scan_iter(match=f"{env['CACHE_KEY_PREFIX']}:*", count=1000))
    if keys:
        client.unlink(*keys)
    return len(keys)


def _computations(env: dict[str, str]) -> dict[str, int]:
    """Computed responses per URL since the flush (the re-warming hot sets' scores)."""
    client = _redis(env)
    counts = {}
    for key in client.scan_iter(match=f"{env['CACHE_KEY_PREFIX']}:*:hot:*", count=1000):
        for member, score in client.zrange(key, 0, -1, withscores=True):
            counts[member.decode()] = int(score)
    return counts


def _get(url: str) -> tuple[int, dict]:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback
        response.read()
        return response.status, dict(response.headers)


def _worker_idle(env: dict[str, str]) -> bool:
    """No task waiting or running (the metrics' outbox depth leaves running ones out)."""
    import psycopg2

    connection = psycopg2.connect(env["DATABASE_URL"])
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult"
                " WHERE status IN ('READY', 'RUNNING')"
            )
            return cursor.fetchone()[0] == 0
    finally:
        connection.close()


def _published_read(stream) -> dict:
    """The publisher's next line about a commit (``manage.py shell`` prints other lines)."""
    for line in stream:
        if line.startswith('{"id"'):
            return json.loads(line)
    raise RuntimeError("the publisher stopped")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=int(os.environ.get("BENCH_POSTS", 1000)))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--publishes", type=int, default=int(os.environ.get("BENCH_PUBLISHES", 20)))
    args = parser.parse_args()

    env = server_environment(TASKS_BACKEND="database", WEBHOOK_ALLOW_PRIVATE_URLS="1")
    database_prepare(posts=args.posts, env=env)
    # Seeding wrote its own events to the outbox: what is measured starts from an empty one.
    _manage("shell", "-c", OUTBOX_EMPTY, env=env)
    log_dir = HERE / "reports"
    load_before = _load()
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    receiver_url = f"http://127.0.0.1:{receiver.server_port}/hooks"
    endpoint_id = _manage("webhook_endpoint", "add", "--url", receiver_url, env=env).split()[3]
    project_env = {**env, "DJANGO_SETTINGS_MODULE": "cms.settings"}
    stock_env = {**env, "DJANGO_SETTINGS_MODULE": "loadtests.stock.settings"}
    project = gunicorn_start(name="pbench-project", env=project_env, log_dir=log_dir)
    floor = gunicorn_start(name="pbench-floor", env=stock_env, log_dir=log_dir)
    worker_metrics = port_free()
    worker_log = (log_dir / "pbench-worker.log").open("wb")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.1"],
        cwd=ROOT,
        env={**project_env, "WORKER_METRICS_PORT": str(worker_metrics)},
        stdout=worker_log,
        stderr=subprocess.STDOUT,
    )
    results: dict = {"runs": {}}
    try:
        project.wait_ready(path=f"{LISTING}&limit=1")
        floor.wait_ready(path="/floor/")
        first_posts = f"{project.url}{LISTING}&limit=40"
        with urllib.request.urlopen(first_posts, timeout=60) as response:  # noqa: S310
            ids = [item["id"] for item in json.loads(response.read())["items"]]
        details = [f"/api/v2/pages/{i}/" for i in ids]
        hot = HOT_LISTINGS + details
        directory = Path(tempfile.mkdtemp(prefix="pbench-"))
        files = {
            "floor": _paths_write(directory, "floor", ["/floor/"]),
            "list": _paths_write(directory, "list", HOT_LISTINGS),
            "detail": _paths_write(directory, "detail", details),
            "hot": _paths_write(directory, "hot", hot),
        }
        for path in hot:  # warm
            _get(project.url + path)

        def measured(name, server, paths_file, seconds=args.seconds):
            summary, _cpu = wrk_run(
                server=server, paths_file=paths_file, seconds=seconds, connections=args.connections
            )
            server.wait_idle()
            errors = sum(v for k, v in summary.items() if k.startswith("errors_"))
            run = {
                "rps": summary["requests"] / (summary["duration_us"] / 1e6),
                "requests": summary["requests"],
                "p50_ms": summary["p50_us"] / 1000,
                "p95_ms": summary["p95_us"] / 1000,
                "p99_ms": summary["p99_us"] / 1000,
                "errors": errors,
            }
            results["runs"][name] = run
            print(f"{name:12} {run['rps']:8.1f} req/s  p99 {run['p99_ms']:7.1f} ms  "
                  f"errors {errors}", flush=True)  # fmt: skip
            return run

        # Warm hit against the floor.
        measured("floor", floor, files["floor"])
        measured("warm list", project, files["list"])
        measured("warm detail", project, files["detail"])
        # Cold storm.
        measured("warm hot set", project, files["hot"])
        flushed = _cache_flush(env)
        measured("cold storm", project, files["hot"])
        computed = _computations(env)
        results["storm"] = {
            "keys_flushed": flushed,
            "urls_computed": len(computed),
            "most_computations_of_one_url": max(computed.values(), default=0),
            "hot_set": len(hot),
        }
        # Publish → delivered, and the first reads after each publish.
        for path in hot:  # the storm recomputed them; make sure every one is warm again
            _get(project.url + path)
        publisher = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "shell", "-c", PUBLISHER],
            cwd=ROOT,
            env=project_env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        latencies, first_reads = [], []
        for _ in range(args.publishes):
            publisher.stdin.write("go\n")
            publisher.stdin.flush()
            published = _published_read(publisher.stdout)
            page_id, committed = published["id"], published["committed"]
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not Receiver.arrivals.get(page_id):
                time.sleep(0.005)
            arrived = Receiver.arrivals.pop(page_id, [None])[0]
            latencies.append((arrived - committed) if arrived else float("inf"))
            while time.monotonic() < deadline and not _worker_idle(env):
                time.sleep(0.05)  # the worker re-warms after delivering
            _, detail_headers = _get(f"{project.url}/api/v2/pages/{page_id}/")
            _, listing_headers = _get(f"{project.url}{LISTING}")
            first_reads.append((detail_headers.get("X-Cache"), listing_headers.get("X-Cache")))
            time.sleep(0.5)
        publisher.stdin.close()
        publisher.wait(timeout=60)
        results["publish"] = {
            "publishes": len(latencies),
            "p50_ms": 1000 * statistics.median(latencies),
            "p95_ms": 1000 * _percentile(latencies, 0.95),
            "max_ms": 1000 * max(latencies),
            "first_detail_hits": sum(1 for d, _ in first_reads if d == "hit"),
            "first_listing_hits": sum(1 for _, listing in first_reads if listing == "hit"),
        }
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        project.stop()
        floor.stop()
        receiver.shutdown()
        _manage("webhook_endpoint", "remove", endpoint_id, env=env)
    report = results_markdown(results=results, args=args, load_before=load_before)
    with RESULTS.open("a") as handle:
        handle.write(report)
    print(report)
    return 0 if results["passed"] else 1


def results_markdown(*, results: dict, args, load_before: str) -> str:
    runs, storm, publish = results["runs"], results["storm"], results["publish"]
    floor = runs["floor"]["rps"]
    list_share = runs["warm list"]["rps"] / floor
    detail_share = runs["warm detail"]["rps"] / floor
    storm_ratio = runs["cold storm"]["p99_ms"] / runs["warm hot set"]["p99_ms"]
    checks = {
        "warm list ≥ 55% of floor": list_share >= 0.55,
        "warm detail ≥ 55% of floor": detail_share >= 0.55,
        "cold storm: no URL computed twice": storm["most_computations_of_one_url"] <= 1,
        "cold storm: 0 errors": runs["cold storm"]["errors"] == 0,
        "cold storm: p99 ≤ 5x warm p99": storm_ratio <= 5,
        "publish → delivered p95 < 1 s": publish["p95_ms"] < 1000,
        "after publish: first detail read is a hit": (
            publish["first_detail_hits"] == publish["publishes"]
        ),
        "after publish: first listing read is a hit": (
            publish["first_listing_hits"] == publish["publishes"]
        ),
    }
    results["passed"] = all(checks.values())
    date = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        "",
        f"## {date}: cache storm and change propagation (`loadtests/propagation_bench.py`)",
        "",
        f"- machine: {machine_describe()}",
        f"- load average (1/5/15 min): {load_before} before, {_load()} after",
        f"- {args.posts} posts, {args.connections} connections, {args.seconds} s per run, "
        f"hot set of {storm['hot_set']} URLs",
        "",
        "| run | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, run in runs.items():
        lines.append(
            f"| {name} | {run['rps']:,.1f} | {run['p50_ms']:.1f} | {run['p95_ms']:.1f} | "
            f"{run['p99_ms']:.1f} | {run['errors']} |"
        )
    lines += [
        "",
        f"- warm hit: list {list_share:.0%}, detail {detail_share:.0%} of the floor's req/s",
        f"- cold storm: {storm['keys_flushed']} keys deleted under load; "
        f"{storm['urls_computed']} URLs computed, at most "
        f"{storm['most_computations_of_one_url']} time(s) each; "
        f"p99 {storm_ratio:.1f}x the warm p99",
        f"- publish → delivered ({publish['publishes']} publishes): p50 "
        f"{publish['p50_ms']:.0f} ms, p95 {publish['p95_ms']:.0f} ms, max "
        f"{publish['max_ms']:.0f} ms",
        f"- after publish: first detail read a hit {publish['first_detail_hits']}/"
        f"{publish['publishes']}, first listing read a hit "
        f"{publish['first_listing_hits']}/{publish['publishes']}",
        "",
        "| target | met |",
        "| --- | --- |",
        *(f"| {name} | {'yes' if ok else '**no**'} |" for name, ok in checks.items()),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
