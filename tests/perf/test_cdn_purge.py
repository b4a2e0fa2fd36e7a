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
from loadtests.servers import port_free


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
    import boto3
    from moto.server import ThreadedMotoServer

    port = port_free()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        for name, value in {
            "AWS_ENDPOINT_URL_CLOUDFRONT": endpoint,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }.items():
            monkeypatch.setenv(name, value)
        cloudfront = boto3.client("cloudfront")
        distribution = cloudfront.create_distribution(
            DistributionConfig={
                "CallerReference": "blog-tests",
                "Comment": "",
                "Enabled": True,
                "Origins": {
                    "Quantity": 1,
                    "Items": [
                        {
                            "Id": "api",
                            "DomainName": "origin.example.com",
                            "CustomOriginConfig": {
                                "HTTPPort": 80,
                                "HTTPSPort": 443,
                                "OriginProtocolPolicy": "https-only",
                            },
                        }
                    ],
                },
                "DefaultCacheBehavior": {
                    "TargetOriginId": "api",
                    "ViewerProtocolPolicy": "redirect-to-https",
                    "MinTTL": 0,
                    "ForwardedValues": {"QueryString": True, "Cookies": {"Forward": "none"}},
                    "TrustedSigners": {"Enabled": False, "Quantity": 0},
                },
            }
        )["Distribution"]["Id"]
        settings.API_CDN_BASE_URL = "https://cdn.example.com"
        settings.WAGTAILFRONTENDCACHE = {
            "cloudfront": {
                "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
                "DISTRIBUTION_ID": distribution,
            }
        }
        post = posts[0]
        post.title = "Invalidate me"
        with committed():
            post.save_revision().publish()
        paths = set()
        for item in cloudfront.list_invalidations(DistributionId=distribution)[
            "InvalidationList"
        ].get("Items", []):
            batch = cloudfront.get_invalidation(DistributionId=distribution, Id=item["Id"])
            paths.update(batch["Invalidation"]["InvalidationBatch"]["Paths"]["Items"])
        assert {f"/api/v2/pages/{post.pk}/", "/api/v2/pages/*", "/feeds/*"} <= paths
    finally:
        server.stop()
