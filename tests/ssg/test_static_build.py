"""The static build (``tests/ssg/build.py``) renders the 50-post demo blog from a live
gunicorn in one request per page, within a request and byte budget; every route answer
validates against the OpenAPI schema."""

import json
import os
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.paths import REPO
from tests.servers import app_server, database_copy
from tests.ssg.build import site_build

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

# docs/caching-and-performance.md records what a run measured; these are the bounds.
# The byte target is 1.0 MB; the build reads 2.40 MB today (full post details with their
# srcsets, related posts and seo.head: 2.66 MB), so the bound holds that line until the
# details get leaner.
MAX_REQUESTS = 119
MAX_BYTES = 2_800_000


@pytest.fixture(scope="module")
def demo_server(django_db_setup, django_db_blocker):
    workdir = Path(tempfile.mkdtemp(prefix="blog-ssg-"))
    with django_db_blocker.unblock():
        database_url, drop = database_copy(suffix=f"ssg_{os.getpid()}", workdir=workdir)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CACHE_KEY_PREFIX": f"{os.environ.get('CACHE_KEY_PREFIX', 'blog')}-ssg-{os.getpid()}",
        "MEDIA_ROOT": str(workdir / "media"),
        "LIVE_LOG_DIR": str(workdir),
        "DJANGO_SECRET_KEY": "ssg-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "STATIC_MANIFEST": "0",
        "API_RATE_LIMIT": "off",
        "PYTHONPATH": str(REPO),
    }
    subprocess.run(
        [sys.executable, "manage.py", "seed_demo", "--posts", "50", "--seed", "1"],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
    )
    with app_server(env=env, log_dir=workdir, workers=1, threads=4, name="gunicorn-ssg") as server:
        yield server.url
    drop()


def test_the_demo_blog_builds_in_one_request_per_page_within_budget(demo_server, tmp_path):
    stats = site_build(base_url=demo_server, out=tmp_path)

    pages = len(stats.pages)
    posts = [path for path in stats.pages if path.startswith("/blog/") and "?" not in path]
    assert len(posts) >= 51  # the index and its 50 posts
    assert any(path.startswith("/tags/") for path in stats.pages)
    assert any(path.startswith("/categories/") for path in stats.pages)
    assert any(path.startswith("/authors/") for path in stats.pages)
    assert any("?page=" in path for path in stats.pages)
    assert stats.requests == pages + 1  # one per page, plus the site's navigation
    assert stats.requests <= MAX_REQUESTS
    assert stats.bytes <= MAX_BYTES
    assert (tmp_path / "index.html").exists()
    print(f"\nSSG: {pages} pages, {stats.requests} requests, {stats.bytes} bytes")


def test_every_route_answer_validates_against_the_schema(demo_server):
    from jsonschema import Draft202012Validator

    with urllib.request.urlopen(f"{demo_server}/api/v2/schema/") as response:  # noqa: S310
        spec = json.loads(response.read())
    schema = {"$ref": "#/components/schemas/PathResult", "components": spec["components"]}
    validator = Draft202012Validator(schema)
    for path in ("/", "/blog/", "/blog/?page=2", "/tags/python/"):
        url = f"{demo_server}/api/v2/path/?html_path={urllib.parse.quote(path)}"
        with urllib.request.urlopen(url) as response:  # noqa: S310
            data = json.loads(response.read())
        errors = [error.message[:300] for error in validator.iter_errors(data)]
        assert errors == [], path
