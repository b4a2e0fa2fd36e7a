"""What a change tells the outside world, written to the outbox in the change's transaction.

Each event is one task (``propagation.tasks.event_propagate``) enqueued on the ``default``
task backend. With the database backend (``TASKS_BACKEND=database``: django-tasks-db, the
production setting) the task row is written in the transaction that makes the change, so a
rollback leaves nothing and a commit never loses the event; the worker
(``manage.py db_worker``) then delivers it. With the immediate backend (the embedded
default, ``make run``) there is no worker: the event runs in the request once the change
has committed.

Events (docs/api.md#webhooks): ``page.published`` (first publish), ``page.updated`` (a
later publish of a live page), ``page.unpublished``, ``page.deleted``, ``page.moved``,
``snippet.changed`` (an author, category or other snippet saved or deleted) and
``cache.invalidated``, which carries the cache tags a change invalidates (the names of the
``Cache-Tag`` header) and, once delivered, the frontend paths behind them.
"""

import uuid
from datetime import datetime

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from django.utils import timezone
from wagtail.models import Page, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move

from cachetags.commit import tags_changing
from propagation.vocabulary import (
    CACHE_INVALIDATED,
    PAGE_DELETED,
    PAGE_MOVED,
    PAGE_PUBLISHED,
    PAGE_UNPUBLISHED,
    PAGE_UPDATED,
    SNIPPET_CHANGED,
)


def event_new(*, event_type: str, data: dict, timestamp: datetime | None = None) -> dict:
    """The payload: ``{"id", "type", "timestamp", "data"}`` (the Standard Webhooks shape);
    ``timestamp`` is when the change happened (now by default)."""
    return {
        "id": f"msg_{uuid.uuid4().hex}",
        "type": event_type,
        "timestamp": (timestamp or timezone.now()).isoformat(),
        "data": data,
    }


def tasks_are_transactional() -> bool:
    """Whether an enqueued task is a row in the change's own transaction."""
    from django_tasks_db import DatabaseBackend

    from propagation.tasks import event_propagate

    return isinstance(event_propagate.get_backend(), DatabaseBackend)


def event_enqueue(*, event_type: str, data: dict, timestamp: datetime | None = None) -> dict:
    """Put one event in the outbox (see the module docstring for when it is written)."""
    from propagation.tasks import event_propagate

    event = event_new(event_type=event_type, data=data, timestamp=timestamp)
    if tasks_are_transactional():
        event_propagate.enqueue(event=event)
    else:
        transaction.on_commit(lambda: event_propagate.enqueue(event=event))
    return event


def page_event_data(*, page: Page) -> dict:
    from blog.frontend import page_frontend_path

    page = page.specific_deferred if type(page) is Page else page
    return {
        "id": page.pk,
        "type": page._meta.label,
        "title": page.title,
        "slug": page.slug,
        "path": page_frontend_path(page=page),
        "api_path": f"/api/v2/pages/{page.pk}/",
    }


# --- receivers: thin, each names the event and its data --------------------------------


def page_was_published(sender, instance, revision=None, **kwargs):
    first = instance.first_published_at is not None and (
        instance.first_published_at == instance.last_published_at
    )
    event_enqueue(
        event_type=PAGE_PUBLISHED if first else PAGE_UPDATED,
        data=page_event_data(page=instance),
    )


def page_was_unpublished(sender, instance, **kwargs):
    event_enqueue(event_type=PAGE_UNPUBLISHED, data=page_event_data(page=instance))


def page_was_moved(sender, instance, url_path_before="", url_path_after="", **kwargs):
    data = page_event_data(page=instance)
    data["url_path_before"] = url_path_before
    event_enqueue(event_type=PAGE_MOVED, data=data)


def page_deleting(sender, instance, **kwargs):
    # pre_delete fires once per concrete model of a page (Page, then its subclass): one
    # event, from the most specific sender. A draft never published was never public.
    if sender is not instance.specific_class or not (instance.live or instance.first_published_at):
        return
    event_enqueue(event_type=PAGE_DELETED, data=page_event_data(page=instance))


def snippet_saved(sender, instance, raw=False, created=False, **kwargs):
    if raw:
        return
    event_enqueue(
        event_type=SNIPPET_CHANGED,
        data={
            "model": sender._meta.label,
            "id": instance.pk,
            "action": "created" if created else "updated",
            "title": str(instance)[:200],
        },
    )


def snippet_deleted(sender, instance, **kwargs):
    event_enqueue(
        event_type=SNIPPET_CHANGED,
        data={
            "model": sender._meta.label,
            "id": instance.pk,
            "action": "deleted",
            "title": str(instance)[:200],
        },
    )


def tags_were_changed(
    sender,
    tags: frozenset[str],
    first: frozenset[str] = frozenset(),
    changed_at: datetime | None = None,
    **kwargs,
):
    # "first" steers the worker's re-warming; the delivered payload carries tags and paths.
    # The event's time is the change's, before its tokens are replaced (cachetags.commit).
    event_enqueue(
        event_type=CACHE_INVALIDATED,
        data={"tags": sorted(tags), "first": sorted(first)},
        timestamp=changed_at,
    )


def event_receivers_connect() -> None:
    """Connect the receivers above; called from ``PropagationConfig.ready()``."""
    from blog.models import Author, Category

    uid = "propagation.events"
    page_published.connect(page_was_published, dispatch_uid=f"{uid}.published")
    page_unpublished.connect(page_was_unpublished, dispatch_uid=f"{uid}.unpublished")
    post_page_move.connect(page_was_moved, dispatch_uid=f"{uid}.moved")
    for model in get_page_models():
        pre_delete.connect(page_deleting, sender=model, dispatch_uid=f"{uid}.del.{model}")
    # The content snippets frontends show (not operational ones such as blocked networks).
    for model in (Author, Category):
        label = model._meta.label
        post_save.connect(snippet_saved, sender=model, dispatch_uid=f"{uid}.save.{label}")
        post_delete.connect(snippet_deleted, sender=model, dispatch_uid=f"{uid}.del.{label}")
    tags_changing.connect(tags_were_changed, dispatch_uid=f"{uid}.tags")
