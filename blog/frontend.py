"""Where content lives for readers: one public address per page.

With a frontend (``FRONTEND_BASE_URL`` set) the CMS is headless: canonical URLs, sitemap
entries, feed links, rich-text links and Wagtail's own page URLs (the admin's LIVE link,
``full_url``, frontend-cache purges) all point at the frontend, which serves the same
paths as the page tree below the site root. Without one, the CMS is the public site: the
same paths on ``WAGTAILADMIN_BASE_URL``, rendered by the reference theme. Either way
every surface names the same URL for a page, because every one of them comes from here.
"""

from contextvars import ContextVar

from django.conf import settings
from wagtail.models import Site

# Site root paths for the request being served (see ``SiteRootPathsMiddleware``).
_request_root_paths: ContextVar[dict | None] = ContextVar("site_root_paths", default=None)


def frontend_configured() -> bool:
    """True when a separate frontend renders the public site."""
    return bool(settings.FRONTEND_BASE_URL)


def public_base_url() -> str:
    """The public site's origin: the frontend's, else this CMS's own."""
    return (settings.FRONTEND_BASE_URL or settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def frontend_url(*, path: str) -> str:
    """The public base URL joined with a site-relative path such as ``/blog/a-post/``."""
    return f"{public_base_url()}/{path.lstrip('/')}"


class SiteRootPathsMiddleware:
    """Read Wagtail's site root paths at most once per request.

    Wagtail keeps them in the cache and memoizes them per page *object*, so a response
    naming 60 pages (posts, linked pages, breadcrumbs) made 60 cache round trips. Within a
    request every page now shares one copy, loaded on first use (never for requests that
    name no page).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_root_paths.set({})
        try:
            return self.get_response(request)
        finally:
            _request_root_paths.reset(token)


def request_site_root_paths() -> list | None:
    """The request's one copy of Wagtail's site root paths (read on first use); ``None``
    outside a request. Pages read theirs through it (``blog.models.SeoPage``), Wagtail's
    URL methods included."""
    memo = _request_root_paths.get()
    if memo is None:
        return None
    if "paths" not in memo:
        memo["paths"] = Site.get_site_root_paths()
    return memo["paths"]


def _site_root_paths(*, page) -> list:
    paths = request_site_root_paths()
    return page._get_site_root_paths() if paths is None else paths


def page_frontend_path(*, page) -> str:
    """The page's path below its site root (``/blog/a-post/``); ``/`` for the root itself.

    The frontend serves the page tree below the site root, so this is the page's
    ``url_path`` without the root's (the most specific site first, as Wagtail orders
    them); ``/`` for a page outside every site. No query, no URL reversal.
    """
    url_path = page.url_path or ""
    for root in _site_root_paths(page=page):
        if url_path.startswith(root.root_path):
            return "/" + url_path[len(root.root_path) :]
    return "/"


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
