"""One generation token per tag, in Redis.

An entry's key hashes the tokens of the tags it depends on, *read before it is computed*.
Replacing a tag's token (after the change has committed: ``cachetags.commit``) makes the
next read compute a new key and miss; an entry computed from data read before that commit
can only be stored under the old key, which nobody reads again. Replacing one key is O(1)
and leaves the stale entries to expire, where deleting them would need a scan of Redis.

Tokens that could not reach Redis (an outage) are kept in the process and written before
the cache is read again, so an outage never leaves a stale entry valid afterwards.
Pattern: https://docs.djangoproject.com/en/5.2/topics/cache/#cache-versioning
"""

import secrets
import threading
import time
from collections.abc import Callable, Iterable

from cachetags.store import (
    UNAVAILABLE,
    store_cache,
    store_call,
    store_counts_shared,
    store_get_many_counting,
)

# Tokens are set in chunks so one huge fan-out never builds one giant command.
TAG_CHUNK = 1000

# The change epoch's key (``cachetags.epoch``): written with the tokens, before them.
EPOCH_KEY = "epoch"

_pending_lock = threading.Lock()
_pending_tags: set[str] = set()
_pending_epoch: list[str] = []  # the newest epoch still to write, if any


def _token_key(tag: str) -> str:
    return f"gen:{tag}"


def _token_new() -> str:
    """A fresh token; it starts with its creation time (for a read replica's lag)."""
    return f"{time.time():.6f}-{secrets.token_hex(6)}"


def _token_time(token: str) -> float:
    try:
        return float(token.split("-", 1)[0])
    except ValueError:
        return 0.0


def tokens_get(*, tags: Iterable[str]) -> dict[str, str] | None:
    """The current token of each tag (made on first use); ``None`` when Redis is unavailable."""
    tags = list(tags)
    if not tokens_pending_flush():
        return None
    cache = store_cache()
    keys = {_token_key(t): t for t in tags}

    def read() -> dict[str, str]:
        found = cache.get_many(list(keys))
        missing = [k for k in keys if k not in found]
        if missing:
            # A tag never replaced (or evicted) gets a fresh token, never a reused default,
            # so an old entry can never become valid again.
            for key in missing:
                cache.add(key, _token_new(), timeout=None)
            found.update(cache.get_many(missing))
        return {keys[k]: v for k, v in found.items()}

    result = store_call(read)
    if result is UNAVAILABLE or len(result) != len(keys):
        return None
    return result


def tokens_get_with(
    *,
    tags: Iterable[str],
    keys: Iterable[str],
    counters: Callable[[], dict[str, int]] | None = None,
) -> tuple[dict[str, str] | None, dict[str, object], dict[str, int]]:
    """The tags' tokens and the entries under ``keys``, read in one round trip (one ``MGET``).

    What a warm response-cache hit costs: the tokens say whether the entry found is still
    valid. When a tag has no token yet (first use, eviction) the tokens are made as
    ``tokens_get`` makes them, so no entry found was computed under them. ``(None, {}, {})``
    when Redis is unavailable.

    ``counters`` returns counters of the default alias (``{key: seconds to keep it}``, a
    rate limit's windows). Where the store shares that alias's keys it is called, and one is
    added to each in the same round trip; their new values come back as the third item
    (empty when they were not counted here, and then ``counters`` was not called).
    """
    tags, keys = list(tags), list(keys)
    if not tokens_pending_flush():
        return None, {}, {}
    cache = store_cache()
    token_keys = {_token_key(t): t for t in tags}
    read = [*token_keys, *keys]
    counted = counters() if counters is not None and store_counts_shared() else None
    if counted:
        result = store_call(lambda: store_get_many_counting(keys=read, counters=counted))
    else:
        result = store_call(lambda: (cache.get_many(read), {}))
    if result is UNAVAILABLE:
        return None, {}, {}
    found, counts = result
    entries = {k: found[k] for k in keys if k in found}
    if any(k not in found for k in token_keys):
        # Fresh tokens: no entry found was computed under them.
        return tokens_get(tags=tags), entries, counts
    tokens = {tag: found[k] for k, tag in token_keys.items()}
    return tokens, entries, counts


def tokens_made_after(*, tokens: dict[str, str], at: float) -> bool:
    """Whether every token was made at or after ``at`` (a Unix time): the tags were
    replaced after that moment."""
    return all(_token_time(token) >= at for token in tokens.values())


def tokens_replace(*, tags: Iterable[str], epoch: str | None = None) -> None:
    """Replace the tokens of ``tags``: every entry that depends on one of them misses.

    Call it once the change has committed (``cachetags.commit`` does), with the change's
    ``epoch``, which is written first: a reader that sees a new token also sees the new
    epoch, so a copy labelled with the old one is never taken for current. When Redis
    cannot be reached the tags and the epoch are kept and replayed before the cache is read
    again.
    """
    tags = set(tags)
    if not tags:
        return
    with _pending_lock:
        _pending_tags.update(tags)
        if epoch is not None:
            _pending_epoch[:] = [epoch]
    tokens_pending_flush()


def tokens_pending() -> frozenset[str]:
    """Tags whose replacement is still waiting for Redis."""
    with _pending_lock:
        return frozenset(_pending_tags)


def tokens_pending_discard() -> None:
    """Forget the waiting replacements (a test's fresh start; a cache that was flushed)."""
    with _pending_lock:
        _pending_tags.clear()
        _pending_epoch.clear()


def tokens_pending_flush() -> bool:
    """Write the pending replacements; ``True`` when none is left."""
    with _pending_lock:
        if not _pending_tags:
            return True
        tags = sorted(_pending_tags)
        epoch = list(_pending_epoch)
    cache = store_cache()
    token = _token_new()
    for start in range(0, len(tags), TAG_CHUNK):
        chunk = tags[start : start + TAG_CHUNK]
        # The epoch first: the SETs run in order, so no reader sees a new token with the
        # old epoch.
        mapping = {EPOCH_KEY: epoch[0]} if epoch and start == 0 else {}
        mapping.update({_token_key(t): token for t in chunk})
        if store_call(lambda m=mapping: cache.set_many(m, timeout=None)) is UNAVAILABLE:
            return False
        with _pending_lock:
            _pending_tags.difference_update(chunk)
            if epoch and _pending_epoch == epoch:
                _pending_epoch.clear()
    return True


def tokens_older_than(*, tokens: dict[str, str], seconds: float) -> bool:
    """Whether every token was made at least ``seconds`` ago (a read replica has caught up
    with the changes they stand for)."""
    now = time.time()
    return all(now - _token_time(token) >= seconds for token in tokens.values())
