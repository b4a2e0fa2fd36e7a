"""``make bench``: this project vs stock Wagtail vs a trivial view, one machine, one run.

Same database (``BENCH_POSTS`` posts, default 10,000), same endpoints, same gunicorn
configuration (3 gthread workers x 2 threads), alternating runs of ``wrk``:

- **floor**: a trivial Django view on the same stack (``/floor/``);
- **stock**: Wagtail's own v2 API over the same models (``loadtests/stock/``);
- **cold**: this project with its response cache emptied before the run and every request
  a different URL (20-post pages at every offset, every post, search words x offsets);
- **warm**: this project on a small, already cached set of URLs;
- **published** (listings only): what readers meet right after a publish. Every listing
  misses the response cache (the publish replaced the listings' token) while the posts in
  them are unchanged, so their stored items (``api.fragments``) are reused: the run first
  reads every post of the first 3,000 once, then replaces the listings' token, then
  requests 20-post pages at every offset below 3,000.

For each run: requests/s, p50/p95/p99, errors (socket errors and non-2xx), server CPU per
request (from /proc of the gunicorn processes); once: SQL queries per cold request and each
worker's resident memory at the end. Results, ratios, the date and the machine (with its
load: other jobs may share the 2 cores) are appended to ``loadtests/RESULTS.md``. Compare
ratios within one run, never absolute numbers across runs.
"""

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from servers import ROOT, Server, database_prepare, gunicorn_start, server_environment

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
LISTING = "/api/v2/pages/?type=blog.BlogPostPage"
SEARCH_WORDS = ["python", "data", "team", "system", "people", "design", "news", "market", "art"]


@dataclass
class Run:
    scenario: str
    target: str
    round: int
    connections: int
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    cpu_ms_per_request: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - loopback target
        return json.loads(response.read())


def _paths_write(directory: Path, name: str, paths: list[str]) -> Path:
    path = directory / f"{name}.txt"
    path.write_text("\n".join(paths) + "\n")
    return path


def _cache_clear(env: dict[str, str]) -> None:
    """Empty the project's cache: delete every key under its prefix (nothing else)."""
    import redis

    client = redis.Redis.from_url(env["REDIS_URL"])
    prefix = env["CACHE_KEY_PREFIX"]
    batch = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    for start in range(0, len(batch), 1000):
        client.delete(*batch[start : start + 1000])


def _listings_invalidate(env: dict[str, str]) -> None:
    """Replace the listings' token, as a publish does (the posts' own tokens stay)."""
    code = (
        "from api.caching import api_cache_tags_invalidate; "
        "api_cache_tags_invalidate(tags=['ep:pages'])"
    )
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True
    )


def _prime(server: Server, paths: list[str]) -> None:
    for path in paths:
        with urllib.request.urlopen(server.url + path, timeout=60):  # noqa: S310
            pass


def wrk_run(
    *, server: Server, paths_file: Path, seconds: int, connections: int
) -> tuple[dict, float]:
    threads = min(2, connections)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(HERE / "wrk_paths.lua"),
        server.url,
        "--",
        str(paths_file),
    ]
    cpu_before = server.cpu_seconds()
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    cpu = server.cpu_seconds() - cpu_before
    summary = json.loads(output.strip().splitlines()[-1])
    return summary, cpu


