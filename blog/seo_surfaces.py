"""How the search-engine surfaces (sitemap, feeds, robots.txt) are served and refreshed.

They answer GET and HEAD only, turn a bad request into a 4xx with a JSON ``{"message": ...}``
(as the API does), and are cached and refreshed on publish.

A surface lists pages and shows the site's settings, so it depends on the cache tags
``all`` and ``ep:pages`` (``cachetags.vocabulary``): every change to what it shows
(publish, unpublish, move, delete, an author, a category, the site or its SEO settings)
replaces one of those tokens once its transaction has committed, the same moment the API's
responses change. A cached surface is kept under those tokens (``cachetags.memo``) and
carries them in its ``Cache-Tag`` header. The cache is never required: when it is
unavailable every read renders from the database.
"""

from functools import partial, wraps

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control

from cachetags.memo import memo_key
from cachetags.store import UNAVAILABLE, store_cache, store_call
from cachetags.tokens import tokens_get
from cachetags.vocabulary import TAG_ALL, tag_endpoint, tags_header_name, tags_header_value

# Headers of a rendered response worth keeping with its body in the cache.
KEPT_HEADERS = ("Content-Type", "Last-Modified", "X-Robots-Tag")
SURFACE_TAGS = (TAG_ALL, tag_endpoint(endpoint="pages"))


def seo_surface_cache_key(
    *, request: HttpRequest, tokens: dict[str, str], variant: str = ""
) -> str:
    """One key per tokens, host, path and the one parameter that changes the response.

    The query string is not part of the key, so arbitrary parameters cannot fill the cache.
    """
    return memo_key(name="seo", parts=[request.get_host(), request.path, variant], tokens=tokens)


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
    tokens = tokens_get(tags=SURFACE_TAGS)
    key = (
        None
        if tokens is None
        else seo_surface_cache_key(request=request, tokens=tokens, variant=variant)
    )
    cache = store_cache()
    cached = store_call(lambda: cache.get(key)) if key is not None else UNAVAILABLE
    if isinstance(cached, tuple):
        content, headers = cached
        response = HttpResponse(content, headers=headers)
    else:
        response = view(request, *args, **kwargs)
        if callable(getattr(response, "render", None)):
            response.render()
        if response.status_code == 200 and cached is not UNAVAILABLE:
            headers = {name: response[name] for name in KEPT_HEADERS if name in response}
            entry = (response.content, headers)
            store_call(lambda: cache.set(key, entry, timeout=settings.SEO_CACHE_TIMEOUT))
    if response.status_code == 200:
        patch_cache_control(response, public=True, max_age=settings.SEO_HTTP_MAX_AGE)
        response[tags_header_name()] = tags_header_value(tags=SURFACE_TAGS)
    return response
