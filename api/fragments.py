"""Listing items kept per page, valid exactly as long as that page's own detail; and
listing counts, valid as long as the listings.

Every publish replaces the ``ep:pages`` token, so every page listing and search misses the
response cache (``api.caching``) at once, although the posts in them did not change. Each
item of a listing is therefore also stored on its own, under the tokens of the page's
detail (``all`` and ``ep:pages:<id>``: ``api.invalidation`` replaces them for exactly the
changes that alter what the API shows of that page: its publish, move or privacy, its
authors, categories, tags and images, the pages it links to, the site's settings). A
listing rebuilt after a publish then renders only the new or changed posts and reads the
rest in one round trip.

An item's key also names the host (``detail_url`` is absolute), the site, the page type
and the field selection (``fields=``), the page's live revision and ``API_CACHE_VERSION``.
Without Redis (errors, the circuit breaker open, ``API_CACHE_ENABLED`` off) nothing is
read or stored and every item is rendered. Items read from a read replica are stored only
once the replica has had ``DATABASE_REPLICA_LAG`` to catch up with the tokens' changes.

A listing's ``total_count`` is the same at every offset and changes only with the
listings' own token (``ep:pages``): ``listing_count`` keeps it under that token, the host
and the query without ``offset``, ``page`` and ``limit``, so paging through a listing or a search
counts the set once per change instead of once per page.
"""

import hashlib
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.http import HttpRequest
from rest_framework.renderers import JSONRenderer

from api.caching import API_PREFIX, api_cache_tags_for_path, api_replica_is_fresh
from api.routing import api_reading_from_replica
from cachetags.memo import memo_key, memo_many, memo_value
from cachetags.tokens import tokens_get

_RENDERER = JSONRenderer()

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _page_tags(pk: int) -> list[str]:
    return api_cache_tags_for_path(path=f"{API_PREFIX}pages/{pk}/")[1]


