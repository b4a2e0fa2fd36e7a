"""Invalidation after commit, and the signals other apps follow changes by.

A change names the tags it affects while its transaction is open; their tokens are
replaced only once it has committed. That is what keeps reads exact: a reader that sees
the new token also sees the committed rows (replacing earlier would let a reader store
pre-commit data under the new token). A rolled-back change replaces nothing. The change
epoch (``cachetags.epoch``) is replaced inside the transaction itself, and written to Redis
just before the tokens after the commit.

- ``tags_changing`` is sent *inside* the transaction, with the tags, ``first`` (the
  tags of the objects the change itself touched, re-warmed first) and ``changed_at``: a
  receiver that writes rows (the outbox of ``propagation``) writes them in the same
  transaction, so a rollback leaves nothing and a commit never loses them. The token
  replacement is registered before the signal is sent, so a receiver's own after-commit
  work (the outbox without a worker) runs once the tokens are replaced.
- ``tags_invalidated`` is sent after the tokens were replaced, once the commit is done.
"""

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from cachetags.epoch import epoch_advance, epoch_new
from cachetags.tokens import tokens_replace

tags_changing = Signal()
tags_invalidated = Signal()


def tags_invalidate_after_commit(
    *, tags: Iterable[str], first: Iterable[str] = (), using: str | None = None
) -> None:
    """Replace the tags' tokens once the current transaction commits (now, outside one).

    ``first``: the tags among ``tags`` of what the change itself touched (the published
    page's detail), which re-warming renders before the rest.
    """
    tags = frozenset(tags)
    if not tags:
        return
    # In the change's own transaction: it commits or rolls back with the change.
    epoch = epoch_advance(using=using)

    def invalidate() -> None:
        tokens_replace(tags=tags, epoch=epoch)
        tags_invalidated.send(sender=None, tags=tags)

    # When the change happened, taken before the replacement is registered: outside a
    # transaction ``on_commit`` runs at once, and re-warming waits for tokens made after
    # the change (``api.rewarm``), which a later moment would make it wait for in vain.
    changed_at = timezone.now()
    transaction.on_commit(invalidate, using=using)
    tags_changing.send(sender=None, tags=tags, first=frozenset(first) & tags, changed_at=changed_at)


def tags_invalidate_now(*, tags: Iterable[str]) -> None:
    """Replace the tags' tokens at once: for operators and tests (a full clear), never for
    a change still in a transaction."""
    tags = frozenset(tags)
    # A new epoch that no change stands for: copies a process kept are computed again too.
    tokens_replace(tags=tags, epoch=epoch_new())
    tags_invalidated.send(sender=None, tags=tags)
