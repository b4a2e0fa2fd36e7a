"""Single flight: a cache miss is computed once across processes and pods, via Redis.

After a publish, a deploy that changes ``API_CACHE_VERSION`` or a Redis flush, every
request for a hot URL misses at once; without coordination fifty concurrent requests
compute the same response fifty times. The first to miss claims the key (``SET NX`` with a
short expiry, so a claimant that dies frees it); the others serve the entry's *stale*
copy (the last response stored for the same request, under older tokens) while the
claimant refreshes it (stale-while-revalidate inside Redis), or, with no stale copy, wait
up to ``API_CACHE_FLIGHT_WAIT`` seconds for the fresh entry and compute it themselves
after that. Without Redis (an outage, the breaker open) every request computes, as before.
https://redis.io/docs/latest/develop/use/patterns/distributed-locks/
"""

import time
from collections.abc import Callable, Sequence

from django.conf import settings

from cachetags.store import UNAVAILABLE, store_cache, store_call, store_redis_client

POLL_SECONDS = 0.02


def _claim_key(key: str) -> str:
    return f"flight:{key}"


def flight_claim(*, key: str) -> bool:
    """Whether this caller computes ``key`` (``True`` too when the cache is unavailable)."""
    cache = store_cache()
    claimed = store_call(
        lambda: cache.add(_claim_key(key), 1, timeout=settings.API_CACHE_FLIGHT_TTL)
    )
    return claimed is UNAVAILABLE or bool(claimed)


def flight_release(*, key: str) -> None:
    cache = store_cache()
    store_call(lambda: cache.delete(_claim_key(key)))


def flight_get_or_claim(
    *, key: str, found: Callable[[object], bool], also: Sequence[str] = ()
) -> tuple[object | None, bool, dict[str, object]]:
    """The entry under ``key`` when ``found(entry)``, else whether this caller claimed it
    (``flight_claim``), and the values of the keys ``also`` names that were there:
    ``(entry, False, values)`` or ``(None, claimed, values)``.

    On Redis all of it is one round trip (a pipeline of ``GET``, ``SET NX`` and a ``GET``
    per key in ``also``); a claim made for an entry that was there after all is given back
    at once.
    """
    cache = store_cache()
    client = store_redis_client()
    if client is None:
        values = store_call(lambda: cache.get_many(list(also))) if also else {}
        values = values or {}
        entry = store_call(lambda: cache.get(key))
        if found(entry):
            return entry, False, values
        return None, flight_claim(key=key), values

    def together() -> tuple[object | None, bool, dict[str, object]]:
        pipeline = client.get_client(write=True).pipeline(transaction=False)
        pipeline.get(client.make_key(key))
        pipeline.set(
            client.make_key(_claim_key(key)),
            client.encode(1),
            nx=True,
            px=int(settings.API_CACHE_FLIGHT_TTL * 1000),
        )
        for name in also:
            pipeline.get(client.make_key(name))
        value, claimed, *others = pipeline.execute()
        values = {
            name: client.decode(other)
            for name, other in zip(also, others, strict=True)
            if other is not None
        }
        return (None if value is None else client.decode(value)), bool(claimed), values

    result = store_call(together)
    if result is UNAVAILABLE:
        return None, True, {}
    entry, claimed, values = result
    if found(entry):
        if claimed:
            flight_release(key=key)
        return entry, False, values
    return None, claimed, values


def flight_store(*, key: str, entries: dict[str, object], timeout: float) -> bool:
    """Store the claimed key's ``entries`` and give up the claim, in one round trip on Redis
    (``MULTI``, the ``SET``s and the claim's ``DEL``, ``EXEC``); ``False`` when the cache
    could not be written (the claim then expires by itself)."""
    cache = store_cache()
    client = store_redis_client()
    if client is None:
        stored = store_call(lambda: cache.set_many(entries, timeout=timeout))
        flight_release(key=key)
        return stored is not UNAVAILABLE

    def write() -> None:
        pipeline = client.get_client(write=True).pipeline()
        for name, value in entries.items():
            pipeline.set(client.make_key(name), client.encode(value), px=int(timeout * 1000))
        pipeline.delete(client.make_key(_claim_key(key)))
        pipeline.execute()

    return store_call(write) is not UNAVAILABLE


def flight_wait(*, key: str, found: Callable[[object], bool]) -> object | None:
    """The entry under ``key`` once another caller stored it, polling until
    ``API_CACHE_FLIGHT_WAIT`` seconds have passed or its claim is gone; ``None`` then."""
    cache = store_cache()
    deadline = time.monotonic() + settings.API_CACHE_FLIGHT_WAIT
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        values = store_call(lambda: cache.get_many([key, _claim_key(key)]))
        if values is UNAVAILABLE:
            return None
        if key in values and found(values[key]):
            return values[key]
        if _claim_key(key) not in values:
            return None  # the claimant gave up (an error, a non-cacheable answer)
    return None
