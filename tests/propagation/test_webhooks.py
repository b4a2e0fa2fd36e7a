"""Signed webhooks to a real receiver on loopback, verified by ``standardwebhooks``."""

import io
import socket

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from propagation.models import WebhookDelivery, WebhookEndpoint
from propagation.tasks import webhook_delivery_retry

from .conftest import endpoint_add


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_first_publish_reaches_the_receiver_signed_with_its_page_and_cache_tags(
    subscribed, make_post, committed
):
    with committed():
        post = make_post(title="Hello receivers")
    published = subscribed.events("page.published")
    assert [e["data"]["id"] for e in published] == [post.pk]
    assert published[0]["data"]["path"] == "/blog/hello-receivers/"
    assert published[0]["data"]["api_path"] == f"/api/v2/pages/{post.pk}/"
    invalidated = subscribed.events("cache.invalidated")
    tags = {tag for event in invalidated for tag in event["data"]["tags"]}
    assert {"ep:pages", f"ep:pages:{post.pk}"} <= tags
    assert "/blog/hello-receivers/" in {p for e in invalidated for p in e["data"]["paths"]}
    assert all(r.verified for r in subscribed.received)
    assert len({r.headers["webhook-id"] for r in subscribed.received}) == len(subscribed.received)


def test_a_second_publish_is_an_update_and_unpublish_delete_move_have_their_events(
    subscribed, make_post, committed, site_tree
):
    _home, index = site_tree
    with committed():
        post = make_post(title="Lifecycle")
    with committed():
        post.title = "Lifecycle, edited"
        post.save_revision().publish()
    assert [e["data"]["title"] for e in subscribed.events("page.updated")] == ["Lifecycle, edited"]
    with committed():
        other = index.add_sibling(instance=type(index)(title="News", slug="news"))
        post.refresh_from_db()
        post.move(other, pos="last-child")
    moved = subscribed.events("page.moved")
    assert [(e["data"]["id"], e["data"]["path"]) for e in moved] == [(post.pk, "/news/lifecycle/")]
    with committed():
        post.refresh_from_db()
        post.unpublish()
    assert [e["data"]["id"] for e in subscribed.events("page.unpublished")] == [post.pk]
    with committed():
        type(post).objects.get(pk=post.pk).delete()
    assert [e["data"]["id"] for e in subscribed.events("page.deleted")] == [post.pk]


def test_a_snippet_change_is_an_event(subscribed, author, committed):
    with committed():
        author.name = "Ada L."
        author.save()
    changed = subscribed.events("snippet.changed")
    assert changed[-1]["data"] == {
        "model": "blog.Author",
        "id": author.pk,
        "action": "updated",
        "title": str(author),
    }


def test_an_endpoint_receives_only_the_events_it_chose(receiver, make_post, committed, db):
    _id, receiver.secret = endpoint_add(url=receiver.url, events="page.published")
    with committed():
        make_post()
    assert {e["type"] for e in receiver.events()} == {"page.published"}


def test_a_rolled_back_change_delivers_nothing(subscribed, make_post, committed):
    from django.db import transaction

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), committed(), transaction.atomic():
        make_post()
        raise Rollback
    assert subscribed.received == []
    assert not WebhookDelivery.objects.exists()


def test_a_5xx_is_retried_with_backoff_and_the_same_webhook_id(receiver, author, committed):
    _id, receiver.secret = endpoint_add(url=receiver.url, events="snippet.changed")
    subscribed = receiver
    subscribed.script = [503, 500]
    with committed():
        author.save()
    delivery = WebhookDelivery.objects.get(event_type="snippet.changed")
    assert delivery.status == "pending"
    assert delivery.last_status_code == 503
    assert delivery.next_attempt_at is not None
    for _ in range(2):
        webhook_delivery_retry.call(delivery_id=delivery.pk)  # what the worker runs later
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    attempts = list(delivery.attempt_log.all())
    assert [(a.number, a.status_code) for a in attempts] == [(1, 503), (2, 500), (3, 200)]
    # Backoff doubles (base 0.05 s, +≤10% jitter), recorded on every failed attempt.
    assert 0.05 <= attempts[0].backoff_seconds <= 0.056
    assert 0.10 <= attempts[1].backoff_seconds <= 0.111
    assert attempts[2].backoff_seconds is None
    ids = {
        r.headers["webhook-id"] for r in subscribed.received if r.event["type"] == "snippet.changed"
    }
    assert ids == {delivery.webhook_id}


