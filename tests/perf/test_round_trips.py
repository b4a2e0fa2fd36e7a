"""A warm hit costs one Redis round trip: the tags' tokens and the URL's latest entry come
back from one ``MGET`` (``api.caching``, ``cachetags.tokens.tokens_get_with``).

Round trips are counted where redis-py writes to the socket (``tests.perf.redis_trips``).
"""

import pytest
from django.core.cache import caches

from cachetags.commit import tags_invalidate_now
from tests.perf.redis_trips import round_trips_counted

LISTING = "/api/v2/pages/?type=blog.BlogPostPage"


@pytest.fixture
def round_trips(monkeypatch, api_cache_on_redis):
    return round_trips_counted(monkeypatch)


def _rate_limit_set(settings, rate: str | None) -> None:
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "api": rate},
    }


@pytest.fixture
def without_rate_limit(settings):
    _rate_limit_set(settings, None)


def _default_alias_is_redis() -> bool:
    return hasattr(getattr(caches["default"], "client", None), "get_client")


@pytest.mark.parametrize("path", [LISTING, "detail"])
def test_a_warm_hit_is_one_redis_round_trip_and_no_query(
    client, posts, round_trips, without_rate_limit, django_assert_num_queries, path
):
    path = f"/api/v2/pages/{posts[0].pk}/" if path == "detail" else path
    assert client.get(path)["X-Cache"] == "miss"
    round_trips.trips.clear()
    with django_assert_num_queries(0):
        warm = client.get(path)
    assert warm.status_code == 200
    assert warm["X-Cache"] == "hit"
    assert round_trips.trips == [["MGET"]]


def test_with_the_rate_limit_on_a_warm_hit_adds_only_its_counter(
    client, posts, round_trips, django_assert_num_queries, settings
):
    _rate_limit_set(settings, "600/min")
    client.get(LISTING)
    round_trips.trips.clear()
    with django_assert_num_queries(0):
        warm = client.get(LISTING)
    assert warm["X-Cache"] == "hit"
    # The per-IP counter lives in the default alias. Where that is the same Redis as the
    # response cache, the lookup adds one to it in its own round trip (one pipeline).
    expected = [["MGET", "INCRBY", "EXPIRE"]] if _default_alias_is_redis() else [["MGET"]]
    assert round_trips.trips == expected


def test_a_request_counted_with_the_lookup_is_not_counted_again(
    client, posts, api_cache_on_redis, settings
):
    """Hits and misses alike add exactly one to the window's counter: the view's throttles
    read the count the lookup made (or count themselves where it made none)."""
    _rate_limit_set(settings, "5/min")
    statuses = [client.get(LISTING).status_code for _ in range(7)]
    assert statuses == [200] * 5 + [429] * 2


def test_an_entry_computed_under_replaced_tokens_is_not_a_hit(
    client, posts, round_trips, without_rate_limit, committed, settings
):
    settings.API_REWARM_ENABLED = False  # the first read after the publish computes it
    first = posts[0]
    before = client.get(f"/api/v2/pages/{first.pk}/")
    first.title = "Renamed after it was cached"
    with committed():
        first.save_revision().publish()
    after = client.get(f"/api/v2/pages/{first.pk}/")
    assert after["X-Cache"] == "miss"
    assert after.json()["title"] == "Renamed after it was cached"
    assert before.json()["title"] != after.json()["title"]
    assert client.get(f"/api/v2/pages/{first.pk}/")["X-Cache"] == "hit"


def test_a_detail_recomputed_after_a_change_asks_redis_only_for_what_the_process_lacks(
    client, posts, round_trips, without_rate_limit, settings
):
    """A miss after a change: the tokens and latest entry; the entry under its key, the
    claim to compute it and the change epoch, together; the tokens of the tags the view
    reads besides the URL's own (``ep:pages``; these posts show no image); Wagtail's site
    root paths, once; the new entry and the claim given back, together; the re-warming
    score. The site, its hidden sections and SEO settings, the images and related posts
    come from the process (``cachetags.memo.local_memos``)."""
    settings.API_REWARM_ENABLED = False  # the read after the change computes it
    detail = f"/api/v2/pages/{posts[0].pk}/"
    client.get(detail)
    tags_invalidate_now(tags=[f"ep:pages:{posts[0].pk}"])
    round_trips.trips.clear()
    response = client.get(detail)
    assert response["X-Cache"] == "miss"
    # Wagtail keeps the site root paths in the default alias: in Redis only where it is.
    root_paths = [["GET"]] if _default_alias_is_redis() else []
    assert round_trips.trips == [
        ["MGET"],
        ["GET", "SET", "GET"],
        ["MGET"],
        *root_paths,
        ["MULTI", "SET", "PX", "SET", "PX", "DEL", "EXEC"],
        ["ZINCRBY", "ZREMRANGEBYRANK"],
    ]
