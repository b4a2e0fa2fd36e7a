"""Refuse blocked client addresses with 403 before anything else runs.

The blocklist is the union of ``IP_BLOCKLIST`` (comma-separated CIDRs from the
environment, parsed once at start) and the ``BlockedNetwork`` rows admins edit. The rows
are cached (Redis in production) for ``IP_BLOCKLIST_CACHE_SECONDS`` and the cache entry is
dropped whenever a row is saved or deleted; each process also keeps what it read for
``LOCAL_SECONDS`` (2 s), so a request costs no query and, mostly, no cache round trip.
A change made in the admin applies at once in the process that saved it and within
2 seconds everywhere else. Health probes (``/healthz``, ``/readyz``) are never blocked:
the load balancer's and the kubelet's addresses must always reach them.

The client address comes from ``serving.client_ip``, so a forged ``X-Forwarded-For`` cannot
step around a block.
"""

import ipaddress
import logging
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

from serving.client_ip import MAX_FORWARDED_BYTES, client_ip_from_request, forwarded_for_too_long
from serving.models import BlockedNetwork

logger = logging.getLogger(__name__)

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
CACHE_KEY = "security:ip-blocklist:v2"
LOCAL_SECONDS = 2.0
# (monotonic deadline, cidrs): this process's copy of the cached rows.
_local: tuple[float, tuple[str, ...]] = (0.0, ())


@lru_cache(maxsize=8)
def ip_networks_parse(*, cidrs: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """Parse CIDR strings; a malformed one is a configuration error, raised at start."""
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs if cidr)


def blocked_networks_from_database() -> tuple[str, ...]:
    """The admin-edited ranges: this process's copy, else the cache, else the table."""
    global _local
    now = time.monotonic()
    deadline, cidrs = _local
    if now < deadline:
        return cidrs
    # Stored in a dict: some cache wrappers (django-prometheus's) read a falsy value,
    # such as an empty tuple, as a miss.
    entry = cache.get(CACHE_KEY)
    if entry is not None:
        _local = (now + LOCAL_SECONDS, tuple(entry["cidrs"]))
        return _local[1]
    try:
        cidrs = tuple(BlockedNetwork.objects.values_list("network", flat=True))
    except DatabaseError:
        # A database outage must not turn every request (static files, the error
        # pages) into a 500 here: IP_BLOCKLIST still applies; retry next request.
        logger.warning("IP blocklist table unavailable; applying IP_BLOCKLIST only")
        return ()
    cache.set(CACHE_KEY, {"cidrs": cidrs}, settings.IP_BLOCKLIST_CACHE_SECONDS)
    _local = (now + LOCAL_SECONDS, cidrs)
    return cidrs


def blocked_networks_cache_clear() -> None:
    """Forget the cached rows so the next request reads the table again."""
    global _local
    _local = (0.0, ())
    cache.delete(CACHE_KEY)


def blocked_networks_cache_prime(*, cidrs: tuple[str, ...] = ()) -> None:
    """Store the admin's rows in the cache without reading the table.

    For callers that already know them: the test suite starts every test with an empty
    table and an empty cache, and primes the cache so request query counts are those of
    production, where the entry is almost always warm.
    """
    global _local
    _local = (0.0, ())
    cache.set(CACHE_KEY, {"cidrs": tuple(cidrs)}, settings.IP_BLOCKLIST_CACHE_SECONDS)


def ip_is_blocked(*, ip: str) -> bool:
    """True if ``ip`` falls in the environment's or the admin's blocklist.

    ``IP_BLOCKLIST_BREAK_GLASS`` ignores the admin's rows (the environment's still apply):
    the way back in when an admin row locked out the people who could delete it.
    """
    address = ipaddress.ip_address(ip)
    networks = ip_networks_parse(cidrs=tuple(settings.IP_BLOCKLIST))
    if not settings.IP_BLOCKLIST_BREAK_GLASS:
        networks += ip_networks_parse(cidrs=blocked_networks_from_database())
    return any(address.version == network.version and address in network for network in networks)


def path_is_probe(*, path: str) -> bool:
    """Health probes are exempt from blocking, rate limits and the HTTPS redirect."""
    return (
        path in settings.SECURITY_PROBE_PATHS or path.rstrip("/") in settings.SECURITY_PROBE_PATHS
    )


BLOCKED_MESSAGE = "Requests from your network are not allowed."


def blocked_response(*, request) -> HttpResponse:
    """403: an HTML page for a browser (it asks for text/html), JSON for the API and tools."""
    accepts_html = "text/html" in request.headers.get("Accept", "")
    if accepts_html and not request.path.startswith(settings.SECURITY_API_PATH_PREFIX):
        return HttpResponse(
            render_to_string("serving/blocked.html", {"message": BLOCKED_MESSAGE}),
            status=403,
        )
    return JsonResponse({"message": BLOCKED_MESSAGE}, status=403)


class IPBlocklistMiddleware:
    """403 for blocked addresses (``blocked_response``); 400 for an absurd
    ``X-Forwarded-For`` (``serving.client_ip``); probes always pass."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Fail at start, not on the first request, if IP_BLOCKLIST is malformed.
        ip_networks_parse(cidrs=tuple(settings.IP_BLOCKLIST))

    def __call__(self, request):
        if not path_is_probe(path=request.path):
            if forwarded_for_too_long(request=request):
                return JsonResponse(
                    {"message": f"X-Forwarded-For is longer than {MAX_FORWARDED_BYTES} bytes."},
                    status=400,
                )
            ip = client_ip_from_request(request=request)
            if ip_is_blocked(ip=ip):
                logger.warning("Refused a request from blocked address %s", ip)
                return blocked_response(request=request)
        return self.get_response(request)


@receiver(post_save, sender=BlockedNetwork, dispatch_uid="ip_blocklist_saved")
@receiver(post_delete, sender=BlockedNetwork, dispatch_uid="ip_blocklist_deleted")
def _blocked_network_changed(sender, **kwargs):
    blocked_networks_cache_clear()
