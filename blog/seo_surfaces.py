"""How the search-engine surfaces (sitemap, feeds, robots.txt) are served and refreshed.

They answer GET and HEAD only, turn a bad request into a 4xx with a JSON ``{"message": ...}``
(as the API does), and are cached and refreshed on publish.

Every cached response is keyed by a *generation*: one short value in the cache that any
change to what these surfaces show replaces (publish, unpublish, move, delete, or an edit to
an author, category or the SEO settings). Replacing one key is O(1) and leaves the stale
entries to expire on their own, where deleting them would need a scan of Redis. The cache
is never required: when it is down every read misses and the view renders from the
database (django-redis runs with ``IGNORE_EXCEPTIONS``).

Pattern: https://docs.djangoproject.com/en/5.2/topics/cache/#cache-versioning
"""

import secrets
from functools import partial, wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

GENERATION_KEY = "seo:surfaces:generation"
# Headers of a rendered response worth keeping with its body in the cache.
KEPT_HEADERS = ("Content-Type", "Last-Modified", "X-Robots-Tag")


def seo_generation_bump() -> str:
    """Start a new generation: every cached surface is rendered afresh on its next request."""
    generation = secrets.token_hex(8)
    cache.set(GENERATION_KEY, generation, timeout=None)
    return generation


def seo_generation_get() -> str:
    """The current generation; a missing key (evicted, or Redis down) starts a new one."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = seo_generation_bump()
    return generation


def seo_surface_cache_key(*, request: HttpRequest, variant: str = "") -> str:
    """One key per generation, host, path and the one parameter that changes the response.

    The query string is not part of the key, so arbitrary parameters cannot fill the cache.
    """
    return f"seo:surfaces:{seo_generation_get()}:{request.get_host()}:{request.path}:{variant}"


class BadSurfaceRequest(Exception):
    """A client mistake in a surface request (e.g. ``?p=abc``): answered with a 400."""


def seo_surface_view(view=None, *, paged: bool = False):
    """Serve a surface view: GET/HEAD only, JSON errors, and the cache for 200s.

    A cached response is kept for ``SEO_CACHE_TIMEOUT`` (or until the next generation).
    ``paged`` views (the sitemap) also vary on their ``?p=`` page number; every other query
    parameter is ignored, so arbitrary query strings cannot fill the cache.
    """
    if view is None:
        return partial(seo_surface_view, paged=paged)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = JsonResponse(
                {"message": f"Method {request.method} is not allowed; use GET."}, status=405
            )
            response["Allow"] = "GET, HEAD"
            return response
        variant = seo_page_variant(raw=request.GET.get("p", "1")) if paged else ""
        try:
            return _cached_response(view, request, variant, *args, **kwargs)
        except BadSurfaceRequest as error:
            return JsonResponse({"message": str(error)}, status=400)
        except Http404 as error:
            return JsonResponse({"message": str(error) or "Not found."}, status=404)

    return wrapper


def seo_page_variant(*, raw: str) -> str:
    """``?p=`` as a cache-key part: ``01`` and ``1`` share an entry; anything else is kept
    as it came, and only ever answered with an uncached 4xx."""
    return str(int(raw)) if raw.isdigit() else raw[:32]


def _cached_response(view, request: HttpRequest, variant: str, *args, **kwargs) -> HttpResponse:
    key = seo_surface_cache_key(request=request, variant=variant)
    cached = cache.get(key)
    if cached is not None:
        content, headers = cached
        response = HttpResponse(content, headers=headers)
    else:
        response = view(request, *args, **kwargs)
        if callable(getattr(response, "render", None)):
            response.render()
        if response.status_code == 200:
            headers = {name: response[name] for name in KEPT_HEADERS if name in response}
            cache.set(key, (response.content, headers), timeout=settings.SEO_CACHE_TIMEOUT)
    if response.status_code == 200:
        patch_cache_control(response, public=True, max_age=settings.SEO_HTTP_MAX_AGE)
    return response


def _bump_on_signal(sender, **kwargs) -> None:
    seo_generation_bump()


def _bump_on_settings_save(sender, created: bool = False, **kwargs) -> None:
    # Site settings are created empty on first read (BaseSiteSetting.for_site), often while
    # a surface renders; only an edit changes what the surfaces show.
    if not created:
        seo_generation_bump()


def _bump_on_page_delete(sender, instance, **kwargs) -> None:
    # post_delete fires once per concrete model of a page (Page and its subclass); one bump
    # is enough, but a second costs a single cache write.
    if isinstance(instance, Page) and instance.live:
        seo_generation_bump()


def seo_cache_signals_connect() -> None:
    """Connect the receivers that refresh the surfaces; called from ``BlogConfig.ready``."""
    from wagtailseo.models import SeoSettings

    from blog.models import Author, Category, SiteSettings

    page_published.connect(_bump_on_signal, dispatch_uid="seo_cache_page_published")
    page_unpublished.connect(_bump_on_signal, dispatch_uid="seo_cache_page_unpublished")
    post_page_move.connect(_bump_on_signal, dispatch_uid="seo_cache_page_moved")
    post_delete.connect(_bump_on_page_delete, dispatch_uid="seo_cache_page_deleted")
    for model in (Author, Category, Site, SeoSettings, SiteSettings):
        on_save = (
            _bump_on_settings_save if model in (SeoSettings, SiteSettings) else _bump_on_signal
        )
        post_save.connect(
            on_save, sender=model, dispatch_uid=f"seo_cache_{model._meta.label_lower}_saved"
        )
        post_delete.connect(
            _bump_on_signal,
            sender=model,
            dispatch_uid=f"seo_cache_{model._meta.label_lower}_deleted",
        )
