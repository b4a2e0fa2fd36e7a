"""Headless preview: the admin's Preview frames the draft on the frontend.

Used when ``FRONTEND_PREVIEW_URL`` is set (its "Frontend" preview mode, the default then);
otherwise, and in the "Reference theme" mode, the CMS renders the draft itself.
When an editor presses Preview, Wagtail calls the page's ``serve_preview`` with the page
built from the unsaved form. We store that page's content (the same JSON a revision holds)
in the cache under a random key for ``PREVIEW_TOKEN_MAX_AGE`` seconds, sign a token naming
the page and the key (``django.core.signing.TimestampSigner``), and redirect the preview
to ``FRONTEND_PREVIEW_URL?token=...``. The frontend fetches ``/api/v2/preview/?token=...``
and renders the draft. The token expires within minutes and covers that one page.

The behaviour follows wagtail-headless-preview (https://github.com/torchbox/wagtail-headless-preview)
without its model: the cache holds the content for as long as the token lives. If the cache
is unavailable, the token still names the page's latest saved revision, so the frontend
shows the last saved draft rather than an error.
"""

import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpResponseRedirect

PREVIEW_SALT = "blog.preview"
PREVIEW_CACHE_PREFIX = "blog-preview:"


def preview_content_store(*, page) -> str:
    """Keep the page's unsaved content for the token's lifetime; return its key."""
    key = secrets.token_urlsafe(16)
    cache.set(
        PREVIEW_CACHE_PREFIX + key,
        {
            "content_type": page.specific_class._meta.label_lower,
            "content": page.serializable_data(),
        },
        timeout=settings.PREVIEW_TOKEN_MAX_AGE,
    )
    return key


def preview_token_make(*, page) -> str:
    """A signed, timestamped token covering ``page`` (saved or not) and its unsaved content."""
    payload = {
        "page": page.pk or 0,
        "key": preview_content_store(page=page),
        "revision": page.latest_revision_id if page.pk else None,
    }
    return signing.TimestampSigner(salt=PREVIEW_SALT).sign_object(payload, compress=True)


def preview_token_read(*, token: str) -> dict:
    """The payload of a valid token; raises ``signing.SignatureExpired`` / ``BadSignature``."""
    return signing.TimestampSigner(salt=PREVIEW_SALT).unsign_object(
        token, max_age=settings.PREVIEW_TOKEN_MAX_AGE
    )


def preview_content_load(*, key: str) -> dict | None:
    return cache.get(PREVIEW_CACHE_PREFIX + key) if key else None


def preview_url(*, page) -> str:
    """Where the admin's Preview goes: the frontend's preview route with a fresh token."""
    query = urlencode(
        {
            "token": preview_token_make(page=page),
            "id": page.pk or "",
            "type": page.specific_class._meta.label,
        }
    )
    return f"{settings.FRONTEND_PREVIEW_URL}?{query}"


def preview_response(*, page) -> HttpResponseRedirect:
    return HttpResponseRedirect(preview_url(page=page))