def machine_describe() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    return (
        f"{platform.node()} — {platform.system()} {platform.release()} {platform.machine()}, "
        f"{os.cpu_count()} x {cpu}, {int(memory) // 1024} MiB RAM, Python "
        f"{platform.python_version()}"
    )


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _query_counts(settings_module: str, env: dict[str, str]) -> dict:
    output = subprocess.run(  # noqa: S603
        [sys.executable, str(HERE / "querycount.py"), settings_module],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=int(os.environ.get("BENCH_POSTS", 10_000)))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 15)))
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 2)))
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--search-connections", type=int, default=10)
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("BENCH_PORT", 0)),
        help="port of the project's gunicorn, the stock one on the next (0: the kernel chooses)",
    )
    parser.add_argument("--note", default=os.environ.get("BENCH_NOTE", ""))
    args = parser.parse_args()

    env = server_environment()
    database_prepare(posts=args.posts, env=env)
    stock_env = {**env, "DJANGO_SETTINGS_MODULE": "loadtests.stock.settings"}
    project_env = {**env, "DJANGO_SETTINGS_MODULE": "cms.settings"}
    log_dir = HERE / "reports"
    load_before = _load()
    queries = {
        "stock": _query_counts("loadtests.stock.settings", stock_env),
        "project": _query_counts("cms.settings", project_env),
    }
    project = gunicorn_start(name="bench-project", port=args.port, env=project_env, log_dir=log_dir)
    stock_port = args.port + 1 if args.port else 0
    stock = gunicorn_start(name="bench-stock", port=stock_port, env=stock_env, log_dir=log_dir)
    runs: list[Run] = []
    repeats: list[str] = []  # cold runs that repeated URLs (some answers were cache hits)
    try:
        project.wait_ready(path=f"{LISTING}&limit=1")
        stock.wait_ready(path="/floor/")
        ids: list[int] = []
        total = _get_json(f"{stock.url}{LISTING}&limit=1")["meta"]["total_count"]
        for offset in range(0, total, 100):
            page = _get_json(f"{stock.url}{LISTING}&limit=100&offset={offset}")
            ids += [item["id"] for item in page["items"]]
        rng = random.Random(7)
        offsets = list(range(0, max(total - 20, 1)))
        rng.shuffle(offsets)
        rng.shuffle(ids)
        lists = [f"{LISTING}&fields=*&limit=20&offset={o}" for o in offsets]
        recent = min(3000, max(total - 20, 1))
        published = [f"{LISTING}&fields=*&limit=20&offset={o}" for o in range(recent)]
        rng.shuffle(published)
        published_prime = [
            f"{LISTING}&fields=*&limit=20&offset={o}" for o in range(0, recent + 20, 20)
        ]
        details = [f"/api/v2/pages/{i}/" for i in ids]
        # Enough distinct searches (words x offsets) that a cold run never repeats one.
        searches = [
            f"{LISTING}&search={word}&limit=20&offset={o}"
            for o in range(0, 1000, 2)
            for word in SEARCH_WORDS
        ]
        rng.shuffle(searches)
        directory = Path(tempfile.mkdtemp(prefix="bench-"))
        files = {
            ("floor", "cold"): _paths_write(directory, "floor", ["/floor/"]),
            ("list", "cold"): _paths_write(directory, "list-cold", lists),
            ("list", "warm"): _paths_write(directory, "list-warm", lists[:10]),
            ("list", "published"): _paths_write(directory, "list-published", published),
            ("detail", "cold"): _paths_write(directory, "detail-cold", details),
            ("detail", "warm"): _paths_write(directory, "detail-warm", details[:50]),
            ("search", "cold"): _paths_write(directory, "search-cold", searches),
            ("search", "warm"): _paths_write(directory, "search-warm", searches[:10]),
        }
        plan = [
            ("floor", "floor", stock, "cold", args.connections),
            ("list", "stock", stock, "cold", args.connections),
            ("list", "cold", project, "cold", args.connections),
            ("list", "published", project, "published", args.connections),
            ("list", "warm", project, "warm", args.connections),
            ("detail", "stock", stock, "cold", args.connections),
            ("detail", "cold", project, "cold", args.connections),
            ("detail", "warm", project, "warm", args.connections),
            ("search", "stock", stock, "cold", args.search_connections),
            ("search", "cold", project, "cold", args.search_connections),
            ("search", "warm", project, "warm", args.search_connections),
        ]
        for round_number in range(1, args.rounds + 1):
            for scenario, target, server, temperature, connections in plan:
                paths_file = files[(scenario, temperature)]
                if server is project:
                    _cache_clear(env)
                    if temperature == "warm":
                        _prime(server, paths_file.read_text().split())
                    if temperature == "published":
                        _prime(server, published_prime)
                        _listings_invalidate(project_env)
                summary, cpu = wrk_run(
                    server=server,
                    paths_file=paths_file,
                    seconds=args.seconds,
                    connections=connections,
                )
                server.wait_idle()  # requests still queued must not spill into the next run
                errors = sum(v for k, v in summary.items() if k.startswith("errors_"))
                distinct = len(paths_file.read_text().split())
                if (
                    temperature in ("cold", "published")
                    and server is project
                    and summary["requests"] > distinct
                ):
                    repeats.append(f"{scenario} (round {round_number})")
                run = Run(
                    scenario=scenario,
                    target=target,
                    round=round_number,
                    connections=connections,
                    requests=summary["requests"],
                    seconds=summary["duration_us"] / 1e6,
                    errors=errors,
                    p50_ms=summary["p50_us"] / 1000,
                    p95_ms=summary["p95_us"] / 1000,
                    p99_ms=summary["p99_us"] / 1000,
                    cpu_ms_per_request=1000 * cpu / max(summary["requests"], 1),
                )
                runs.append(run)
                print(
                    f"round {round_number} {scenario:6} {target:5} c={connections:<3} "
                    f"{run.rps:8.1f} req/s  p50 {run.p50_ms:7.1f}  p95 {run.p95_ms:7.1f}  "
                    f"p99 {run.p99_ms:7.1f} ms  errors {errors}  "
                    f"cpu {run.cpu_ms_per_request:6.2f} ms/req",
                    flush=True,
                )
        memory = {"project": project.worker_rss_mib(), "stock": stock.worker_rss_mib()}
    finally:
        project.stop()
        stock.stop()
    report = results_markdown(
        runs=runs,
        queries=queries,
        memory=memory,
        args=args,
        load_before=load_before,
        load_after=_load(),
        repeats=repeats,
    )
    with RESULTS.open("a") as handle:
        handle.write(report)
    print(report)
    return 0


