"""Values derived from tagged data, kept under the tags' tokens.

A memo's key hashes a name, the parts that select the value (host, query, ...), the
release (``API_CACHE_VERSION``) and the tokens of the tags the value depends on, so it is
valid exactly as long as those tokens. Used for listing counts, search rankings, hidden
sections, site lookups and listing items (``api/fragments.py``), and by the response cache
itself (``api/caching.py``). When the cache is unavailable the value is computed.

A value's key names the tokens it was derived under, so what is stored under a key never
changes: a change replaces the tokens, and readers compute new keys. That makes a copy in
the process as exact as the one in Redis. Each process keeps the values it read or computed
(``API_CACHE_LOCAL_MEMO_BYTES``, least recently used first out, pickled so every reader gets
its own copy, as from Redis) and asks Redis only for the others: a cold response reads the
site, its hidden sections, its SEO settings, images and related posts without a round trip
each once another response in the process has read them.
"""

import hashlib
import pickle
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar

from django.conf import settings

from cachetags.local import LocalCopies
from cachetags.store import UNAVAILABLE, store_cache, store_call

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def memo_key(*, name: str, parts: Sequence[str], tokens: dict[str, str]) -> str:
    """``<name>:<sha256>`` of the release, the parts and the tokens (in tag order)."""
    lines = [
        settings.API_CACHE_VERSION,
        *parts,
        *(f"{tag}={tokens[tag]}" for tag in sorted(tokens)),
    ]
    return f"{name}:" + hashlib.sha256("\n".join(lines).encode()).hexdigest()


class LocalMemos:
    """Pickled values by key, in this process (``API_CACHE_LOCAL_MEMO_BYTES``)."""

    def __init__(self) -> None:
        self._copies: LocalCopies[bytes] = LocalCopies(
            budget=lambda: settings.API_CACHE_LOCAL_MEMO_BYTES, size=len
        )

    def get(self, key: str) -> tuple | None:
        data = self._copies.get(key)
        if data is None:
            return None
        return pickle.loads(data)  # noqa: S301  # nosec B301: bytes this process pickled (put)

    def put(self, key: str, value: tuple) -> None:
        if not self._copies.active():
            return  # not worth pickling
        self._copies.put(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def clear(self) -> None:
        self._copies.clear()


local_memos = LocalMemos()


def memo_value(
    *,
    key: str,
    compute: Callable[[], V],
    may_store: Callable[[], bool] | None = None,
) -> V:
    """The value kept under ``key``, else ``compute()`` (kept when ``may_store()`` allows).

    Stored as a 1-tuple, so ``None`` and ``0`` are values too.
    """
    local = local_memos.get(key)
    if local is not None:
        return local[0]
    cache = store_cache()
    found = store_call(lambda: cache.get(key))
    if isinstance(found, tuple):
        local_memos.put(key, found)
        return found[0]
    value = compute()
    if found is not UNAVAILABLE and (may_store is None or may_store()):
        stored = store_call(lambda: cache.set(key, (value,), timeout=settings.API_CACHE_TTL))
        if stored is not UNAVAILABLE:
            local_memos.put(key, (value,))
    return value


def memo_many(
    *,
    keys: dict[K, str],
    compute: Callable[[list[K]], dict[K, V]],
    may_store: Callable[[Iterable[K]], bool] | None = None,
) -> dict[K, V]:
    """The values of ``keys`` in one round trip; ``compute(missing)`` for the rest.

    ``compute`` gets the names whose keys were not found, in the order given, and returns
    their values; they are stored in one round trip when ``may_store(names)`` allows.
    """
    values: dict[K, V] = {}
    for name, key in keys.items():
        local = local_memos.get(key)
        if local is not None:
            values[name] = local[0]
    unread = {name: key for name, key in keys.items() if name not in values}
    if not unread:
        return values
    cache = store_cache()
    found = store_call(lambda: cache.get_many(list(unread.values())))
    if found is UNAVAILABLE:
        return {**values, **compute(list(unread))}
    for name, key in unread.items():
        if key in found:
            values[name] = found[key]
            local_memos.put(key, (found[key],))
    missing = [name for name in unread if name not in values]
    if missing:
        computed = compute(missing)
        values.update(computed)
        if may_store is None or may_store(computed):
            entries = {keys[name]: value for name, value in computed.items()}
            stored = store_call(lambda: cache.set_many(entries, timeout=settings.API_CACHE_TTL))
            if stored is not UNAVAILABLE:
                for name, value in computed.items():
                    local_memos.put(keys[name], (value,))
    return values
