"""Webhook endpoints and the log of what was delivered to them.

A delivery is one event for one endpoint. It keeps the event's payload and its
``webhook-id`` (the same on every attempt, so a receiver can drop duplicates: delivery is
at least once), its status, and one row per attempt (status code, latency, error).
"""

import secrets

from django.db import models
from django.utils import timezone

from propagation.vocabulary import EVENT_TYPES

SECRET_PREFIX = "whsec_"  # noqa: S105 - the Standard Webhooks prefix, not a secret


def webhook_secret_new() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    import base64

    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


class WebhookEndpoint(models.Model):
    url = models.URLField(max_length=500, help_text="Where events are POSTed (http or https).")
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(
        default=list,
        blank=True,
        help_text="Event types this endpoint receives; empty means every event.",
    )
    # Shown once, when the endpoint is created; never logged, never shown again.
    secret = models.CharField(max_length=100, default=webhook_secret_new, editable=False)
    enabled = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    disabled_reason = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.url

    def receives(self, event_type: str) -> bool:
        return not self.events or event_type in self.events

    @property
    def event_names(self) -> str:
        return ", ".join(self.events) if self.events else "every event"


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        FAILED = "failed"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    webhook_id = models.CharField(max_length=64)
    event_type = models.CharField(max_length=40, choices=[(e, e) for e in EVENT_TYPES])
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_latency_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # When the change that made the event committed (the outbox row was written).
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "webhook_id"], name="webhook_delivery_once_per_endpoint"
            )
        ]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint.url} ({self.status})"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField()
    error = models.CharField(max_length=300, blank=True)
    # Seconds until the next attempt this one scheduled (None: none scheduled).
    backoff_seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"attempt {self.number}: {self.status_code or self.error}"


class CdnPurgePath(models.Model):
    """A CDN URL waiting for the next batched invalidation (``propagation.cdn_purge``).

    Unique: a burst of publishes that purge the same listings queues each URL once.
    """

    url = models.CharField(max_length=500, unique=True)
    queued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.url
