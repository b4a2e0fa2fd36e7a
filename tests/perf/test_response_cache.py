"""The Redis response cache: hits, misses, keys, what is never cached, metrics."""

import pytest
from prometheus_client import REGISTRY

LIST = "/api/v2/pages/?type=blog.BlogPostPage&fields=title"


def detail(page) -> str:
    return f"/api/v2/pages/{page.pk}/"


def _count(result: str, endpoint: str = "pages") -> float:
    name = "blog_api_cache_hits_total" if result == "hit" else "blog_api_cache_misses_total"
    return REGISTRY.get_sample_value(name, {"endpoint": endpoint}) or 0.0


def test_second_read_of_a_listing_is_served_from_the_cache_without_sql(
    client, posts, django_assert_num_queries
):
    first = client.get(LIST)
    assert first.status_code == 200
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(LIST)
    assert second.status_code == 200
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert {item["title"] for item in second.json()["items"]} == {
        "First post",
        "Second post",
        "Third post",
    }


def test_second_read_of_a_detail_is_served_from_the_cache_without_sql(
    client, posts, django_assert_num_queries
):
    post = posts[1]
    assert client.get(detail(post))["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        response = client.get(detail(post))
    assert response["X-Cache"] == "hit"
    assert response.json()["title"] == "Second post"


def test_head_requests_share_the_get_entry(client, posts, django_assert_num_queries):
    client.get(detail(posts[0]))
    with django_assert_num_queries(0):
        response = client.head(detail(posts[0]))
    assert response.status_code == 200
    assert response["X-Cache"] == "hit"


def test_query_parameter_order_does_not_split_the_cache(client, posts, django_assert_num_queries):
    client.get("/api/v2/pages/?type=blog.BlogPostPage&limit=2")
    with django_assert_num_queries(0):
        response = client.get("/api/v2/pages/?limit=2&type=blog.BlogPostPage")
    assert response["X-Cache"] == "hit"
    assert len(response.json()["items"]) == 2


def test_different_queries_and_sites_are_cached_separately(client, posts):
    assert client.get("/api/v2/pages/?type=blog.BlogPostPage&limit=1")["X-Cache"] == "miss"
    assert client.get("/api/v2/pages/?type=blog.BlogPostPage&limit=2")["X-Cache"] == "miss"
    other_host = client.get("/api/v2/pages/?type=blog.BlogPostPage&limit=1", HTTP_HOST="localhost")
    assert other_host["X-Cache"] == "miss"


def test_browsable_api_html_never_shares_an_entry_with_json(client, posts):
    json_response = client.get(detail(posts[0]))
    html_response = client.get(detail(posts[0]), HTTP_ACCEPT="text/html")
    assert json_response["X-Cache"] == "miss"
    assert "X-Cache" not in html_response or html_response["X-Cache"] == "miss"
    assert client.get(detail(posts[0]))["X-Cache"] == "hit"


@pytest.mark.parametrize(
    "extra",
    [
        {"HTTP_AUTHORIZATION": "Bearer secret"},
        {"HTTP_COOKIE": "sessionid=abc"},
    ],
    ids=["authorization", "session-cookie"],
)
def test_requests_with_credentials_bypass_the_cache_and_are_private(client, posts, extra):
    client.get(detail(posts[0]))  # warm the public entry
    response = client.get(detail(posts[0]), **extra)
    assert response.status_code == 200
    assert "X-Cache" not in response
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_preview_tokens_bypass_the_cache_and_are_private(client, posts):
    response = client.get(detail(posts[0]) + "?token=abc")
    assert "X-Cache" not in response
    assert "no-store" in response["Cache-Control"]


def test_bad_input_is_answered_but_never_cached(client, posts):
    first = client.get("/api/v2/pages/?limit=abc")
    second = client.get("/api/v2/pages/?limit=abc")
    assert first.status_code == second.status_code == 400
    assert "message" in second.json()
    assert "X-Cache" not in second
    assert "no-store" in second["Cache-Control"]


def test_unknown_ids_are_404_and_never_cached(client, posts):
    assert client.get("/api/v2/pages/999999/").status_code == 404
    response = client.get("/api/v2/pages/999999/")
    assert response.status_code == 404
    assert "X-Cache" not in response


def test_hits_and_misses_are_counted_per_endpoint(client, posts):
    hits, misses = _count("hit"), _count("miss")
    client.get(detail(posts[0]))
    client.get(detail(posts[0]))
    client.get(detail(posts[0]))
    assert _count("miss") - misses == 1
    assert _count("hit") - hits == 2


def test_disabled_cache_still_sets_http_caching_headers(client, posts, settings):
    settings.API_CACHE_ENABLED = False
    client.get(detail(posts[0]))
    response = client.get(detail(posts[0]))
    assert response["X-Cache"] == "miss"
    assert "s-maxage" in response["Cache-Control"]
    assert response["ETag"].startswith('"')


def test_cache_hits_keep_their_view_label_in_request_metrics(client, posts):
    labels = {"view": "wagtailapi:pages:listing", "method": "GET", "status": "200"}
    name = "django_http_responses_total_by_status_view_method_total"
    client.get(LIST)
    before = REGISTRY.get_sample_value(name, labels) or 0.0
    assert client.get(LIST)["X-Cache"] == "hit"
    assert REGISTRY.get_sample_value(name, labels) == before + 1


def test_a_fresh_worker_can_answer_a_cache_hit_before_any_view_has_run():
    """A new gunicorn worker whose first request is a cache hit loads the throttles (to
    rate-limit the hit) before DRF's views; that order must not be an import cycle."""
    import os
    import subprocess
    import sys

    code = (
        "import django; django.setup()\n"
        "from serving.throttling import request_throttle_check\n"
        "from rest_framework.settings import api_settings\n"
        "print([c.__name__ for c in api_settings.DEFAULT_THROTTLE_CLASSES])\n"
    )
    # A fresh process, as gunicorn's worker would be: no metrics directory of another test.
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "ClientIPRateThrottle" in result.stdout
