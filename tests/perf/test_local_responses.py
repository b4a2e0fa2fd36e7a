"""Each URL's latest response kept in the process (``api.caching.local_responses``): after
Redis lost its entries (a flush, a restart, an eviction) it answers without running the
view when no change has committed since it was computed (``cachetags.epoch``), and never
otherwise."""

import dataclasses

import pytest
from django.db import transaction
from django.test import RequestFactory, override_settings

from api.caching import (
    api_cache_key,
    api_cache_latest_key,
    api_cache_tags_for_path,
    local_responses,
)
from cachetags.commit import tags_invalidate_after_commit, tags_invalidate_now
from cachetags.flight import flight_claim
from cachetags.models import ChangeEpoch
from cachetags.store import breaker, store_cache
from cachetags.tokens import EPOCH_KEY, tokens_get, tokens_pending
from loadtests.servers import port_free
from serving.redis_breaker import redis_breakers_reset
from tests.caches import epoch_prime, redis_flush
from tests.perf.faults import redis_cache_settings
from tests.perf.redis_trips import round_trips_counted


@pytest.fixture
def detail(api_cache_on_redis, posts, committed):
    """A post's detail URL, after a committed change (its epoch published to Redis)."""
    first = posts[0]
    with committed():
        first.save_revision().publish()
    return f"/api/v2/pages/{first.pk}/"


def test_after_redis_lost_every_key_a_kept_response_answers_and_is_stored_back(
    client, detail, django_assert_num_queries
):
    computed = client.get(detail)
    assert computed["X-Cache"] == "miss"
    redis_flush()
    with django_assert_num_queries(1):  # the database's epoch; the view does not run
        kept = client.get(detail)
    assert kept["X-Cache"] == "hit"
    assert kept.content == computed.content
    assert kept["ETag"] == computed["ETag"]
    assert kept["Cache-Tag"] == computed["Cache-Tag"]
    # Stored back under the new tokens with the epoch: the next request is a Redis hit.
    assert store_cache().get(EPOCH_KEY) == ChangeEpoch.objects.get().value
    with django_assert_num_queries(0):
        assert client.get(detail)["X-Cache"] == "hit"


def test_a_change_committed_since_it_was_kept_makes_the_response_computed_again(
    client, detail, posts, committed
):
    client.get(detail)
    first = posts[0]
    first.title = "Retitled while Redis was away"
    with committed():
        first.save_revision().publish()
    redis_flush()
    response = client.get(detail)
    assert response["X-Cache"] == "miss"
    assert response.json()["title"] == "Retitled while Redis was away"


def test_a_response_labelled_with_an_epoch_the_database_does_not_hold_is_computed_again(
    client, api_cache_on_redis, posts
):
    # The posts' changes never committed (the test's transaction): Redis still has an
    # older epoch than the database's.
    epoch_prime(value="older")
    url = f"/api/v2/pages/{posts[0].pk}/"
    assert client.get(url)["X-Cache"] == "miss"
    redis_flush()
    assert client.get(url)["X-Cache"] == "miss"


def test_after_redis_lost_the_epoch_the_first_computed_response_reads_it_from_the_database(
    client, detail
):
    redis_flush()
    local_responses.clear()  # a process that never saw the URL
    assert client.get(detail)["X-Cache"] == "miss"
    assert store_cache().get(EPOCH_KEY) == ChangeEpoch.objects.get().value  # published
    redis_flush()
    assert client.get(detail)["X-Cache"] == "hit"  # it was labelled, so it answers


def test_while_redis_still_has_the_url_an_invalidation_computes_it_again(client, detail):
    client.get(detail)
    tags_invalidate_now(tags=["all"])
    assert client.get(detail)["X-Cache"] == "miss"


def test_while_another_process_restores_the_url_the_kept_response_answers_at_once(
    client, rf, detail, settings
):
    settings.API_CACHE_FLIGHT_WAIT = 30  # a wait would end in a computed "miss"
    computed = client.get(detail)
    redis_flush()
    request = rf.get(detail)
    _endpoint, tags = api_cache_tags_for_path(path=request.path_info)
    key = api_cache_key(request=request, generations=tokens_get(tags=tags), representation="json")
    assert flight_claim(key=key)  # another process is storing it back
    kept = client.get(detail)
    assert kept["X-Cache"] == "hit"
    assert kept.content == computed.content
    # Only the claimant writes it back.
    latest_key = api_cache_latest_key(request=request, representation="json")
    assert store_cache().get_many([key, latest_key]) == {}


def test_with_no_budget_nothing_is_kept(client, detail, settings):
    settings.API_CACHE_LOCAL_RESPONSE_BYTES = 0
    client.get(detail)
    redis_flush()
    assert client.get(detail)["X-Cache"] == "miss"


def test_the_epoch_is_replaced_with_the_change_and_a_rollback_keeps_it(db):
    tags_invalidate_after_commit(tags=["ep:tests"])  # outside a transaction: at once
    before = ChangeEpoch.objects.get().value
    with pytest.raises(RuntimeError), transaction.atomic():
        tags_invalidate_after_commit(tags=["ep:tests"])
        assert ChangeEpoch.objects.get().value != before
        raise RuntimeError("the change fails")
    assert ChangeEpoch.objects.get().value == before


def test_a_warm_hit_the_process_kept_reads_only_the_tokens_from_redis(client, detail, monkeypatch):
    computed = client.get(detail)
    # Another copy under the same tokens in Redis: a hit that read it would answer with it.
    request = RequestFactory().get(detail)
    latest_key = api_cache_latest_key(request=request, representation="json")
    cache = store_cache()
    stored = cache.get(latest_key)
    cache.set(latest_key, dataclasses.replace(stored, content=b'{"other": "copy"}'))
    trips = round_trips_counted(monkeypatch)
    response = client.get(detail)
    assert response["X-Cache"] == "hit"
    assert response.content == computed.content  # the process's copy, not Redis's
    assert trips.trips == [["MGET"]]  # the tokens alone: no body crossed the network


def test_a_change_whose_epoch_could_not_reach_redis_is_written_before_its_tokens_later(
    client, detail, posts, committed
):
    client.get(detail)
    first = posts[0]
    first.title = "Published while Redis was down"
    with override_settings(CACHES=redis_cache_settings(port=port_free())):
        with committed():
            first.save_revision().publish()
        assert tokens_pending()  # the tags and the epoch, kept for replay
    breaker.reset()
    redis_breakers_reset()
    response = client.get(detail)
    assert response.json()["title"] == "Published while Redis was down"
    assert store_cache().get(EPOCH_KEY) == ChangeEpoch.objects.get().value
