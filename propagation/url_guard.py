"""Which webhook URLs the CMS may call: the SSRF guard.

A webhook URL is chosen by an admin user, and the worker POSTs to it from inside the
cluster. Without a guard, a URL could reach the cloud metadata service
(``169.254.169.254``: instance credentials), the database, Redis or the CMS itself. The
guard refuses any scheme but http(s), and any address that is not global: loopback,
private (RFC 1918, fc00::/7), link-local and the metadata range (169.254.0.0/16, fe80::/10),
shared, reserved and multicast ranges, and the CMS's own hostnames.

It runs twice: when the URL is saved (a clear form error), and at every delivery after DNS
resolution, where the worker connects to the very address it checked, so a name that
resolves to a public address at save time and a private one later (DNS rebinding) is still
refused. ``WEBHOOK_ALLOW_PRIVATE_URLS=1`` allows loopback and private addresses (development
and tests); link-local and metadata addresses stay refused even then.
https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

ALLOWED_SCHEMES = ("http", "https")


class WebhookUrlRefused(ValueError):
    """A URL the CMS will not call; the message says why, for a form or a log."""


@dataclass(frozen=True)
class WebhookTarget:
    """Where a delivery connects: the checked address, and the name for Host and TLS."""

    scheme: str
    hostname: str
    address: str
    port: int
    path: str


def _own_hostnames() -> set[str]:
    names = {h.lstrip(".").lower() for h in settings.ALLOWED_HOSTS if h not in ("*",)}
    for url in (getattr(settings, "WAGTAILADMIN_BASE_URL", ""), settings.WAGTAILAPI_BASE_URL):
        host = urlsplit(url).hostname
        if host:
            names.add(host.lower())
    return names


def _address_check(*, address: str) -> None:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_link_local or ip in ipaddress.ip_network("169.254.0.0/16"):
        raise WebhookUrlRefused(f"{address} is a link-local or cloud metadata address")
    if ip.is_unspecified or ip.is_multicast:
        raise WebhookUrlRefused(f"{address} is not a unicast address")
    if ip.is_loopback or ip.is_private:
        if not settings.WEBHOOK_ALLOW_PRIVATE_URLS:
            raise WebhookUrlRefused(
                f"{address} is a loopback or private address "
                "(allowed only with WEBHOOK_ALLOW_PRIVATE_URLS=1)"
            )
        return
    if not ip.is_global:
        raise WebhookUrlRefused(f"{address} is a reserved or shared address, not a public one")


def webhook_url_check(*, url: str) -> tuple[str, str, int, str]:
    """Scheme, hostname, port and path of an acceptable URL, checked without DNS; raises
    ``WebhookUrlRefused``. A hostname that is an IP literal is checked as an address."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise WebhookUrlRefused(f"not a valid URL: {error}") from None
    if parts.scheme not in ALLOWED_SCHEMES:
        raise WebhookUrlRefused("only http and https URLs can receive webhooks")
    hostname = (parts.hostname or "").lower()
    if not hostname:
        raise WebhookUrlRefused("the URL has no host")
    if parts.username or parts.password:
        raise WebhookUrlRefused("credentials in the URL are not allowed; use the signature")
    if hostname in _own_hostnames() and not settings.WEBHOOK_ALLOW_PRIVATE_URLS:
        raise WebhookUrlRefused("the URL points at this CMS")
    try:
        ipaddress.ip_address(hostname)
    except ValueError:
        if hostname == "localhost" or hostname.endswith((".localhost", ".internal", ".local")):
            _address_check(address="127.0.0.1")
    else:
        _address_check(address=hostname)
    port = port or (443 if parts.scheme == "https" else 80)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, hostname, port, path


def webhook_target_resolve(*, url: str) -> WebhookTarget:
    """The address a delivery connects to, after DNS: every address the name resolves to
    must pass (a name with one private address among public ones is refused)."""
    scheme, hostname, port, path = webhook_url_check(url=url)
    try:
        infos = socket.getaddrinfo(hostname, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise WebhookUrlRefused(f"{hostname} does not resolve: {error.strerror}") from None
    addresses = sorted({info[4][0] for info in infos})
    for address in addresses:
        _address_check(address=address)
    return WebhookTarget(
        scheme=scheme, hostname=hostname, address=addresses[0], port=port, path=path
    )
