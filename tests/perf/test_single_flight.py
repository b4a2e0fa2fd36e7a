"""No stampedes: a miss is computed by one request; the others get the stale copy while it
refreshes, or wait for the fresh one (``cachetags.flight``)."""

from django.test import override_settings

from api.caching import api_cache_key, api_cache_tags_for_path
from cachetags.commit import tags_invalidate_now
from cachetags.flight import flight_claim, flight_release
from cachetags.tokens import tokens_get
from loadtests.servers import port_free
from tests.perf.faults import redis_cache_settings

LISTING = "/api/v2/pages/?type=blog.BlogPostPage"


def _key_now(rf, path: str) -> str:
    """The response-cache key a request for ``path`` computes now."""
    request = rf.get(path)
    _endpoint, tags = api_cache_tags_for_path(path=request.path_info)
    return api_cache_key(request=request, generations=tokens_get(tags=tags), representation="json")


def test_while_another_request_refreshes_a_changed_listing_the_stale_copy_is_served(
    client, rf, posts, django_assert_num_queries, settings
):
    settings.API_CACHE_SERVE_STALE = True
    warm = client.get(LISTING)
    tags_invalidate_now(tags=["ep:pages"])  # a publish elsewhere
    key = _key_now(rf, LISTING)
    assert flight_claim(key=key)  # another worker is computing the fresh listing
    with django_assert_num_queries(0):
        stale = client.get(LISTING)
    assert stale["X-Cache"] == "stale"
    assert stale.content == warm.content
    assert stale["Cache-Tag"] == "all,ep:pages"
    flight_release(key=key)
    fresh = client.get(LISTING)
    assert fresh["X-Cache"] == "miss"
    assert client.get(LISTING)["X-Cache"] == "hit"


def test_a_claim_left_by_a_dead_request_only_delays_the_next_one(client, rf, posts, settings):
    settings.API_CACHE_FLIGHT_WAIT = 0.2
    key = _key_now(rf, LISTING)
    assert flight_claim(key=key)  # claimed, never released, no stale copy
    response = client.get(LISTING)
    assert response.status_code == 200
    assert response["X-Cache"] == "miss"  # computed after the bounded wait


def test_without_redis_every_request_computes_and_nothing_fails(client, posts):
    with override_settings(CACHES=redis_cache_settings(port=port_free())):
        responses = [client.get(LISTING) for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert all(r["X-Cache"] == "miss" for r in responses)


def test_looking_up_and_claiming_a_key_is_one_answer(api_cache_on_redis):
    from cachetags.flight import flight_get_or_claim, flight_store
    from cachetags.store import store_cache

    cache = store_cache()
    key = "resp:single-flight-test"
    cache.delete_many([key, f"flight:{key}"])
    assert flight_get_or_claim(key=key, found=lambda value: value is not None) == (None, True, {})
    # Another request, while the first computes: neither the entry nor the claim.
    assert flight_get_or_claim(key=key, found=lambda value: value is not None) == (None, False, {})
    assert flight_store(key=key, entries={key: "fresh", "latest:x": "fresh"}, timeout=60)
    assert cache.get_many([key, "latest:x", f"flight:{key}"]) == {
        key: "fresh",
        "latest:x": "fresh",
    }  # stored, and the claim given back
    # Found: served, and no claim is left behind.
    found = flight_get_or_claim(
        key=key, found=lambda value: value is not None, also=["latest:x", "absent:x"]
    )
    assert found == ("fresh", False, {"latest:x": "fresh"})  # other keys read in the same answer
    assert cache.get(f"flight:{key}") is None
    cache.delete_many([key, "latest:x"])
