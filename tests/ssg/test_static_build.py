"""The static build (``tests/ssg/build.py``) renders the 50-post demo blog from a live
gunicorn in one request per page, within a request and byte budget; every answer it read
(with its ``fields`` selections), and the default answers, validate against the OpenAPI
schema."""

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

# docs/caching-and-performance.md records what a run measured, by route kind; these are
# the bounds. The build reads 0.94 MB: posts with their template's ``fields``, listing
# routes' cards with ``posts(...)`` and a card-sized srcset (1.70 MB before cards could be
# narrowed on ``/api/v2/path/``).
MAX_REQUESTS = 119
MAX_BYTES = 1_000_000


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


@pytest.fixture(scope="module")
def built_site(demo_server, tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    return out, site_build(base_url=demo_server, out=out)


def test_the_demo_blog_builds_in_one_request_per_page_within_budget(built_site):
    tmp_path, stats = built_site

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
    for kind, size in stats.bytes_by_kind.most_common():
        print(f"  {kind}: {stats.requests_by_kind[kind]} requests, {size} bytes")


def test_every_answer_the_build_read_validates_against_the_schema(demo_server, built_site):
    from jsonschema import Draft202012Validator

    with urllib.request.urlopen(f"{demo_server}/api/v2/schema/") as response:  # noqa: S310
        spec = json.loads(response.read())
    schema = {"$ref": "#/components/schemas/PathResult", "components": spec["components"]}
    validator = Draft202012Validator(schema)
    answers = {path: data for path, data in built_site[1].answers.items() if path != "/site/"}
    # The default answers (no ``fields``) too, a post's among them.
    for path in ("/", "/blog/", "/blog/?page=2", "/tags/python/", "/blog/demo-post-1/"):
        url = f"{demo_server}/api/v2/path/?html_path={urllib.parse.quote(path)}"
        with urllib.request.urlopen(url) as response:  # noqa: S310
            answers[f"default {path}"] = json.loads(response.read())
    for path, data in answers.items():
        errors = [error.message[:300] for error in validator.iter_errors(data)]
        assert errors == [], path
