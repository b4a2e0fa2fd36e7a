"""API keys for trusted servers (SSR/ISR servers, build machines).

A key is shown once, when it is made; only its SHA-256 is stored. Keys are long random
strings, so a plain hash (as GitHub's and Stripe's tokens are kept) is enough: nothing
short enough to guess is ever hashed. A key changes the rate limit and nothing else: it
never unlocks drafts or private pages (preview keeps its own tokens).
"""

from django.db import models
from django.utils import timezone


class ApiKey(models.Model):
    name = models.CharField(
        max_length=100, unique=True, help_text="Who uses it, e.g. 'next-ssr-production'."
    )
    prefix = models.CharField(
        max_length=16, editable=False, help_text="The key's first characters, to recognise it."
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked = models.BooleanField(
        default=False, help_text="A revoked key is refused (401) from its next request on."
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.revoked and self.revoked_at is None:
            self.revoked_at = timezone.now()
        super().save(*args, **kwargs)
