"""Values derived from tagged data, kept under the tags' tokens.

A memo's key hashes a name, the parts that select the value (host, query, ...), the
release (``API_CACHE_VERSION``) and the tokens of the tags the value depends on, so it is
valid exactly as long as those tokens. Used for listing counts, search rankings, hidden
sections, site lookups and listing items (``api/fragments.py``), and by the response cache
itself (``api/caching.py``). When the cache is unavailable the value is computed.
"""

import hashlib
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar

from django.conf import settings

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


def memo_value(
    *,
    key: str,
    compute: Callable[[], V],
    may_store: Callable[[], bool] | None = None,
) -> V:
    """The value kept under ``key``, else ``compute()`` (kept when ``may_store()`` allows).

    Stored as a 1-tuple, so ``None`` and ``0`` are values too.
    """
    cache = store_cache()
    found = store_call(lambda: cache.get(key))
    if isinstance(found, tuple):
        return found[0]
    value = compute()
    if found is not UNAVAILABLE and (may_store is None or may_store()):
        store_call(lambda: cache.set(key, (value,), timeout=settings.API_CACHE_TTL))
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
    cache = store_cache()
    found = store_call(lambda: cache.get_many(list(keys.values())))
    if found is UNAVAILABLE:
        return compute(list(keys))
    values = {name: found[key] for name, key in keys.items() if key in found}
    missing = [name for name in keys if name not in values]
    if missing:
        computed = compute(missing)
        values.update(computed)
        if may_store is None or may_store(computed):
            entries = {keys[name]: value for name, value in computed.items()}
            store_call(lambda: cache.set_many(entries, timeout=settings.API_CACHE_TTL))
    return values
