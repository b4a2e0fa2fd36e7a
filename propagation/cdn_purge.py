"""CDN invalidations batched across changes, within CloudFront's limits.

Every change's ``cache.invalidated`` event names URLs to purge. Sent one invalidation per
event, a burst of publishes costs one ``CreateInvalidation`` each: CloudFront bills paths
past the first 1,000 a month, keeps at most 3,000 paths and 15 wildcard paths in progress
per distribution, and answers ``TooManyInvalidationsInProgress`` past that. So the worker
queues the URLs (``CdnPurgePath``, one row per URL however many events name it) and
``cdn_purge_flush`` sends them ``CDN_PURGE_BATCH_SECONDS`` after the first of a burst, as
one invalidation:

- every URL once, however many changes named it;
- more than ``CDN_PURGE_PATHS_MAX`` paths, or more than ``CDN_PURGE_WILDCARDS_MAX``
  wildcards, collapse into ``/*`` for that origin: one wildcard path instead of a request
  CloudFront would refuse.

https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-invalidations
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/PayingForInvalidation.html

The flush task runs at a lower priority than the events, so a worker that finds a backlog
(after a restart, or a burst faster than it) sends every queued URL in the one flush after
them. With a backend that cannot defer a task (the immediate backend of the embedded
default) or ``CDN_PURGE_BATCH_SECONDS=0`` each event purges at once, as one batch.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

# Below the events' priority (0): the flush runs after every event ready before it.
FLUSH_PRIORITY = -10


def cdn_purge_batch(*, urls: Iterable[str]) -> list[str]:
    """The URLs of one invalidation: each once, collapsed to each origin's ``/*`` when over
    CloudFront's limits. Paths under a wildcard of the batch are kept: an HTTP cache that
    receives ``PURGE`` (Varnish) reads a wildcard literally."""
    kept = sorted(set(urls))
    wildcard_count = sum(1 for u in kept if u.endswith("*"))
    too_many = len(kept) > settings.CDN_PURGE_PATHS_MAX
    if too_many or wildcard_count > settings.CDN_PURGE_WILDCARDS_MAX:
        origins = sorted({f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in kept})
        return [f"{origin}/*" for origin in origins]
    return kept


def cdn_purge_send(*, urls: list[str]) -> None:
    """One purge through wagtail.contrib.frontend_cache (one CloudFront invalidation per
    distribution), in this process; a CDN error is logged, never raised into the worker's
    other work."""
    if not urls:
        return
    from wagtail.contrib.frontend_cache.tasks import purge_urls_from_cache_task

    from propagation.metrics import cdn_purge_record

    try:
        # The task's body, called here: its enqueue would add one more outbox row per batch.
        purge_urls_from_cache_task.call(urls)
    except Exception:
        logger.exception("CDN purge failed for %d URLs", len(urls))
        return
    cdn_purge_record(paths=len(urls))


def cdn_purge_queue(*, urls: list[str]) -> None:
    """Purge ``urls`` with the next batch (now, when batching is off or impossible)."""
    if not settings.WAGTAILFRONTENDCACHE or not urls:
        return
    from django_tasks.base import TaskResultStatus

    from propagation.models import CdnPurgePath

    window = settings.CDN_PURGE_BATCH_SECONDS
    if window <= 0 or not cdn_purge_flush.get_backend().supports_defer:
        cdn_purge_send(urls=cdn_purge_batch(urls=urls))
        return
    CdnPurgePath.objects.bulk_create(
        [CdnPurgePath(url=url[:500]) for url in urls], ignore_conflicts=True
    )
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=f"{__name__}.cdn_purge_flush", status=TaskResultStatus.READY
    ).exists()
    if not waiting:
        cdn_purge_flush.using(
            run_after=timezone.now() + timedelta(seconds=window), priority=FLUSH_PRIORITY
        ).enqueue()


def cdn_purge_queued_send() -> int:
    """Send every queued URL as one batch and forget them; how many paths were sent."""
    from propagation.models import CdnPurgePath

    queued = list(CdnPurgePath.objects.values_list("pk", "url"))
    if not queued:
        return 0
    batch = cdn_purge_batch(urls=[url for _pk, url in queued])
    cdn_purge_send(urls=batch)
    CdnPurgePath.objects.filter(pk__in=[pk for pk, _url in queued]).delete()
    return len(batch)


def page_urls_purge(sender, instance, **kwargs):
    """Wagtail purges a page's own URLs on publish and unpublish, one invalidation each
    (``wagtail.contrib.frontend_cache``); here they join the batch instead."""
    if not settings.WAGTAILFRONTENDCACHE:
        return
    base = instance.get_full_url()
    if base is None:  # no routable URL
        return
    paths = instance.specific_deferred.get_cached_paths()
    cdn_purge_queue(urls=[base + path.lstrip("/") for path in paths])


def page_purge_receivers_connect() -> None:
    """Replace Wagtail's per-page purge receivers with ``page_urls_purge``; called from
    ``PropagationConfig.ready()``, after ``wagtail.contrib.frontend_cache`` connected its."""
    from wagtail.contrib.frontend_cache import signal_handlers
    from wagtail.models import get_page_models
    from wagtail.signals import page_published, page_unpublished

    for model in get_page_models():
        page_published.disconnect(signal_handlers.page_published_signal_handler, sender=model)
        page_unpublished.disconnect(signal_handlers.page_unpublished_signal_handler, sender=model)
    uid = "propagation.cdn_purge"
    page_published.connect(page_urls_purge, dispatch_uid=f"{uid}.published")
    page_unpublished.connect(page_urls_purge, dispatch_uid=f"{uid}.unpublished")


@task()
def cdn_purge_flush() -> int:
    """Send the CDN URLs queued by a burst of changes as one invalidation; how many paths."""
    return cdn_purge_queued_send()
