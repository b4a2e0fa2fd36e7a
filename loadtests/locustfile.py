"""Real frontend traffic against the headless API, as weighted locust personas.

Run headless by ``make loadtest`` (``loadtests/run.py``), or by hand:
``locust -f loadtests/locustfile.py --headless -u 50 -r 10 -t 20s --host http://127.0.0.1:8000``.

Personas: a *reader* opens the home page, the blog index (newest first, sometimes a later
page), a post and a post by path; a *browser* follows tag, category and author pages; a
*searcher* searches; an *image viewer* lists and opens images. Request names fold ids,
slugs and words (``/api/v2/pages/[id]/``) so the report has one row per kind of request.

Thresholds come from the environment and fail the run through locust's exit code:
``LOADTEST_P95_MS`` (default 180), ``LOADTEST_P99_MS`` (220), ``LOADTEST_FAIL_RATIO``
(0.01) and ``LOADTEST_MIN_RPS`` (100), the figures the original service promised at
50 users. This file never imports Django: it only speaks HTTP.
https://docs.locust.io/en/stable/extending-locust.html#run-a-background-greenlet
"""

import json
import logging
import os
import random
import urllib.request

from locust import FastHttpUser, between, events, task

LISTING = "/api/v2/pages/?type=blog.BlogPostPage"
WORDS = ["python", "design", "data", "team", "release", "cache", "system", "people", "news"]
TAGS = ["python", "django", "wagtail", "postgresql", "redis", "kubernetes", "aws", "seo"]
CATEGORIES = ["engineering", "product", "design", "data", "culture", "announcements"]

# Filled once at test start from the API itself (the load test knows no database).
catalogue: dict[str, list] = {"post_ids": [], "paths": [], "image_ids": [], "authors": []}


def _threshold(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


@events.init.add_listener
def _discover(environment, **kwargs):
    """Learn real post ids, slugs, image ids and author slugs before the run starts.

    At ``init``, not ``test_start``: the ``--run-time`` clock starts with the run, and a
    slow discovery must not eat the time the users were given.
    """
    if not environment.host:
        return  # the web UI asks for the host later; test_start then discovers
    host = environment.host.rstrip("/")

    def get(path: str) -> dict:
        with urllib.request.urlopen(host + path, timeout=30) as response:  # noqa: S310 - host is the target under test
            return json.loads(response.read())

    try:
        total = get(f"{LISTING}&limit=1")["meta"]["total_count"]
        rng = random.Random(1)
        for offset in sorted({0, *(rng.randrange(max(total - 20, 1)) for _ in range(10))}):
            for item in get(f"{LISTING}&limit=20&offset={offset}")["items"]:
                catalogue["post_ids"].append(item["id"])
                meta = item.get("meta", {})
                if meta.get("html_path"):
                    catalogue["paths"].append(meta["html_path"])
                elif meta.get("slug"):
                    catalogue["paths"].append(f"/blog/{meta['slug']}/")
        catalogue["image_ids"] = [i["id"] for i in get("/api/v2/images/?limit=20")["items"]]
        detail = get(f"/api/v2/pages/{catalogue['post_ids'][0]}/")
        catalogue["authors"] = [a["slug"] for a in detail.get("authors", []) if "slug" in a]
    except Exception:  # an unreachable or empty target fails the run, loudly
        logging.exception("could not discover content at %s", host)


@events.test_start.add_listener
def _content_known(environment, **kwargs):
    """Stop at once (exit code 2) when there is nothing to request."""
    if not catalogue["post_ids"]:
        _discover(environment)
    if not catalogue["post_ids"]:
        environment.process_exit_code = 2
        environment.runner.quit()


@events.quitting.add_listener
def _check_thresholds(environment, **kwargs):
    """Fail the run (exit code 1) when a threshold is breached; say which."""
    total = environment.stats.total
    limits = {
        "p95 ms": (total.get_response_time_percentile(0.95), _threshold("LOADTEST_P95_MS", 180)),
        "p99 ms": (total.get_response_time_percentile(0.99), _threshold("LOADTEST_P99_MS", 220)),
        "fail ratio": (total.fail_ratio, _threshold("LOADTEST_FAIL_RATIO", 0.01)),
    }
    breached = [f"{k} {v:.3f} > {limit}" for k, (v, limit) in limits.items() if v > limit]
    min_rps = _threshold("LOADTEST_MIN_RPS", 100)
    if total.total_rps < min_rps:
        breached.append(f"req/s {total.total_rps:.1f} < {min_rps}")
    if total.num_requests == 0:
        breached.append("no requests were made")
    for line in breached:
        logging.error("threshold breached: %s", line)
    if breached and not environment.process_exit_code:
        environment.process_exit_code = 1
    elif not breached:
        logging.info(
            "thresholds met: p95 %.0f ms, p99 %.0f ms, fail ratio %.4f, %.1f req/s",
            limits["p95 ms"][0],
            limits["p99 ms"][0],
            total.fail_ratio,
            total.total_rps,
        )


class ApiUser(FastHttpUser):
    abstract = True
    wait_time = between(0.1, 0.5)

    def post_id(self) -> int:
        return random.choice(catalogue["post_ids"])


class Reader(ApiUser):
    """Home page, the blog index, posts, and posts opened by their path."""

    weight = 6

    @task(2)
    def home(self):
        self.client.get("/api/v2/pages/?type=blog.HomePage&fields=title", name="home")

    @task(4)
    def index(self):
        offset = random.choice([0, 0, 0, 20, 40, random.randrange(0, 2000, 20)])
        self.client.get(
            f"{LISTING}&fields=*&limit=20&offset={offset}",
            name="/api/v2/pages/?type=post&fields=*&offset=[n]",
        )

    @task(6)
    def post(self):
        self.client.get(f"/api/v2/pages/{self.post_id()}/", name="/api/v2/pages/[id]/")

    @task(2)
    def post_by_path(self):
        if catalogue["paths"]:
            path = random.choice(catalogue["paths"])
            self.client.get(
                f"/api/v2/pages/find/?html_path={path}",
                name="/api/v2/pages/find/?html_path=[path]",
                # The answer is a redirect to the detail (which has its own task); its
                # absolute URL names WAGTAILAPI_BASE_URL, not necessarily this host.
                allow_redirects=False,
            )


class Browser(ApiUser):
    """Tag, category and author pages."""

    weight = 3

    @task(3)
    def tag(self):
        tag = random.choice(TAGS)
        self.client.get(f"{LISTING}&tag={tag}&fields=*&limit=20", name="tag page")

    @task(2)
    def category(self):
        category = random.choice(CATEGORIES)
        self.client.get(f"{LISTING}&category={category}&fields=*&limit=20", name="category page")

    @task(1)
    def author(self):
        if not catalogue["authors"]:
            return
        author = random.choice(catalogue["authors"])
        self.client.get(f"{LISTING}&author={author}&fields=*&limit=20", name="author page")


class Searcher(ApiUser):
    weight = 1

    @task
    def search(self):
        word = random.choice(WORDS)
        self.client.get(f"{LISTING}&search={word}&limit=20", name="search")


class ImageViewer(ApiUser):
    weight = 1

    @task(1)
    def images(self):
        self.client.get("/api/v2/images/?limit=20", name="/api/v2/images/")

    @task(2)
    def image(self):
        if catalogue["image_ids"]:
            image_id = random.choice(catalogue["image_ids"])
            self.client.get(f"/api/v2/images/{image_id}/", name="/api/v2/images/[id]/")
