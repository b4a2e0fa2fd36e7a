"""Invalidation after commit, and the signals other apps follow changes by.

A change names the tags it affects while its transaction is open; their tokens are
replaced only once it has committed. That is what keeps reads exact: a reader that sees
the new token also sees the committed rows (replacing earlier would let a reader store
pre-commit data under the new token). A rolled-back change replaces nothing.

- ``tags_changing`` is sent *inside* the transaction, with the tags: a receiver that writes
  rows (the outbox of ``propagation``) writes them in the same transaction, so a rollback
  leaves nothing and a commit never loses them.
- ``tags_invalidated`` is sent after the tokens were replaced, once the commit is done.
"""

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

from cachetags.tokens import tokens_replace

tags_changing = Signal()
tags_invalidated = Signal()


def tags_invalidate_after_commit(*, tags: Iterable[str], using: str | None = None) -> None:
    """Replace the tags' tokens once the current transaction commits (now, outside one)."""
    tags = frozenset(tags)
    if not tags:
        return
    tags_changing.send(sender=None, tags=tags)

    def invalidate() -> None:
        tokens_replace(tags=tags)
        tags_invalidated.send(sender=None, tags=tags)

    transaction.on_commit(invalidate, using=using)


def tags_invalidate_now(*, tags: Iterable[str]) -> None:
    """Replace the tags' tokens at once: for operators and tests (a full clear), never for
    a change still in a transaction."""
    tags = frozenset(tags)
    tokens_replace(tags=tags)
    tags_invalidated.send(sender=None, tags=tags)
