"""Metrics of change propagation (docs/operations.md#change-propagation).

Attempts and their outcomes are counted where they happen (the worker); outbox depth and
age, and deliveries by state, are read from the database when Prometheus scrapes (a
collector), so every pod reports the same truth and nothing is lost with a worker.
https://prometheus.github.io/client_python/collector/custom/
"""

from prometheus_client import Counter, Histogram

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


def webhook_attempt_record(*, delivery, succeeded: bool, latency_ms: int) -> None:
    endpoint = str(delivery.endpoint_id)
    webhook_attempts.labels(endpoint=endpoint, outcome="delivered" if succeeded else "failed").inc()
    if succeeded and delivery.delivered_at is not None:
        webhook_publish_to_delivery.observe(
            (delivery.delivered_at - delivery.created_at).total_seconds()
        )