def fragment_signature(
    *, request: HttpRequest, site_id: int, model, fields: Sequence[str], nested
) -> str:
    """What every item of one listing shares: host, site (``?site=`` may name another: the
    SEO object carries its name), page type and field selection."""
    parts = [
        settings.API_CACHE_VERSION,
        request.get_host().lower(),
        str(site_id),
        model._meta.label_lower,
        ",".join(sorted(fields)),
        repr(sorted((name, list(names)) for name, names in (nested or {}).items())),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def item_json(item: dict) -> bytes:
    """One item as the API's JSON renderer writes it inside a list (compact)."""
    return _RENDERER.render(item, renderer_context={"indent": None})


def listing_json(*, meta: dict, items: list[bytes]) -> bytes:
    """``{"meta":{...},"items":[...]}``, byte for byte what the paginated response renders
    (``api.pagination``), assembled from the items' JSON (stored items are never decoded)."""
    meta = _RENDERER.render(meta, renderer_context={"indent": None})
    return b'{"meta":' + meta + b',"items":[' + b",".join(items) + b"]}"


def listing_items(
    *, pages: list, signature: str, render: Callable[[list], list[dict]]
) -> list[bytes]:
    """The JSON of each of ``pages``, in order: stored items where valid, ``render`` for the
    rest. ``render(pages)`` returns one item per page, in the order given.
    """

    def rendered_json(to_render: list) -> list[bytes]:
        return [item_json(item) for item in render(to_render)]

    if not pages:
        return []
    if not settings.API_CACHE_ENABLED:
        return rendered_json(pages)
    tags = {page.pk: _page_tags(page.pk) for page in pages}
    tokens = tokens_get(tags={tag for names in tags.values() for tag in names})
    if tokens is None:  # Redis unavailable: render everything
        return rendered_json(pages)
    by_pk = {page.pk: page for page in pages}
    keys = {
        page.pk: memo_key(
            name="frag",
            parts=[signature, str(page.pk), str(getattr(page, "live_revision_id", ""))],
            tokens={tag: tokens[tag] for tag in tags[page.pk]},
        )
        for page in pages
    }

    def compute(missing: list[int]) -> dict[int, bytes]:
        return dict(zip(missing, rendered_json([by_pk[pk] for pk in missing]), strict=True))

    def may_store(rendered: Iterable[int]) -> bool:
        return not api_reading_from_replica() or api_replica_is_fresh(
            tokens={tag: tokens[tag] for pk in rendered for tag in tags[pk]}
        )

    items = memo_many(keys=keys, compute=compute, may_store=may_store)
    return [items[page.pk] for page in pages]


def _request_tokens(*, request: HttpRequest, tags: Iterable[str] | None) -> dict[str, str] | None:
    """The tokens of ``tags`` (``None``: those of the request's URL) for this request: those
    its URL names were read with the response-cache lookup, the others take one more round
    trip (kept for the request). ``None`` when the cache is off or unavailable."""
    generations = getattr(request, "api_cache_generations", None)
    if not settings.API_CACHE_ENABLED or not generations:
        return None
    names = sorted(set(tags if tags is not None else generations))
    missing = [tag for tag in names if tag not in generations]
    if missing:  # e.g. ``ep:pages`` on a detail
        more = tokens_get(tags=missing)
        if more is None:
            return None
        generations = request.api_cache_generations = {**generations, **more}
    return {tag: generations[tag] for tag in names}


def stored_with_tokens(
    *,
    request: HttpRequest,
    name: str,
    parts: Sequence[str],
    compute: Callable[[], object],
    tags: Sequence[str] | None = None,
):
    """``compute()``, kept in Redis under this request's response-cache tokens.

    For values derived from what those tokens stand for, so that they change exactly when
    the tokens are replaced: a listing's count (``ep:pages``), the hidden sections (any page
    change replaces ``ep:pages``), the site's SEO settings (``all``). ``tags`` names the
    tokens the value depends on (read from Redis when the request's URL does not name them);
    when Redis is unavailable, the value is computed.
    """
    tokens = _request_tokens(request=request, tags=tags)
    if tokens is None:
        return compute()
    key = memo_key(name=name, parts=[request.get_host().lower(), *parts], tokens=tokens)
    return memo_value(
        key=key,
        compute=compute,
        may_store=lambda: not api_reading_from_replica() or api_replica_is_fresh(tokens=tokens),
    )


def stored_many_with_tokens(
    *,
    request: HttpRequest,
    name: str,
    parts: Sequence[str],
    tags: dict[K, Sequence[str]],
    compute: Callable[[list[K]], dict[K, V]],
) -> dict[K, V]:
    """Several values at once, each kept in Redis under the tokens of its own ``tags[k]``
    (``stored_with_tokens`` for many): one image per ``ep:images:<id>``, the candidates of
    one category per ``ep:pages``.

    The tokens this request has not read yet take one round trip, the values one more;
    ``compute(missing)`` returns the values not found (a value for each), stored in one
    round trip. When Redis is unavailable every value is computed.
    """
    if not tags:
        return {}
    tokens = _request_tokens(
        request=request, tags={tag for names in tags.values() for tag in names}
    )
    if tokens is None:
        return compute(list(tags))
    host = request.get_host().lower()
    keys = {
        k: memo_key(
            name=name,
            parts=[host, *parts, str(k)],
            tokens={tag: tokens[tag] for tag in tags[k]},
        )
        for k in tags
    }

    def may_store(computed: Iterable[K]) -> bool:
        return not api_reading_from_replica() or api_replica_is_fresh(
            tokens={tag: tokens[tag] for k in computed for tag in tags[k]}
        )

    return memo_many(keys=keys, compute=compute, may_store=may_store)


def listing_query(*, request: HttpRequest) -> list[str]:
    """The path and the normalised query without ``offset``, ``page`` and ``limit``: what
    every page of one listing shares."""
    query = sorted(
        (name, value)
        for name, value in parse_qsl(request.META.get("QUERY_STRING", ""), True)
        if name not in ("offset", "page", "limit")
    )
    return [request.path_info, urlencode(query)]


def listing_count(*, request: HttpRequest, count: Callable[[], int]) -> int:
    """The listing's ``total_count``, kept per listing (``listing_query``)."""
    return stored_with_tokens(
        request=request, name="count", parts=listing_query(request=request), compute=count
    )
