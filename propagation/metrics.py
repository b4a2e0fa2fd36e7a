"""Metrics of change propagation (docs/operations.md#change-propagation).

Attempts and their outcomes are counted where they happen (the worker); outbox depth and
age, and deliveries by state, are read from the database when Prometheus scrapes (a
collector), so every pod reports the same truth and nothing is lost with a worker.
https://prometheus.github.io/client_python/collector/custom/
"""

from prometheus_client import REGISTRY, Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily

webhook_attempts = Counter(
    "blog_webhook_attempts_total",
    "Webhook delivery attempts, by endpoint and outcome (delivered, failed).",
    ["endpoint", "outcome"],
)
webhook_publish_to_delivery = Histogram(
    "blog_webhook_publish_to_delivery_seconds",
    "Seconds from the commit that made an event to its successful delivery.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800),
)

cdn_invalidations = Counter(
    "blog_cdn_invalidations_total",
    "CDN invalidation requests sent (one per batch of changes).",
)
cdn_invalidation_paths = Counter(
    "blog_cdn_invalidation_paths_total",
    "Paths in the CDN invalidation requests sent.",
)


def cdn_purge_record(*, paths: int) -> None:
    cdn_invalidations.inc()
    cdn_invalidation_paths.inc(paths)


def webhook_attempt_record(*, delivery, succeeded: bool, latency_ms: int) -> None:
    endpoint = str(delivery.endpoint_id)
    webhook_attempts.labels(endpoint=endpoint, outcome="delivered" if succeeded else "failed").inc()
    if succeeded and delivery.delivered_at is not None:
        webhook_publish_to_delivery.observe(
            (delivery.delivered_at - delivery.created_at).total_seconds()
        )


class OutboxCollector:
    """Outbox depth and age and deliveries by state, read from the database at scrape."""

    def collect(self):
        from django.db import close_old_connections
        from django.db.models import Count, Min
        from django.utils import timezone
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        from propagation.models import WebhookDelivery

        close_old_connections()
        ready = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, run_after__lte=timezone.now()
        ).aggregate(depth=Count("id"), oldest=Min("enqueued_at"))
        depth = GaugeMetricFamily(
            "blog_outbox_depth", "Tasks ready to run and waiting for the worker."
        )
        depth.add_metric([], ready["depth"])
        yield depth
        age = GaugeMetricFamily(
            "blog_outbox_oldest_age_seconds",
            "Age of the oldest task ready to run (0 when none waits).",
        )
        oldest = ready["oldest"]
        age.add_metric([], (timezone.now() - oldest).total_seconds() if oldest else 0.0)
        yield age
        states = GaugeMetricFamily(
            "blog_webhook_deliveries", "Webhook deliveries by state.", labels=["status"]
        )
        counts = dict(
            WebhookDelivery.objects.values_list("status").annotate(n=Count("id")).order_by()
        )
        for status in WebhookDelivery.Status.values:
            states.add_metric([status], counts.get(status, 0))
        yield states


def worker_metrics_serve(*, port: int) -> None:
    """Prometheus text on ``port`` (all interfaces: the pod's port, scraped in-cluster)."""
    REGISTRY.register(OutboxCollector())
    start_http_server(port)
