"""The project's own Prometheus metrics, next to django-prometheus's HTTP/DB/cache ones.

Other parts of the project record through the small functions below and never touch
prometheus_client themselves, so names, labels and buckets stay in one place and a
metrics failure can never fail a request (each function logs and carries on).

Under gunicorn, prometheus_client runs in multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``,
set up by cms/gunicorn.conf.py): every worker writes its samples to files and the
master's exporter on ``METRICS_PORT`` sums them, so counts are right however many
workers serve and however often they are recycled. Only counters and histograms are
used here, which aggregate across processes without a ``multiprocess_mode``.

Labels are bounded: ``endpoint`` is a name chosen in code (``pages``, ``pages_detail``,
``search``...), never a path or query.

https://prometheus.github.io/client_python/multiprocess/
https://prometheus.io/docs/practices/naming/
"""

import logging
import re

from prometheus_client import Counter, Histogram

logger = logging.getLogger(__name__)

API_CACHE_HITS = Counter(
    "blog_api_cache_hits",
    "API responses served from the response cache, by endpoint.",
    ["endpoint"],
)
API_CACHE_MISSES = Counter(
    "blog_api_cache_misses",
    "API responses computed because the response cache had no entry, by endpoint.",
    ["endpoint"],
)
PAGES_PUBLISHED = Counter(
    "blog_pages_published",
    "Pages published (Wagtail's page_published signal), by page type.",
    ["page_type"],
)
SEARCH_LATENCY = Histogram(
    "blog_search_latency_seconds",
    "Time to run a search query against the search backend.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, float("inf")),
)

_LABEL_VALUE = re.compile(r"[a-z0-9_.:\-]{1,64}")
OTHER = "other"


def _label(value: str) -> str:
    """A label value as given when it is a short code name, else ``other``."""
    return value if _LABEL_VALUE.fullmatch(value or "") else OTHER


def api_cache_hit_record(*, endpoint: str) -> None:
    """Count an API response served from the response cache."""
    try:
        API_CACHE_HITS.labels(endpoint=_label(endpoint)).inc()
    except Exception:
        logger.warning("Could not record an API cache hit", exc_info=True)


def api_cache_miss_record(*, endpoint: str) -> None:
    """Count an API response the response cache did not have."""
    try:
        API_CACHE_MISSES.labels(endpoint=_label(endpoint)).inc()
    except Exception:
        logger.warning("Could not record an API cache miss", exc_info=True)


def page_publish_record(*, page_type: str) -> None:
    """Count one publish of a page of ``page_type`` (``app_label.modelname``)."""
    try:
        PAGES_PUBLISHED.labels(page_type=_label(page_type)).inc()
    except Exception:
        logger.warning("Could not record a publish", exc_info=True)


def search_latency_observe(*, seconds: float) -> None:
    """Record how long one search query took."""
    try:
        SEARCH_LATENCY.observe(seconds)
    except Exception:
        logger.warning("Could not record search latency", exc_info=True)


def page_published_receiver(sender, instance, **kwargs) -> None:
    """Wagtail ``page_published`` receiver (connected in CmsConfig.ready)."""
    page_publish_record(page_type=sender._meta.label_lower)