def test_a_timeout_and_a_refused_connection_are_retried_and_capped(
    receiver, author, committed, settings
):
    settings.WEBHOOK_TIMEOUT = 0.3
    settings.WEBHOOK_MAX_ATTEMPTS = 4
    _id, receiver.secret = endpoint_add(url=receiver.url, events="snippet.changed")
    receiver.script = [("sleep", 1.0)]
    with committed():
        author.save()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending"
    assert "Timeout" in delivery.last_error
    assert delivery.last_status_code is None
    # The receiver goes away: connections are refused.
    dead = f"http://127.0.0.1:{_free_port()}/hooks"
    WebhookEndpoint.objects.update(url=dead)
    for _ in range(3):
        webhook_delivery_retry.call(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    attempts = list(delivery.attempt_log.all())
    assert len(attempts) == 4
    assert all(
        "ConnectionRefused" in a.error or "NewConnectionError" in a.error for a in attempts[1:]
    )
    assert [a.backoff_seconds is not None for a in attempts] == [True, True, True, False]
    assert attempts[2].backoff_seconds <= settings.WEBHOOK_BACKOFF_CAP * 1.1  # capped


def test_an_endpoint_failing_too_often_is_disabled(receiver, author, committed, settings):
    settings.WEBHOOK_ENDPOINT_FAILURES_MAX = 2
    endpoint_id, receiver.secret = endpoint_add(url=receiver.url)
    receiver.script = [500] * 10
    with committed():
        author.save()
        author.save()
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
    assert not endpoint.enabled
    assert endpoint.disabled_reason == "disabled after 2 failed attempts in a row"
    before = len(receiver.received)
    with committed():
        author.save()
    assert len(receiver.received) == before  # a disabled endpoint gets nothing


def test_a_huge_answer_is_cut_off_never_read_whole(receiver, author, committed, settings):
    settings.WEBHOOK_RESPONSE_BYTES_MAX = 1024
    _id, receiver.secret = endpoint_add(url=receiver.url, events="snippet.changed")
    receiver.script = [("huge", 512 * 1024 * 1024)]
    with committed():
        author.save()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered"
    assert receiver.bytes_sent < 64 * 1024 * 1024  # the sender hung up long before 512 MB


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/hook", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("http://169.254.169.254/latest/meta-data/", "link-local or cloud metadata"),
        ("http://[fe80::1]/hook", "link-local or cloud metadata"),
        ("http://10.0.0.8/hook", "loopback or private"),
        ("http://192.168.1.1/hook", "loopback or private"),
        ("http://127.0.0.2:8000/hook", "loopback or private"),
        ("http://[::1]/hook", "loopback or private"),
        ("http://redis.internal/hook", "loopback or private"),
        ("http://127.0.0.1:8000/hook", "points at this CMS"),
        ("http://user:pw@example.com/hook", "credentials"),
    ],
)
def test_unsafe_urls_are_refused_with_a_clear_message(db, settings, url, message):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    with pytest.raises(CommandError, match=message):
        endpoint_add(url=url)
    assert not WebhookEndpoint.objects.exists()


def test_metadata_addresses_stay_refused_even_when_private_urls_are_allowed(db):
    with pytest.raises(CommandError, match="metadata"):
        endpoint_add(url="http://169.254.169.254/")


def test_the_cms_itself_is_refused(db, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    settings.ALLOWED_HOSTS = ["cms.example.com"]
    with pytest.raises(CommandError, match="points at this CMS"):
        endpoint_add(url="https://cms.example.com/api/v2/pages/")


def test_a_name_that_resolves_to_a_private_address_is_refused_at_delivery(
    receiver, author, committed, settings
):
    # The machine's own hostname passes the save-time check (it is a name, not an
    # address) and resolves to a loopback or private address: the delivery refuses it.
    hostname = socket.gethostname()
    _id, receiver.secret = endpoint_add(url=f"http://{hostname}:{receiver.port}/hooks/cms")
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    with committed():
        author.save()
    delivery = WebhookDelivery.objects.filter(event_type="snippet.changed").get()
    assert delivery.last_error.startswith("refused:")
    assert receiver.received == []


def test_the_management_command_adds_lists_and_removes_endpoints(db, receiver):
    endpoint_id, secret = endpoint_add(url=receiver.url, events="page.published,page.deleted")
    assert secret.startswith("whsec_")
    out = io.StringIO()
    call_command("webhook_endpoint", "list", stdout=out)
    listing = out.getvalue()
    assert f"{endpoint_id}\t{receiver.url}\tpage.published, page.deleted\tenabled" in listing
    assert secret not in listing  # never shown again
    with pytest.raises(CommandError, match="unknown event"):
        endpoint_add(url=receiver.url, events="page.published,page.exploded")
    call_command("webhook_endpoint", "remove", str(endpoint_id), stdout=io.StringIO())
    assert not WebhookEndpoint.objects.exists()
    with pytest.raises(CommandError, match="no webhook endpoint"):
        call_command("webhook_endpoint", "remove", str(endpoint_id))
