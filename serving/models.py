"""Models for the project's cross-cutting concerns: today, the editable IP blocklist."""

import contextlib
import ipaddress

from django.core.exceptions import ValidationError
from django.db import models


def cidr_validate(value: str) -> None:
    """Refuse anything that is not an IPv4/IPv6 address or network in CIDR notation.

    Host bits must be zero (``10.0.0.0/8``, not ``10.1.2.3/8``) so what an admin sees is
    exactly the range blocked.
    """
    try:
        ipaddress.ip_network(value.strip(), strict=True)
    except ValueError as error:
        raise ValidationError(
            "Enter an IP address or a network in CIDR notation, e.g. 203.0.113.0/24. %(error)s",
            params={"error": error},
            code="invalid_cidr",
        ) from error


class BlockedNetwork(models.Model):
    """An address range refused with 403 before any view runs.

    Kept beside the ``IP_BLOCKLIST`` environment variable: the variable is for ranges an
    operator deploys, this table for ranges someone must block now, from the admin,
    without a deploy. Changes reach every pod within the blocklist cache's lifetime.
    """

    network = models.CharField(
        max_length=49,
        unique=True,
        validators=[cidr_validate],
        help_text="An IP address or CIDR range, e.g. 203.0.113.7 or 2001:db8::/32.",
    )
    reason = models.CharField(
        max_length=255, blank=True, help_text="Why it is blocked (ticket, abuse report)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["network"]
        verbose_name = "blocked network"
        verbose_name_plural = "blocked networks"

    def __str__(self) -> str:
        return self.network

    def clean(self):
        # Store the canonical form so "10.0.0.1" and "10.0.0.1/32" are one entry.
        if self.network:
            # A malformed value is left as typed: the field validator reports it.
            with contextlib.suppress(ValueError):
                self.network = str(ipaddress.ip_network(self.network.strip(), strict=True))
