"""The change epoch: whether anything changed since a response was computed, even after
Redis lost every token.

Tokens live in Redis only, so a flush (or a restart without persistence) forgets them, and
after it nothing says whether a copy a process still holds is current. The epoch says so:

- every change that invalidates tags replaces it *inside its own transaction*
  (``epoch_advance``, called by ``cachetags.commit``), so the database's value commits or
  rolls back with the change, and a backup holds the data and its epoch together;
- once the change has committed, its value is written to Redis just before the tokens
  (``cachetags.tokens.tokens_replace``), and a miss reads it in the same round trip as its claim
  (``cachetags.flight``), before the view reads any data: a response is labelled with the
  epoch it was computed under;
- a copy labelled with the database's current epoch was computed after the last committed
  change (a copy whose data is newer than its label only fails the comparison), so it is
  exactly what a fresh computation would answer (``epoch_current``).

A value is random, never a counter: a database rolled back to an older state (a test's
transaction, a restore) is back at a value that labels copies of that state only, where a
counter would count up again to values that labelled other data. After a restore, bump
``API_CACHE_VERSION`` all the same (docs/operations.md): it is part of every key.
"""

import secrets

from django.db import DatabaseError

from cachetags.models import ChangeEpoch
from cachetags.store import store_cache, store_call
from cachetags.tokens import EPOCH_KEY

ROW_ID = 1


def epoch_new() -> str:
    return secrets.token_hex(8)


def epoch_advance(*, using: str | None = None) -> str:
    """A new epoch, written in the current transaction (autocommit outside one)."""
    value = epoch_new()
    epochs = ChangeEpoch.objects.using(using)
    if not epochs.filter(pk=ROW_ID).update(value=value):  # the migration made it; a flush not
        epochs.create(pk=ROW_ID, value=value)
    return value


def epoch_current(*, seen: object) -> str | None:
    """The current epoch: ``seen`` (read from Redis with the claim) when there was one,
    else the database's, then published for the next readers; ``None`` when no change has
    been recorded or the database cannot say."""
    if isinstance(seen, str):
        return seen
    try:
        value = ChangeEpoch.objects.filter(pk=ROW_ID).values_list("value", flat=True).first()
    except DatabaseError:
        return None
    if value is not None:
        cache = store_cache()
        # Never over a value a change published meanwhile: that one is newer.
        store_call(lambda: cache.add(EPOCH_KEY, value, timeout=None))
    return value
