"""Fixtures for the API tests: a published blog with every kind of block and reference, and
a live gunicorn serving it."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from wagtail.documents import get_document_model
from wagtail.embeds.models import Embed

from blog.models import Author, BlogPostAuthor, Category, SiteSettings
from tests.factories import rich_body


@pytest.fixture(autouse=True)
def _views_without_the_response_cache(settings):
    """These tests pin what the views answer (content, privacy, query counts). They change
    data inside a test transaction that never commits, so the response cache in front of
    the views, which invalidates on commit, is off here; tests/perf covers it."""
    settings.API_CACHE_ENABLED = False


@pytest.fixture
def api(db):
    """A client that sends no credentials; responses are decoded with ``.json()``."""
    return Client()


@pytest.fixture
def document(db, tmp_path):
    from django.core.files.base import ContentFile

    document = get_document_model()(title="Price list")
    document.file.save("prices.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    return document


@pytest.fixture
def stored_embed(db):
    return Embed.objects.create(
        url="https://www.youtube.com/watch?v=stored",
        hash="stored-embed-hash",
        type="video",
        html='<iframe src="https://www.youtube.com/embed/stored"></iframe>',
        title="A stored video",
        provider_name="YouTube",
        width=480,
        height=270,
    )


@pytest.fixture
def second_author(db):
    return Author.objects.create(name="Grace Hopper", job_title="Admiral", bio="<p>Compilers.</p>")


@pytest.fixture
def site_settings(site_tree):
    _home, blog_index = site_tree
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    settings_obj, _ = SiteSettings.objects.get_or_create(site=site)
    settings_obj.tagline = "Notes from the team"
    settings_obj.menu = [
        {"type": "item", "value": {"label": "Blog", "page": blog_index.pk, "url": ""}},
        {"type": "item", "value": {"label": "GitHub", "page": None, "url": "https://github.com/"}},
    ]
    settings_obj.social_profiles = [
        {"type": "profile", "value": {"label": "Mastodon", "url": "https://mastodon.social/@b"}}
    ]
    settings_obj.save()
    return settings_obj


@pytest.fixture
def blog(make_post, image, document, stored_embed, second_author, site_settings):
    """Three live posts (one with every block), a draft and a category of its own."""
    first = make_post(title="First post", tags=("python", "django"), featured_image=image)
    full = make_post(
        title="Full post",
        tags=("python",),
        featured_image=image,
        body=rich_body(
            image=image,
            link_page_id=first.pk,
            document_id=document.pk,
            embed_url=stored_embed.url,
            cta_page_id=first.pk,
        ),
    )
    BlogPostAuthor.objects.create(post=full, author=second_author, sort_order=1)
    third = make_post(title="Third post", tags=("wagtail",))
    draft = make_post(title="Secret draft", live=False, tags=("unreleased",))
    design = Category.objects.create(name="Design")
    return {"first": first, "full": full, "third": third, "draft": draft, "design": design}


PORTS = range(8100, 8200)
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8100-8199")


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def gunicorn(blog):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "PORT": str(port),
        "GUNICORN_BIND_HOST": "127.0.0.1",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "2",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WAGTAILAPI_BASE_URL": base,
        "WAGTAILADMIN_BASE_URL": base,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "LOG_LEVEL": "warning",
    }
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "cms/gunicorn.conf.py",
            "cms.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(120):
            try:
                # A fixed http:// URL on loopback, not user input.
                schema_url = f"{base}/api/v2/schema/"
                with urllib.request.urlopen(schema_url, timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail("gunicorn did not start: " + process.stderr.read1().decode())
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
