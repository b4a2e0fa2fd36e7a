"""Signed webhook deliveries: at least once, idempotent, with capped exponential backoff.

One delivery is one event for one endpoint, made once (``webhook_deliveries_create`` is
idempotent: a task that runs twice, after a worker died mid-run, finds the rows it made)
and attempted until it succeeds, runs out of attempts or its endpoint is disabled. Every
attempt of one delivery carries the same ``webhook-id`` (the event's id), so a receiver
drops duplicates. Requests follow Standard Webhooks: ``webhook-id``,
``webhook-timestamp`` and ``webhook-signature`` (``v1,<base64 HMAC-SHA256>`` of
``id.timestamp.body`` with the endpoint's ``whsec_`` secret).
https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md

Attempt ``n`` that fails (a non-2xx answer, a timeout, a refused connection, a URL the SSRF
guard refuses after DNS) schedules attempt ``n + 1`` after
``min(WEBHOOK_BACKOFF_CAP, WEBHOOK_BACKOFF_BASE * 2 ** (n - 1))`` seconds plus up to 10%
jitter (so retries of many deliveries do not arrive together). After
``WEBHOOK_MAX_ATTEMPTS`` the delivery is failed; after ``WEBHOOK_ENDPOINT_FAILURES_MAX``
consecutive failed attempts the endpoint is disabled and says why in the admin. A
receiver's answer is read up to ``WEBHOOK_RESPONSE_BYTES_MAX`` bytes and the connection is
closed: a huge or endless answer is cut off, never read whole. Secrets are never logged.
"""

import json
import logging
import random
import time
from datetime import UTC, datetime, timedelta

import urllib3
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from standardwebhooks.webhooks import Webhook

from propagation.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from propagation.url_guard import WebhookUrlRefused, webhook_target_resolve

logger = logging.getLogger(__name__)

USER_AGENT = "blog-cms-webhooks/1"


def webhook_backoff_seconds(*, attempt: int) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1-based), before the jitter."""
    return min(
        settings.WEBHOOK_BACKOFF_CAP,
        settings.WEBHOOK_BACKOFF_BASE * 2 ** (attempt - 1),
    )


def webhook_body(*, event: dict) -> bytes:
    return json.dumps(event, separators=(",", ":"), sort_keys=True).encode()


def webhook_headers(*, secret: str, webhook_id: str, body: bytes, at: datetime) -> dict:
    """The three Standard Webhooks headers (the library signs; it builds no headers)."""
    signature = Webhook(secret).sign(msg_id=webhook_id, timestamp=at, data=body.decode())
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
    }


def webhook_deliveries_create(*, event: dict) -> list[int]:
    """One pending delivery per enabled endpoint that receives this event; idempotent."""
    ids = []
    for endpoint in WebhookEndpoint.objects.filter(enabled=True):
        if not endpoint.receives(event["type"]):
            continue
        delivery, _ = WebhookDelivery.objects.get_or_create(
            endpoint=endpoint,
            webhook_id=event["id"],
            defaults={
                "event_type": event["type"],
                "payload": event,
                # The event was made in the change's transaction: publish → delivery time.
                "created_at": parse_datetime(event["timestamp"]) or timezone.now(),
            },
        )
        ids.append(delivery.pk)
    return ids


def webhook_post(*, url: str, body: bytes, headers: dict) -> tuple[int, str]:
    """POST ``body`` to the address the SSRF guard checked; the status and a short excerpt
    of the answer (at most ``WEBHOOK_RESPONSE_BYTES_MAX`` bytes are ever read)."""
    target = webhook_target_resolve(url=url)
    timeout = urllib3.Timeout(connect=settings.WEBHOOK_TIMEOUT, read=settings.WEBHOOK_TIMEOUT)
    common = {"port": target.port, "timeout": timeout, "retries": False, "maxsize": 1}
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            target.address,
            server_hostname=target.hostname,
            assert_hostname=target.hostname,
            cert_reqs="CERT_REQUIRED",
            **common,
        )
    else:
        pool = urllib3.HTTPConnectionPool(target.address, **common)
    host = target.hostname if target.port in (80, 443) else f"{target.hostname}:{target.port}"
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={
                **headers,
                "Host": host,
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
            },
            redirect=False,
            preload_content=False,
        )
        try:
            excerpt = response.read(settings.WEBHOOK_RESPONSE_BYTES_MAX, decode_content=False)
        finally:
            response.close()  # never drain the rest
        return response.status, excerpt[:200].decode(errors="replace")
    finally:
        pool.close()


def webhook_delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Make the next attempt of a pending delivery; returns it, with its new state.

    Returns ``None`` when there is nothing to do (delivered, failed, endpoint disabled or
    gone): a retry that arrives twice is harmless.
    """
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return None
    endpoint = delivery.endpoint
    if not endpoint.enabled:
        return None
    number = delivery.attempts + 1
    body = webhook_body(event=delivery.payload)
    at = datetime.now(UTC)
    headers = webhook_headers(
        secret=endpoint.secret, webhook_id=delivery.webhook_id, body=body, at=at
    )
    started = time.monotonic()
    status_code, error = None, ""
    try:
        status_code, _excerpt = webhook_post(url=endpoint.url, body=body, headers=headers)
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    except WebhookUrlRefused as refused:
        error = f"refused: {refused}"
    except urllib3.exceptions.HTTPError as failure:
        error = type(failure).__name__ + ": " + str(failure).split(": ", 1)[-1]
    except OSError as failure:
        error = f"{type(failure).__name__}: {failure}"
    latency_ms = round((time.monotonic() - started) * 1000)
    succeeded = not error
    backoff = None
    if not succeeded and number < settings.WEBHOOK_MAX_ATTEMPTS:
        backoff = webhook_backoff_seconds(attempt=number) * (1 + random.random() / 10)  # noqa: S311 - jitter, not security
    now = timezone.now()
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=number,
            started_at=now - timedelta(milliseconds=latency_ms),
            status_code=status_code,
            latency_ms=latency_ms,
            error=error[:300],
            backoff_seconds=backoff,
        )
        delivery.attempts = number
        delivery.last_status_code = status_code
        delivery.last_latency_ms = latency_ms
        delivery.last_error = error[:300]
        if succeeded:
            delivery.status = WebhookDelivery.Status.DELIVERED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
        else:
            delivery.status = (
                WebhookDelivery.Status.PENDING
                if backoff is not None
                else WebhookDelivery.Status.FAILED
            )
            delivery.next_attempt_at = now + timedelta(seconds=backoff) if backoff else None
            webhook_endpoint_failure_record(endpoint=endpoint)
        delivery.save()
    from propagation.metrics import webhook_attempt_record

    webhook_attempt_record(delivery=delivery, succeeded=succeeded, latency_ms=latency_ms)
    logger.info(
        "webhook %s attempt %d to endpoint %d: %s",
        delivery.webhook_id,
        number,
        endpoint.pk,
        "delivered" if succeeded else error,
    )
    return delivery


def webhook_endpoint_failure_record(*, endpoint: WebhookEndpoint) -> None:
    """Count a failed attempt; disable the endpoint after too many in a row."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    limit = settings.WEBHOOK_ENDPOINT_FAILURES_MAX
    disabled = WebhookEndpoint.objects.filter(
        pk=endpoint.pk, enabled=True, consecutive_failures__gte=limit
    ).update(
        enabled=False,
        disabled_reason=f"disabled after {limit} failed attempts in a row",
    )
    if disabled:
        logger.warning("webhook endpoint %d disabled after %d failures", endpoint.pk, limit)
