"""CDN purge on publish through wagtail.contrib.frontend_cache.

Two real endpoints on loopback: an HTTP cache that accepts PURGE (Wagtail's HTTPBackend,
as Varnish would receive it) and moto's CloudFront API server (Wagtail's
CloudfrontBackend through boto3). What stays untested: a real CloudFront distribution
acting on the invalidation.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from api.invalidation import cdn_urls_for_tags
from tests.propagation.cloudfront import cloudfront_distribution


class PurgeRecorder(BaseHTTPRequestHandler):
    purged: list[tuple[str, str]] = []

    def do_PURGE(self):
        self.purged.append((self.headers["Host"], self.path))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def purge_server():
    PurgeRecorder.purged = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), PurgeRecorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, PurgeRecorder.purged
    server.shutdown()
    server.server_close()


def test_publish_purges_the_post_its_listings_and_feeds(posts, purge_server, settings, committed):
    server, purged = purge_server
    settings.API_CDN_BASE_URL = "https://cdn.example.com"
    settings.WAGTAILFRONTENDCACHE = {
        "http": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_port}",
        }
    }
    first, second, third = posts
    first.title = "Purge me"
    with committed():
        first.save_revision().publish()
    paths = {path for host, path in purged if host == "cdn.example.com"}
    assert {
        f"/api/v2/pages/{first.pk}/",
        f"/api/v2/pages/{third.pk}/",  # links to the post
        "/api/v2/pages/",
        "/api/v2/pages/*",
        "/feeds/*",
        "/sitemap.xml",
    } <= paths
    assert f"/api/v2/pages/{second.pk}/" not in paths


def test_no_purge_without_a_configured_cdn(posts, purge_server, settings, committed):
    _, purged = purge_server
    settings.WAGTAILFRONTENDCACHE = {}
    posts[0].title = "Quiet"
    with committed():
        posts[0].save_revision().publish()
    assert purged == []


def test_many_affected_details_collapse_into_one_wildcard(settings):
    settings.API_CDN_BASE_URL = "https://cdn.example.com"
    tags = {"ep:pages", *(f"ep:pages:{n}" for n in range(500))}
    urls = cdn_urls_for_tags(tags=tags)
    assert "https://cdn.example.com/api/v2/pages/*" in urls
    assert len(urls) < 10


def test_publish_creates_a_cloudfront_invalidation(posts, settings, committed, monkeypatch):
    with cloudfront_distribution(monkeypatch=monkeypatch) as distribution:
        settings.API_CDN_BASE_URL = "https://cdn.example.com"
        settings.WAGTAILFRONTENDCACHE = {
            "cloudfront": {
                "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
                "DISTRIBUTION_ID": distribution.id,
            }
        }
        post = posts[0]
        post.title = "Invalidate me"
        with committed():
            post.save_revision().publish()
        paths = {path for batch in distribution.invalidations() for path in batch}
    assert {f"/api/v2/pages/{post.pk}/", "/api/v2/pages/*", "/feeds/*"} <= paths
