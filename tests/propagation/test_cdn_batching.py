"""CDN invalidations batched across a burst of publishes (``propagation.cdn_purge``):
the real worker against moto's CloudFront API server on loopback."""

import os
import signal
import time
from urllib.parse import urlsplit

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from api.invalidation import cdn_urls_for_tags
from propagation.cdn_purge import cdn_purge_batch
from propagation.models import CdnPurgePath

from .cloudfront import cloudfront_distribution
from .worker import needs_postgres, worker_start

CDN = "https://cdn.example.com"


def test_a_batch_names_each_url_once(settings):
    urls = [f"{CDN}/api/v2/pages/*", f"{CDN}/api/v2/pages/1/", f"{CDN}/api/v2/pages/*"]
    assert cdn_purge_batch(urls=urls) == [f"{CDN}/api/v2/pages/*", f"{CDN}/api/v2/pages/1/"]


def test_over_cloudfronts_wildcard_limit_a_batch_purges_the_origin(settings):
    settings.CDN_PURGE_WILDCARDS_MAX = 15
    urls = [f"{CDN}/section-{n}/*" for n in range(16)] + [f"{CDN}/api/v2/pages/1/"]
    assert cdn_purge_batch(urls=urls) == [f"{CDN}/*"]
    assert len(cdn_purge_batch(urls=urls[:15])) == 15


def test_over_cloudfronts_path_limit_a_batch_purges_each_origin(settings):
    settings.CDN_PURGE_PATHS_MAX = 3000
    urls = [f"{CDN}/api/v2/pages/{n}/" for n in range(3001)] + ["https://img.example.com/a"]
    assert cdn_purge_batch(urls=urls) == [f"{CDN}/*", "https://img.example.com/*"]
    assert len(cdn_purge_batch(urls=urls[:3000])) == 3000


@needs_postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_burst_of_publishes_is_one_cloudfront_invalidation_with_every_path(
    database_tasks, make_post, tmp_path, monkeypatch, settings
):
    settings.API_CDN_BASE_URL = CDN  # as the worker's
    posts = [make_post(title=f"Burst {n}") for n in range(8)]
    DBTaskResult.objects.all().delete()  # what the fixtures' saves enqueued
    with cloudfront_distribution(monkeypatch=monkeypatch) as distribution:
        # The editor's process too: Wagtail's own purge of each page's URL joins the batch.
        settings.WAGTAILFRONTENDCACHE = {
            "cloudfront": {
                "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
                "DISTRIBUTION_ID": distribution.id,
            }
        }
        for post in posts:  # a burst: every publish commits before the worker looks
            post.title += ", edited"
            post.save_revision().publish()
        events = DBTaskResult.objects.filter(task_path="propagation.tasks.event_propagate")
        expected = set()
        for row in events:
            event = row.args_kwargs["kwargs"]["event"]
            if event["type"] == "cache.invalidated":
                expected.update(cdn_urls_for_tags(tags=event["data"]["tags"]))
        expected = {url.removeprefix(CDN) for url in expected}
        assert {f"/api/v2/pages/{p.pk}/" for p in posts} <= expected
        expected |= {urlsplit(p.get_full_url()).path for p in posts}  # the pages' own URLs
        assert distribution.invalidations() == []  # nothing was sent from the requests
        worker = worker_start(
            tmp_path=tmp_path,
            **distribution.env,
            CLOUDFRONT_DISTRIBUTION_ID=distribution.id,
            API_CDN_BASE_URL=CDN,
            CDN_PURGE_BATCH_SECONDS="1",
        )
        try:
            flushes = DBTaskResult.objects.filter(task_path="propagation.cdn_purge.cdn_purge_flush")
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                pending = DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL)
                if flushes.exists() and not pending.exists():
                    break
                time.sleep(0.2)
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
        assert [f.status for f in flushes] == [TaskResultStatus.SUCCESSFUL]
        batches = distribution.invalidations()
    # One invalidation per host for the whole burst (Wagtail's backend sends each host's URLs
    # as one request: hosts may be distributions of their own), not one per publish.
    hosts = {urlsplit(CDN).netloc, urlsplit(posts[0].get_full_url()).netloc}
    assert len(batches) == len(hosts) == 2, f"{len(posts)} publishes, {len(batches)} requests"
    assert {path for paths in batches for path in paths} == expected
    for paths in batches:
        assert len(paths) <= 3000
        assert sum(1 for path in paths if path.endswith("*")) <= 15
    assert not CdnPurgePath.objects.exists()
