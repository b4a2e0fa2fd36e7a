"""The client's IP address, believed only as far as our own proxies vouch for it.

Rate limits, the IP blocklist and the admin login lockout all key on the client IP. The
``X-Forwarded-For`` header is a list each proxy appends the address of its peer to, and
anyone can send one: a client that writes ``X-Forwarded-For: 1.2.3.4`` itself would
otherwise pick the address it is limited or blocked as. So only the last
``TRUSTED_PROXY_COUNT`` entries are believed, because our own proxies wrote them: behind
one AWS ALB (``TRUSTED_PROXY_COUNT=1``) the client is the rightmost entry, the one the
ALB appended; with no proxy (``0``, local runs) the header is ignored and the socket peer
(``REMOTE_ADDR``) is the client.

The header's length changes nothing: the entries are taken from the right, so a client
that prepends 1 or 1,000 forged entries is still the address our last proxy appended.
Only the last ``TRUSTED_PROXY_COUNT`` entries are ever split off, so the work is bounded
whatever the header's size. A header longer than ``MAX_FORWARDED_BYTES`` (no proxy chain
writes that much) is refused with a 400 (``serving.ip_blocklist``) rather than resolved.

The resolved address is written into the WSGI environ (``ENVIRON_CLIENT_IP``) so that the
access log (``serving.access_log``) and the request log record the client, not the proxy.

https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-Forwarded-For#security_and_privacy_concerns
https://docs.aws.amazon.com/elasticloadbalancing/latest/application/x-forwarded-headers.html
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# Where the resolved address is kept on the request, so every layer sees the same one.
REQUEST_ATTRIBUTE = "client_ip"
# The same address in the WSGI environ, where gunicorn's access logger can read it.
ENVIRON_CLIENT_IP = "serving.client_ip"
# An address nobody can be: used when even REMOTE_ADDR is missing or malformed, so the
# request is still limited (all such requests share one bucket) rather than exempt.
# A sentinel value, never bound to (hence the lint exemptions).
UNKNOWN_CLIENT_IP = "0.0.0.0"  # noqa: S104  # nosec B104
# Longer X-Forwarded-For headers are refused (400): ten proxies appending full IPv6
# addresses write under 500 bytes; gunicorn's own limit for any header is 8,190.
MAX_FORWARDED_BYTES = 2048


def ip_address_normalise(*, value: str) -> str | None:
    """Return ``value`` as a canonical IP address string, or None if it is not one.

    Canonical form makes ``::ffff:10.0.0.1`` and ``10.0.0.1`` one client, so an attacker
    cannot get a fresh rate-limit bucket by rewriting the same address.
    """
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def client_ip_resolve(*, remote_addr: str, forwarded_for: str, trusted_proxy_count: int) -> str:
    """The client address given the socket peer, the ``X-Forwarded-For`` header and the
    number of proxies in front of us whose entries we believe.

    With ``trusted_proxy_count`` proxies, the peer is the last proxy and the client is the
    ``trusted_proxy_count``-th entry from the right, however many entries precede it. A
    header with fewer entries (the request did not pass through all our proxies) or a
    malformed entry is not believed: the socket peer is used instead, so forging the
    header never helps the sender.
    """
    peer = ip_address_normalise(value=remote_addr or "") or UNKNOWN_CLIENT_IP
    if trusted_proxy_count <= 0 or not forwarded_for:
        return peer
    # Split off only the trusted entries, from the right: bounded work for any length.
    entries = forwarded_for.rsplit(",", trusted_proxy_count)
    if len(entries) < trusted_proxy_count:
        return peer
    return ip_address_normalise(value=entries[-trusted_proxy_count]) or peer


def forwarded_for_too_long(*, request: HttpRequest) -> bool:
    """True when the request's ``X-Forwarded-For`` is longer than any proxy chain writes."""
    return len(request.META.get("HTTP_X_FORWARDED_FOR", "")) > MAX_FORWARDED_BYTES


def client_ip_from_request(*, request: HttpRequest) -> str:
    """The client IP for ``request`` (resolved once and kept on the request)."""
    cached = getattr(request, REQUEST_ATTRIBUTE, None)
    if cached:
        return cached
    # DRF's Request proxies attribute reads to the Django request but not writes.
    django_request = getattr(request, "_request", request)
    address = client_ip_resolve(
        remote_addr=django_request.META.get("REMOTE_ADDR", ""),
        forwarded_for=django_request.META.get("HTTP_X_FORWARDED_FOR", ""),
        trusted_proxy_count=settings.TRUSTED_PROXY_COUNT,
    )
    setattr(django_request, REQUEST_ATTRIBUTE, address)
    django_request.META[ENVIRON_CLIENT_IP] = address
    return address


def axes_client_ip(request: HttpRequest) -> str:
    """``AXES_CLIENT_IP_CALLABLE``: django-axes calls it with the request, positionally."""
    return client_ip_from_request(request=request)
