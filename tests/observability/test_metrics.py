"""Project metrics and django-prometheus wiring."""

import pytest
from django.conf import settings
from django.db import connection
from prometheus_client import REGISTRY

from serving.metrics import (
    api_cache_hit_record,
    api_cache_miss_record,
    page_publish_record,
    search_latency_observe,
)


def _value(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_api_cache_hits_and_misses_are_counted_by_endpoint():
    hits, misses = (
        _value("blog_api_cache_hits_total", endpoint="pages"),
        _value("blog_api_cache_misses_total", endpoint="pages"),
    )
    api_cache_hit_record(endpoint="pages")
    api_cache_hit_record(endpoint="pages")
    api_cache_miss_record(endpoint="pages")
    assert _value("blog_api_cache_hits_total", endpoint="pages") == hits + 2
    assert _value("blog_api_cache_misses_total", endpoint="pages") == misses + 1


@pytest.mark.parametrize("endpoint", ["/api/v2/pages/?search=x", "Pages", "a" * 65, ""])
def test_label_values_that_are_not_code_names_fold_into_other(endpoint):
    before = _value("blog_api_cache_hits_total", endpoint="other")
    api_cache_hit_record(endpoint=endpoint)
    assert _value("blog_api_cache_hits_total", endpoint="other") == before + 1


def test_search_latency_is_a_histogram():
    count = _value("blog_search_latency_seconds_count")
    fast = _value("blog_search_latency_seconds_bucket", le="0.05")
    search_latency_observe(seconds=0.03)
    search_latency_observe(seconds=0.7)
    assert _value("blog_search_latency_seconds_count") == count + 2
    assert _value("blog_search_latency_seconds_bucket", le="0.05") == fast + 1


def test_publishing_a_page_is_counted_by_page_type(make_post):
    before = _value("blog_pages_published_total", page_type="blog.blogpostpage")
    post = make_post(title="Counted")
    assert _value("blog_pages_published_total", page_type="blog.blogpostpage") == before + 1
    post.save_revision().publish()
    assert _value("blog_pages_published_total", page_type="blog.blogpostpage") == before + 2
    page_publish_record(page_type="blog.homepage")
    assert _value("blog_pages_published_total", page_type="blog.homepage") >= 1


def test_database_and_cache_backends_are_instrumented(db):
    assert settings.DATABASES["default"]["ENGINE"].startswith("django_prometheus.db.backends.")
    assert settings.CACHES["default"]["BACKEND"].startswith("django_prometheus.cache.backends.")
    labels = {"alias": "default", "vendor": connection.vendor}
    before = _value("django_db_execute_total", **labels)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert _value("django_db_execute_total", **labels) == before + 1


def test_requests_are_counted_by_view_method_and_status(client, site_tree):
    labels = {"view": "wagtailapi:pages:listing", "method": "GET", "status": "200"}
    before = _value("django_http_responses_total_by_status_view_method_total", **labels)
    assert client.get("/api/v2/pages/").status_code == 200
    after = _value("django_http_responses_total_by_status_view_method_total", **labels)
    assert after == before + 1


def test_metrics_are_not_served_on_the_public_port(client, db):
    response = client.get("/metrics", follow=True)
    assert response.status_code == 404
    assert b"django_http_requests" not in response.content


def test_an_api_search_records_its_latency(client, make_post):
    make_post(title="Searchable post")
    count = _value("blog_search_latency_seconds_count")
    response = client.get("/api/v2/pages/?type=blog.BlogPostPage&search=searchable")
    assert response.status_code == 200
    assert response.json()["meta"]["total_count"] == 1
    assert _value("blog_search_latency_seconds_count") == count + 1
    # A plain listing is no search.
    client.get("/api/v2/pages/?type=blog.BlogPostPage")
    assert _value("blog_search_latency_seconds_count") == count + 1
