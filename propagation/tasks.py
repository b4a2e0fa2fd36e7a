"""The outbox's tasks, run by the worker (``manage.py db_worker``).

``event_propagate`` is what a change enqueues in its transaction (``propagation.events``):
it makes the event's deliveries and attempts each once; a failed attempt schedules
``webhook_delivery_retry`` for its backoff (``run_after``). A ``cache.invalidated`` event
also purges the CDN for its tags, from the worker rather than the editor's request, in
batches across changes (``propagation.cdn_purge``),
enqueues ``cache_rewarm`` (the hottest invalidated responses rendered again, ``api.rewarm``)
and gains the frontend paths behind its tags. Every task is safe to run twice: a worker that
dies mid-task has its task run again (``propagation.management.commands.db_worker``).
"""

import logging
from urllib.parse import urlsplit

from django_tasks import task

from propagation.delivery import webhook_deliveries_create, webhook_delivery_attempt
from propagation.models import WebhookDelivery, WebhookEndpoint
from propagation.vocabulary import CACHE_INVALIDATED

logger = logging.getLogger(__name__)

# Above this many tags, a cache.invalidated event carries ``all`` alone: a frontend
# revalidates everything rather than receive an unbounded payload.
EVENT_TAGS_MAX = 500
# Re-warming waits behind events (0); the CDN flush (propagation.cdn_purge, -10) after it.
REWARM_PRIORITY = -5


def event_paths_for_tags(*, tags: list[str]) -> list[str]:
    """Frontend paths behind the tags: live pages' paths, and the listings of authors,
    categories and tags by slug (docs/api.md#webhooks)."""
    from wagtail.models import Page

    from blog.frontend import (
        author_frontend_url,
        category_frontend_url,
        page_frontend_path,
        tag_frontend_url,
    )

    page_ids, paths = [], set()
    listing = {
        "authors": author_frontend_url,
        "categories": category_frontend_url,
        "tags": tag_frontend_url,
    }
    for tag in tags:
        parts = tag.split(":")
        if len(parts) != 3:
            continue
        if parts[1] == "pages" and parts[2].isdigit():
            page_ids.append(int(parts[2]))
        elif parts[1] in listing and not parts[2].isdigit():
            paths.add(urlsplit(listing[parts[1]](slug=parts[2])).path)
    for page in Page.objects.live().public().filter(pk__in=page_ids).only("url_path"):
        paths.add(page_frontend_path(page=page))
    return sorted(paths)


def event_complete(*, event: dict) -> dict:
    """A ``cache.invalidated`` event with its tags bounded and its frontend paths."""
    if event["type"] != CACHE_INVALIDATED:
        return event
    tags = event["data"]["tags"]
    if len(tags) > EVENT_TAGS_MAX:
        tags = ["all"]
    data = {"tags": tags, "paths": event_paths_for_tags(tags=tags)}
    return {**event, "data": data}


@task()
def event_propagate(event: dict) -> int:
    """Deliver one event to every endpoint that receives it; the number of deliveries."""
    if event["type"] == CACHE_INVALIDATED:
        from api.invalidation import cdn_urls_for_tags
        from propagation.cdn_purge import cdn_purge_queue

        cdn_purge_queue(urls=cdn_urls_for_tags(tags=event["data"]["tags"]))
        # Its own task, below the events' priority: a worker delivers every waiting event's
        # webhooks before it renders responses again.
        cache_rewarm.using(priority=REWARM_PRIORITY).enqueue(
            tags=event["data"]["tags"],
            first=event["data"].get("first", []),
            changed_at=event["timestamp"],
        )
    if not WebhookEndpoint.objects.filter(enabled=True).exists():
        return 0  # nobody listens: skip working out the paths
    event = event_complete(event=event)
    ids = webhook_deliveries_create(event=event)
    for delivery_id in ids:
        webhook_delivery_run(delivery_id=delivery_id)
    return len(ids)


def webhook_delivery_run(*, delivery_id: int) -> WebhookDelivery | None:
    """One attempt; when it failed and attempts remain, the retry is scheduled."""
    delivery = webhook_delivery_attempt(delivery_id=delivery_id)
    if (
        delivery is not None
        and delivery.status == WebhookDelivery.Status.PENDING
        and delivery.next_attempt_at is not None
    ):
        backend = webhook_delivery_retry.get_backend()
        if backend.supports_defer:
            webhook_delivery_retry.using(run_after=delivery.next_attempt_at).enqueue(
                delivery_id=delivery_id
            )
        else:
            # The immediate backend (embedded default) cannot wait: the delivery stays
            # pending with its next attempt shown; "redeliver" in the admin retries it.
            logger.info("webhook %s: retry needs the worker", delivery.webhook_id)
    return delivery


@task()
def cache_rewarm(tags: list[str], first: list[str], changed_at: str) -> int:
    """Render the hottest responses the change invalidated (``api.rewarm``); how many."""
    from django.utils.dateparse import parse_datetime

    from api.rewarm import api_responses_rewarm

    changed = parse_datetime(changed_at)
    rendered = api_responses_rewarm(
        tags=tags, first=first, changed_at=changed.timestamp() if changed else 0.0
    )
    return len(rendered)


@task()
def webhook_delivery_retry(delivery_id: int) -> str:
    delivery = webhook_delivery_run(delivery_id=delivery_id)
    return delivery.status if delivery is not None else "nothing to do"
