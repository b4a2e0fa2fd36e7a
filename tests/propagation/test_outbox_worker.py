"""The outbox on the database backend, delivered by the real worker (``manage.py db_worker``)
in its own process. These need a database another process can open: PostgreSQL
(``DATABASE_URL``); the embedded SQLite test database lives in this process's memory."""

import os
import signal
import time
import urllib.request
from datetime import datetime

import pytest
from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cachetags.tokens import tokens_get, tokens_made_after
from propagation.models import WebhookDelivery

from .conftest import endpoint_add
from .worker import events_queued, free_port, needs_postgres, worker_start


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_event_is_written_in_the_changes_transaction_and_a_rollback_writes_nothing(
    database_tasks, receiver, author
):
    endpoint_add(url=receiver.url, events="snippet.changed")
    DBTaskResult.objects.all().delete()  # what the fixtures' saves enqueued

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        author.save()
        assert events_queued() == ["cache.invalidated", "snippet.changed"]
        raise Rollback
    assert DBTaskResult.objects.count() == 0
    with transaction.atomic():
        author.save()
    assert events_queued() == ["cache.invalidated", "snippet.changed"]
    # Wagtail's own background work (the reference index) waits for the same worker.
    paths = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert "wagtail.tasks.update_reference_index_task" in paths
    assert receiver.received == []  # nothing is delivered from the editor's request


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_change_outside_a_transaction_is_dated_before_its_tokens_are_replaced(
    database_tasks, author
):
    """Outside a transaction (a script, a shell, a plain save) the tokens are replaced as
    soon as the change is registered. Its ``cache.invalidated`` event must still be dated
    no later than they were made: re-warming renders once the tokens are newer than the
    event and otherwise waits for them (``api.rewarm``)."""
    DBTaskResult.objects.all().delete()  # what the fixtures' saves enqueued
    author.save()  # autocommit: each statement commits at once
    rows = DBTaskResult.objects.filter(task_path="propagation.tasks.event_propagate")
    events = [row.args_kwargs["kwargs"]["event"] for row in rows]
    [invalidated] = [event for event in events if event["type"] == "cache.invalidated"]
    tokens = tokens_get(tags=invalidated["data"]["tags"])
    assert tokens is not None
    changed_at = datetime.fromisoformat(invalidated["timestamp"]).timestamp()
    assert tokens_made_after(tokens=tokens, at=changed_at)


@needs_postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_delivers_and_killing_it_mid_delivery_loses_nothing(
    database_tasks, receiver, author, tmp_path
):
    DBTaskResult.objects.all().delete()  # what the fixtures' saves enqueued
    _id, receiver.secret = endpoint_add(url=receiver.url, events="snippet.changed")
    receiver.script = [("sleep", 60)]  # the first attempt hangs until the worker dies
    author.save()  # committed: the outbox holds the event
    first = worker_start(tmp_path=tmp_path)
    try:
        receiver.wait_for(1, timeout=60)
        assert len(receiver.received) == 1
        os.killpg(first.pid, signal.SIGKILL)  # no graceful shutdown: the task stays RUNNING
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count() == 1
    assert not WebhookDelivery.objects.filter(status="delivered").exists()
    second = worker_start(tmp_path=tmp_path, lease="0", batch=True)
    assert second.wait(timeout=120) == 0
    snippet = [r for r in receiver.received if r.event and r.event["type"] == "snippet.changed"]
    assert len(snippet) == 2
    assert all(r.verified for r in snippet)
    assert snippet[0].headers["webhook-id"] == snippet[1].headers["webhook-id"]
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered"
    assert delivery.webhook_id == snippet[1].headers["webhook-id"]


@needs_postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failed_attempt_is_retried_by_the_worker_after_its_backoff(
    database_tasks, receiver, author, tmp_path
):
    DBTaskResult.objects.all().delete()  # what the fixtures' saves enqueued
    _id, receiver.secret = endpoint_add(url=receiver.url, events="snippet.changed")
    receiver.script = [502]
    author.save()
    heartbeat = tmp_path / "heartbeat"
    port = str(free_port())
    worker = worker_start(
        tmp_path=tmp_path, WORKER_HEARTBEAT_FILE=str(heartbeat), WORKER_METRICS_PORT=port
    )
    try:
        receiver.wait_for(2, timeout=90)
        time.sleep(0.5)  # the delivery's row is saved just after the receiver answers
        metrics = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read()
        metrics = metrics.decode()
        assert 'blog_webhook_deliveries{status="delivered"} 1.0' in metrics
        assert "blog_outbox_oldest_age_seconds" in metrics
        assert 'blog_webhook_attempts_total{endpoint="' in metrics
        assert time.time() - heartbeat.stat().st_mtime < 5  # the loop is alive
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered"
    first, second = delivery.attempt_log.all()
    assert (first.status_code, second.status_code) == (502, 200)
    assert first.backoff_seconds is not None
    # The retry waited at least its backoff (run_after), measured by the attempts' times.
    assert (second.started_at - first.started_at).total_seconds() >= first.backoff_seconds


@needs_postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_the_worker_ran_a_publish_the_first_readers_get_cache_hits(
    database_tasks, make_post, client, tmp_path
):
    listing = "/api/v2/pages/?type=blog.BlogPostPage"
    post = make_post(title="Before the worker")
    make_post(title="Another post")
    DBTaskResult.objects.all().delete()  # what the fixtures' saves enqueued
    assert client.get(listing)["X-Cache"] == "miss"  # a reader made the listing hot
    post.title = "Re-warmed by the worker"
    post.save_revision().publish()  # committed: the outbox holds the event
    assert "cache.invalidated" in events_queued()
    worker = worker_start(
        tmp_path=tmp_path, batch=True, DJANGO_ALLOWED_HOSTS="testserver,127.0.0.1,localhost"
    )
    assert worker.wait(timeout=120) == 0
    rewarms = DBTaskResult.objects.filter(task_path="propagation.tasks.cache_rewarm")
    assert [r.status for r in rewarms] == [TaskResultStatus.SUCCESSFUL]
    detail = client.get(f"/api/v2/pages/{post.pk}/")
    assert (detail["X-Cache"], detail.json()["title"]) == ("hit", "Re-warmed by the worker")
    first_page = client.get(listing)
    assert first_page["X-Cache"] == "hit"
    assert "Re-warmed by the worker" in [i["title"] for i in first_page.json()["items"]]