def _median(runs: list[Run], scenario: str, target: str) -> Run | None:
    selected = [r for r in runs if r.scenario == scenario and r.target == target]
    if not selected:
        return None
    return Run(
        scenario=scenario,
        target=target,
        round=0,
        connections=selected[0].connections,
        requests=sum(r.requests for r in selected),
        seconds=sum(r.seconds for r in selected),
        errors=sum(r.errors for r in selected),
        p50_ms=statistics.median(r.p50_ms for r in selected),
        p95_ms=statistics.median(r.p95_ms for r in selected),
        p99_ms=statistics.median(r.p99_ms for r in selected),
        cpu_ms_per_request=statistics.median(r.cpu_ms_per_request for r in selected),
    )


def results_markdown(*, runs, queries, memory, args, load_before, load_after, repeats=()) -> str:
    date = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        "",
        f"## {date}",
        "",
        f"- machine: {machine_describe()}",
        f"- load average (1/5/15 min) before: {load_before}; after: {load_after}"
        " (other jobs shared the machine when these exceed ~1)",
        f"- data: {args.posts:,} posts in PostgreSQL, Redis cache; gunicorn 3 gthread workers "
        f"x 2 threads per server; wrk 2 threads, {args.seconds} s per run, "
        f"{args.rounds} alternating rounds",
        f"- SQL queries per cold request: stock {queries['stock']}, project {queries['project']}",
        "- worker resident memory at the end (MiB): project "
        + ", ".join(f"{m:.0f}" for m in memory["project"])
        + "; stock "
        + ", ".join(f"{m:.0f}" for m in memory["stock"]),
    ]
    if args.note:
        lines.append(f"- note: {args.note}")
    if repeats:
        lines.append(
            "- **not cold**: these cold runs sent more requests than they have distinct URLs,"
            " so some were cache hits: " + ", ".join(repeats)
        )
    lines += [
        "",
        "| scenario | target | conns | req/s | p50 ms | p95 ms | p99 ms | errors | CPU ms/req |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    medians = {}
    for scenario in ("floor", "list", "detail", "search"):
        for target in ("floor", "stock", "cold", "published", "warm"):
            run = _median(runs, scenario, target)
            if run is None:
                continue
            medians[(scenario, target)] = run
            lines.append(
                f"| {scenario} | {target} | {run.connections} | {run.rps:.1f} | "
                f"{run.p50_ms:.1f} | {run.p95_ms:.1f} | {run.p99_ms:.1f} | {run.errors} | "
                f"{run.cpu_ms_per_request:.2f} |"
            )
    floor = medians.get(("floor", "floor"))

    def ratio(a, b) -> str:
        return f"{a.rps / b.rps:.2f}x" if a and b and b.rps else "n/a"

    lines += ["", "Ratios (req/s, within this run):", ""]
    for scenario in ("list", "detail", "search"):
        cold, warm, stock = (medians.get((scenario, t)) for t in ("cold", "warm", "stock"))
        published = medians.get((scenario, "published"))
        after_publish = f", published/stock {ratio(published, stock)}" if published else ""
        lines.append(
            f"- {scenario}: cold/stock {ratio(cold, stock)}{after_publish}, "
            f"warm/stock {ratio(warm, stock)}, warm/floor {ratio(warm, floor)}"
        )
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
