"""Derived values kept in the process besides Redis (``cachetags.memo.local_memos``): read
without a round trip once the process has them, exact because their keys name their
tokens, each reader with its own copy, and within a budget of bytes."""

import pytest

from cachetags.memo import local_memos, memo_key, memo_many, memo_value
from cachetags.tokens import tokens_get, tokens_replace
from tests.perf.redis_trips import round_trips_counted


@pytest.fixture
def trips(monkeypatch, api_cache_on_redis):
    local_memos.clear()
    yield round_trips_counted(monkeypatch)
    local_memos.clear()


def _key(name: str, tag: str = "ep:tests") -> str:
    return memo_key(name=name, parts=["example.com"], tokens=tokens_get(tags=[tag]))


def test_a_value_the_process_computed_is_read_again_without_redis(trips):
    key = _key("site")
    computed = []
    assert memo_value(key=key, compute=lambda: computed.append(1) or {"id": 1}) == {"id": 1}
    trips.trips.clear()
    assert memo_value(key=key, compute=lambda: computed.append(1) or {"id": 2}) == {"id": 1}
    assert computed == [1]
    assert trips.trips == []


def test_a_value_read_from_redis_is_kept_for_the_next_read(trips):
    key = _key("site")
    memo_value(key=key, compute=lambda: "stored by another process")
    local_memos.clear()  # this process never saw it
    trips.trips.clear()
    assert memo_value(key=key, compute=lambda: "computed") == "stored by another process"
    assert trips.trips == [["GET"]]
    assert memo_value(key=key, compute=lambda: "computed") == "stored by another process"
    assert trips.trips == [["GET"]]


def test_a_change_reaches_the_next_read_through_the_tokens(trips):
    before = memo_value(key=_key("count"), compute=lambda: 3)
    tokens_replace(tags=["ep:tests"])
    after = memo_value(key=_key("count"), compute=lambda: 4)
    assert (before, after) == (3, 4)


def test_many_values_read_only_what_the_process_lacks(trips):
    keys = {pk: _key(f"image-{pk}") for pk in (1, 2, 3)}
    memo_many(keys={1: keys[1]}, compute=lambda missing: {pk: f"image {pk}" for pk in missing})
    trips.trips.clear()
    computed = []

    def compute(missing):
        computed.extend(missing)
        return {pk: f"image {pk}" for pk in missing}

    values = memo_many(keys=keys, compute=compute)
    assert values == {1: "image 1", 2: "image 2", 3: "image 3"}
    assert computed == [2, 3]
    assert trips.trips[0] == ["MGET"]  # only the two the process lacks
    assert len(trips.trips[0]) == 1
    trips.trips.clear()
    assert memo_many(keys=keys, compute=compute) == values
    assert trips.trips == []


def test_every_reader_gets_its_own_copy(trips):
    key = _key("hidden")
    first = memo_value(key=key, compute=lambda: ["/0001/"])
    first.append("/0002/")
    assert memo_value(key=key, compute=lambda: []) == ["/0001/"]


def test_the_budget_bounds_the_copies_oldest_read_first_out(trips, settings):
    settings.API_CACHE_LOCAL_MEMO_BYTES = 8 * 1024
    keys = [_key(f"item-{n}") for n in range(12)]
    for key in keys:
        memo_value(key=key, compute=lambda: "x" * 400)  # about 420 bytes pickled
    memo_value(key=keys[0], compute=lambda: "never")  # read again: now the newest
    for n in range(12, 24):
        memo_value(key=_key(f"item-{n}"), compute=lambda: "x" * 400)
    trips.trips.clear()
    memo_value(key=keys[0], compute=lambda: "never")
    assert trips.trips == []  # kept: read recently
    memo_value(key=keys[1], compute=lambda: "never")
    assert trips.trips == [["GET"]]  # dropped: the oldest read


def test_a_value_larger_than_an_eighth_of_the_budget_stays_in_redis_only(trips, settings):
    settings.API_CACHE_LOCAL_MEMO_BYTES = 8 * 1024
    key = _key("listing")
    memo_value(key=key, compute=lambda: "x" * 2000)
    trips.trips.clear()
    assert memo_value(key=key, compute=lambda: "never") == "x" * 2000
    assert trips.trips == [["GET"]]


def test_a_budget_of_zero_keeps_nothing_in_the_process(trips, settings):
    settings.API_CACHE_LOCAL_MEMO_BYTES = 0
    key = _key("site")
    memo_value(key=key, compute=lambda: 1)
    trips.trips.clear()
    assert memo_value(key=key, compute=lambda: 2) == 1
    assert trips.trips == [["GET"]]
