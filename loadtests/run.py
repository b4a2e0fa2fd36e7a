"""``make loadtest USERS=50 SECONDS=20``: locust against gunicorn on PostgreSQL and Redis.

Seeds ``LOADTEST_POSTS`` posts (default 10,000; idempotent), starts gunicorn on loopback,
runs the personas of ``loadtests/locustfile.py`` headless for a bounded time, writes CSV
and HTML reports to ``loadtests/reports/`` and exits with locust's code (non-zero when a
threshold is breached). Also prints each worker's resident memory after the run.

Same meaning as the original ``scripts/load_test.py USERS SECONDS``.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from servers import ROOT, database_prepare, gunicorn_start, server_environment

REPORTS = ROOT / "loadtests" / "reports"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("users", nargs="?", type=int, default=50)
    parser.add_argument("seconds", nargs="?", type=int, default=20)
    parser.add_argument("--posts", type=int, default=int(os.environ.get("LOADTEST_POSTS", 10_000)))
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("LOADTEST_PORT", 0)),
        help="port of the started gunicorn (0: the kernel chooses)",
    )
    parser.add_argument("--host", default=os.environ.get("LOADTEST_HOST", ""))
    args = parser.parse_args()
    if not 1 <= args.users <= 10_000 or not 1 <= args.seconds <= 3600:
        parser.error("users must be 1-10000 and seconds 1-3600")

    server = None
    host = args.host
    if not host:
        env = server_environment()
        database_prepare(posts=args.posts, env=env)
        server = gunicorn_start(name="loadtest", port=args.port, env=env, log_dir=REPORTS)
        server.wait_ready(path="/api/v2/pages/?limit=1")
        host = server.url
    stamp = time.strftime("%Y%m%d-%H%M%S")
    REPORTS.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(Path(__file__).with_name("locustfile.py")),
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(max(1, args.users // 5)),
        "--run-time",
        f"{args.seconds}s",
        "--stop-timeout",
        "5",
        "--host",
        host,
        "--csv",
        str(REPORTS / stamp),
        "--html",
        str(REPORTS / f"{stamp}.html"),
        "--only-summary",
    ]
    try:
        code = subprocess.run(command, cwd=ROOT, check=False).returncode  # noqa: S603
        if server is not None:
            sizes = ", ".join(f"{size:.0f}" for size in server.worker_rss_mib())
            print(f"gunicorn worker resident memory after the run (MiB): {sizes}")
    finally:
        if server is not None:
            server.stop()
    print(f"reports: {REPORTS / stamp}_stats.csv, {REPORTS / stamp}.html")
    return code


if __name__ == "__main__":
    sys.exit(main())
