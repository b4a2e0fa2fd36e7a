"""``/media/`` from local disk when no S3 bucket is configured.

Without ``AWS_STORAGE_BUCKET_NAME`` uploads are written to ``MEDIA_ROOT`` and the API hands
out ``/media/...`` URLs, but Django serves media only in DEBUG and WhiteNoise serves only
files present at start. ``MEDIA_SERVE`` (on by default when there is no bucket) lets
Django's ``static.serve`` answer them. It reads the file on a request thread: fine for a
single instance or a small site, and the files must be on a volume every pod shares; with
more traffic use the S3 bucket (and a CDN in front of it).
https://docs.djangoproject.com/en/5.2/ref/views/#serving-files-in-development
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.static import serve

# Seconds browsers and the CDN may keep a media file: file names change when an image is
# replaced (Wagtail renames renditions and originals), so a day is safe.
MEDIA_MAX_AGE = 24 * 60 * 60


def media_file_serve(request: HttpRequest, path: str) -> HttpResponse:
    """One file under ``MEDIA_ROOT``; 404 for anything else (``serve`` refuses ``..``)."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    patch_cache_control(response, public=True, max_age=MEDIA_MAX_AGE)
    return response
