"""Where content lives on the public frontend (``FRONTEND_BASE_URL``), not on this host.

The CMS is headless: canonical URLs, sitemap entries, feed links and rich-text links all
point at the frontend, which serves the same paths as the page tree below the site root.
"""

from django.conf import settings


def frontend_url(*, path: str) -> str:
    """``FRONTEND_BASE_URL`` joined with a site-relative path such as ``/blog/a-post/``."""
    return f"{settings.FRONTEND_BASE_URL}/{path.lstrip('/')}"


def page_frontend_path(*, page) -> str:
    """The page's path below its site root (``/blog/a-post/``); ``/`` for the root itself.

    Computed from ``url_path`` and the site root paths Wagtail caches, so it costs no query
    once the site root paths are cached.
    """
    url_parts = page.get_url_parts()
    if url_parts is None:  # not routable (e.g. outside every site)
        return "/"
    return url_parts[2] or "/"


def page_frontend_url(*, page) -> str:
    return frontend_url(path=page_frontend_path(page=page))


def category_frontend_url(*, slug: str) -> str:
    """The frontend's listing of one category's posts (``/categories/<slug>/``)."""
    return frontend_url(path=f"/categories/{slug}/")


def tag_frontend_url(*, slug: str) -> str:
    """The frontend's listing of one tag's posts (``/tags/<slug>/``)."""
    return frontend_url(path=f"/tags/{slug}/")


def author_frontend_url(*, slug: str) -> str:
    """The frontend's page about one author (``/authors/<slug>/``)."""
    return frontend_url(path=f"/authors/{slug}/")


def absolute_media_url(*, url: str) -> str:
    """Media is served by this service (or S3/CloudFront, already absolute), not the
    frontend: a relative media URL is joined to ``WAGTAILAPI_BASE_URL``."""
    if url.startswith(("http://", "https://")):
        return url
    return f"{settings.WAGTAILAPI_BASE_URL.rstrip('/')}/{url.lstrip('/')}"
