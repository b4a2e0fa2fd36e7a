"""Response cache for the public API, and the HTTP caching headers browsers and the CDN see.

A middleware rather than a view mixin: it works whatever the API's viewsets become, and a
warm hit returns before any view, serializer or database work (0 SQL queries).

Keys and exact invalidation: every response depends on the few *cache tags* its URL names
(``cachetags.vocabulary``: ``all``, ``ep:<endpoint>``, ``ep:<endpoint>:<id>``). Its key
hashes the site (host), path, normalised query, representation, release and the tags'
tokens *read before the view runs* (``cachetags.tokens``). A change replaces the tokens of
exactly the tags it affects once its transaction has committed (``api/invalidation.py``
through ``cachetags.commit``), so the next read computes a new key and misses. A response
rendered from data read before that commit can only be stored under the old key, which
nobody reads again: no reader gets content older than the publish that replaced it.

A warm hit costs one Redis round trip: each URL's latest entry is also kept under a key
without tokens, together with the tokens it was computed under, and one ``MGET`` reads
the current tokens and that entry; equal tokens are the same proof of freshness as the
keyed lookup (``cachetags.tokens.tokens_get_with``). With the rate limit on, the same
round trip (a pipeline) adds one to the request's rate-limit counters. A process keeps its
own copy of each URL's latest entry (``local_responses``): when it has one, the ``MGET``
reads the tokens alone and the body never crosses the network; after Redis lost the tokens
(a flush), the copy answers when no change has committed since it was computed
(``cachetags.epoch``).

Each cacheable response carries its tags on the wire (``Cache-Tag``, or the header
``CACHE_TAG_HEADER`` names), so a CDN or a frontend can purge exactly what a change
invalidates.

The cache is never required to answer: the tagged store sits behind a circuit breaker
(``cachetags.store``), and requests go straight to the database while it is open.
"""

import contextlib
import dataclasses
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags

from api.rewarm import rewarm_record
from api.routing import api_read_replica_available, api_read_replica_routing
from cachetags.commit import tags_invalidate_now
from cachetags.epoch import EPOCH_KEY, epoch_current
from cachetags.flight import flight_get_or_claim, flight_release, flight_store, flight_wait
from cachetags.local import LocalCopies
from cachetags.memo import memo_key
from cachetags.store import store_cache, store_call
from cachetags.tokens import tokens_get_with, tokens_older_than
from cachetags.vocabulary import (
    TAG_ALL,
    tags_for_api_path,
    tags_header_name,
    tags_header_value,
)
from serving.metrics import api_cache_hit_record, api_cache_miss_record

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v2/"
# Paths that are never public: previews of drafts and the admin.
PRIVATE_PATH_PREFIXES = ("/admin/", "/django-admin/")
# Query parameters that carry a preview token or otherwise personalise a response.
PERSONAL_QUERY_PARAMETERS = frozenset({"token", "preview", "preview_token"})
# Response headers kept in a cache entry besides the body and status.
CACHEABLE_STATUSES = frozenset({200, 301, 302})


def api_cache_tags_for_path(*, path: str) -> tuple[str, list[str]]:
    """The endpoint and the tags a response under ``/api/v2/`` depends on, from its path."""
    return tags_for_api_path(path=path, prefix=API_PREFIX)


def api_cache_tags_invalidate(*, tags: Iterable[str]) -> None:
    """Replace the tokens of ``tags`` now: every response that depends on one misses.

    For operators and benchmarks; a change in a transaction goes through
    ``cachetags.commit.tags_invalidate_after_commit``.
    """
    tags_invalidate_now(tags=tags)


def api_cache_clear() -> None:
    """Invalidate every cached API response (all sites)."""
    api_cache_tags_invalidate(tags=[TAG_ALL])


def api_replica_is_fresh(*, tokens: dict[str, str]) -> bool:
    """Whether every tag changed longer ago than the replica may lag behind the primary."""
    return tokens_older_than(tokens=tokens, seconds=getattr(settings, "DATABASE_REPLICA_LAG", 0.0))


def request_is_personal(*, request: HttpRequest) -> bool:
    """Whether a response may depend on who asks: credentials, a session, a preview token."""
    if "HTTP_AUTHORIZATION" in request.META:
        return True
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return True
    if any(name in PERSONAL_QUERY_PARAMETERS for name in request.GET):
        return True
    return "preview" in request.path_info.split("/")


def api_cache_key(*, request: HttpRequest, generations: dict[str, str], representation: str) -> str:
    """Site (host), path, normalised query, representation, release and tag tokens."""
    query = _query_normalised(request)
    parts = [request.get_host().lower(), request.path_info, query, representation]
    return memo_key(name="resp", parts=parts, tokens=generations)


def api_cache_latest_key(*, request: HttpRequest, representation: str) -> str:
    """Where the last response computed for this request is kept whatever its tokens, with
    the tokens it was computed under: read with the tokens in one round trip, it is a warm
    hit when they are still current, and the stale copy served while one request
    recomputes it when they are not (``cachetags.flight``)."""
    query = _query_normalised(request)
    parts = [request.get_host().lower(), request.path_info, query, representation]
    return memo_key(name="latest", parts=parts, tokens={})


def _query_normalised(request: HttpRequest) -> str:
    """Parameter order does not change the answer; repeated parameters keep their order."""
    return urlencode(sorted(parse_qsl(request.META.get("QUERY_STRING", ""), True), key=_first))


def _first(pair: tuple[str, str]) -> str:
    return pair[0]


def _representation(*, request: HttpRequest) -> str:
    """DRF may render the browsable API for browsers: never mix it with JSON."""
    return "html" if "text/html" in request.META.get("HTTP_ACCEPT", "") else "json"


@dataclass(frozen=True)
class CachedResponse:
    status: int
    content: bytes
    content_type: str
    location: str
    etag: str
    # The tokens it was computed under, sorted (an entry stored before they were kept has
    # none, and is never taken for a hit from the latest key).
    tokens: tuple[tuple[str, str], ...] = ()
    # The change epoch it was computed under (``cachetags.epoch``); empty when unknown, and
    # then a kept copy of it never answers.
    epoch: str = ""

    def computed_under(self, tokens: dict[str, str]) -> bool:
        return bool(self.tokens) and self.tokens == tuple(sorted(tokens.items()))

    def to_response(self) -> HttpResponse:
        response = HttpResponse(self.content, status=self.status, content_type=self.content_type)
        if self.location:
            response["Location"] = self.location
        response["ETag"] = self.etag
        return response


def _response_size(entry: CachedResponse) -> int:
    return len(entry.content)


# Each URL's latest response, kept in the process besides Redis: after Redis lost its
# entries (a flush, a restart, an eviction) it answers, without running the view, when
# no change has committed since it was computed (its epoch is still the current one).
local_responses: LocalCopies[CachedResponse] = LocalCopies(
    budget=lambda: settings.API_CACHE_LOCAL_RESPONSE_BYTES, size=_response_size
)


def response_etag(*, content: bytes) -> str:
    """A strong validator: the body's hash, identical across processes and restarts."""
    return '"' + hashlib.sha256(content).hexdigest()[:40] + '"'


def response_mark_public(*, response: HttpResponse) -> None:
    """``Cache-Control`` for browsers and the CDN; ``Vary`` only on what changes the body."""
    patch_cache_control(
        response,
        public=True,
        max_age=settings.API_HTTP_MAX_AGE,
        s_maxage=settings.API_HTTP_S_MAXAGE,
        stale_while_revalidate=settings.API_HTTP_STALE_WHILE_REVALIDATE,
    )
    # A public response never depends on cookies (requests with a session bypass the
    # cache and are private), so `Vary: Cookie` would only split the CDN's cache.
    if response.has_header("Vary"):
        kept = [v.strip() for v in response["Vary"].split(",") if v.strip().lower() != "cookie"]
        if kept:
            response["Vary"] = ", ".join(kept)
        else:
            del response["Vary"]


def response_tag(*, response: HttpResponse, tags: Iterable[str]) -> None:
    """The response's cache tags on the wire (``Cache-Tag: all,ep:pages:42``), for a CDN
    that purges by tag and a frontend that revalidates by tag."""
    response[tags_header_name()] = tags_header_value(tags=tags)


def response_mark_private(*, response: HttpResponse) -> None:
    """Previews, the admin and anything personal: never stored by a browser or the CDN."""
    if "public" in response.get("Cache-Control", ""):
        del response["Cache-Control"]
    patch_cache_control(response, private=True, no_store=True)


def _response_is_cacheable(response: HttpResponse) -> bool:
    if response.streaming or response.status_code not in CACHEABLE_STATUSES:
        return False
    if response.cookies:
        return False
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control:
        return False
    content_type = response.get("Content-Type", "")
    return response.status_code != 200 or "json" in content_type


def _not_modified(*, request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """``If-None-Match`` → 304 when the strong ETag matches (RFC 9110 §13.1.2)."""
    etag = response.get("ETag")
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not etag or not header or response.status_code != 200:
        return response
    tags = parse_etags(header)
    if "*" not in tags and etag not in tags:
        return response
    not_modified = HttpResponseNotModified()
    for name in ("ETag", "Cache-Control", "Vary", "X-Cache", tags_header_name()):
        if response.has_header(name):
            not_modified[name] = response[name]
    return not_modified


class ApiCacheMiddleware:
    """Serves public API reads from Redis and sets HTTP caching headers.

    Sits just inside CORS, so request ids, security headers, request metrics and CORS still
    apply to cached responses, and a hit skips the session, authentication and messages
    middleware a public read never uses (anything personal passes through to them).
    """

    PROMETHEUS_AFTER = "django_prometheus.middleware.PrometheusAfterMiddleware"

    def __init__(self, get_response):
        self.get_response = get_response
        # A hit returns before the inner Prometheus after-middleware would see it; run it
        # on the hit so request metrics (by view and status, latency) count hits too.
        self._metrics_after = None
        if self.PROMETHEUS_AFTER in settings.MIDDLEWARE:
            from django.utils.module_loading import import_string

            after = import_string(self.PROMETHEUS_AFTER)
            self._metrics_after = after(lambda request: request.api_cache_hit_response)

    def _hit_measured(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if self._metrics_after is None:
            return response
        # Request metrics are labelled by view: resolve the URL (no SQL).
        with contextlib.suppress(Resolver404):
            request.resolver_match = resolve(request.path_info)
        request.api_cache_hit_response = response
        return self._metrics_after(request)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if not path.startswith(API_PREFIX):
            response = self.get_response(request)
            if path.startswith(PRIVATE_PATH_PREFIXES):
                response_mark_private(response=response)
            return response
        if request.method not in ("GET", "HEAD") or request_is_personal(request=request):
            response = self.get_response(request)
            response_mark_private(response=response)
            return response
        return self._public(request)

    def _public(self, request: HttpRequest) -> HttpResponse:
        # Imported here: serving.throttling is loaded by DRF's settings, which must not happen
        # while this module loads during app setup.
        from serving.throttling import request_counts_record, request_rate_counters

        endpoint, tags = api_cache_tags_for_path(path=request.path_info)
        key = latest_key = None
        generations = None
        claimed = False
        epoch = None
        if settings.API_CACHE_ENABLED:
            representation = _representation(request=request)
            latest_key = api_cache_latest_key(request=request, representation=representation)
            # The process's copy of this URL's latest response, if it kept one.
            kept = local_responses.get(latest_key)
            # One round trip: the tags' tokens and, unless the process kept a copy, this
            # URL's latest entry; either is a hit when it was computed under exactly these
            # tokens. And the request's rate-limit counters, which the throttles then read
            # instead of counting again (where the store cannot, the throttles count).
            generations, found, counts = tokens_get_with(
                tags=tags,
                keys=[] if kept is not None else [latest_key],
                counters=lambda: request_rate_counters(request=request),
            )
            request_counts_record(request=request, counts=counts)
            latest = found.get(latest_key)
            # The view may key what it derives (a listing's count) on the same tokens.
            request.api_cache_generations = generations
            if generations is not None:
                if kept is not None and kept.computed_under(generations):
                    return self._hit(request, kept, endpoint=endpoint, tags=tags, state="hit")
                if isinstance(latest, CachedResponse) and latest.computed_under(generations):
                    local_responses.put(latest_key, latest)
                    return self._hit(request, latest, endpoint=endpoint, tags=tags, state="hit")
                key = api_cache_key(
                    request=request, generations=generations, representation=representation
                )
                # Another process may have stored this key after a newer latest entry; if
                # not, claim it, and read the change epoch that labels what is computed now
                # (one round trip for all three).
                kept_here = local_responses.active()
                entry, claimed, values = flight_get_or_claim(
                    key=key,
                    found=lambda value: isinstance(value, CachedResponse),
                    also=[EPOCH_KEY] if kept_here else [],
                )
                epoch = values.get(EPOCH_KEY)
                if entry is not None:
                    local_responses.put(latest_key, entry)
                    return self._hit(request, entry, endpoint=endpoint, tags=tags, state="hit")
                if kept is not None and kept.epoch:
                    # The tokens are not the copy's (Redis lost them in a flush, or a tag
                    # changed): it still answers when no change committed since it was
                    # computed, and the claimant stores it back for the other processes.
                    epoch = epoch_current(seen=epoch) or ""
                    if kept.epoch == epoch:
                        if claimed:
                            self._restore(
                                request, kept, endpoint=endpoint, key=key,
                                latest_key=latest_key, generations=generations,
                            )  # fmt: skip
                        return self._hit(request, kept, endpoint=endpoint, tags=tags, state="hit")
                if not claimed:
                    # Another request computes it: its stale copy now, or its fresh one soon.
                    stale = latest if isinstance(latest, CachedResponse) else kept
                    if settings.API_CACHE_SERVE_STALE and stale is not None:
                        return self._hit(
                            request, stale, endpoint=endpoint, tags=tags, state="stale"
                        )
                    fresh = flight_wait(
                        key=key, found=lambda value: isinstance(value, CachedResponse)
                    )
                    if fresh is not None:
                        return self._hit(request, fresh, endpoint=endpoint, tags=tags, state="hit")
                if not isinstance(epoch, str) and kept_here:
                    # Redis lost the epoch too: label what is computed now with the
                    # database's, read before the view reads anything (and published).
                    epoch = epoch_current(seen=epoch) or ""
        return self._compute(
            request,
            endpoint=endpoint,
            tags=tags,
            key=key,
            latest_key=latest_key,
            generations=generations,
            claimed=claimed,
            epoch=epoch if isinstance(epoch, str) else "",
        )

    def _restore(
        self, request: HttpRequest, kept: "CachedResponse", *, endpoint, key, latest_key,
        generations,
    ) -> None:  # fmt: skip
        """Store a kept response back in Redis under the current tokens (it is current: no
        change committed since it was computed), as a computed one is stored."""
        entry = dataclasses.replace(kept, tokens=tuple(sorted(generations.items())))
        self._store(request, entry, endpoint=endpoint, key=key, latest_key=latest_key, claimed=True)

    def _store(
        self, request: HttpRequest, entry: "CachedResponse", *, endpoint, key, latest_key,
        claimed: bool,
    ) -> None:  # fmt: skip
        """Store ``entry`` under its key and as this URL's latest entry, with the claim given
        back when this request holds it (one round trip), keep it in the process, and count
        it for re-warming."""
        entries = {key: entry, latest_key: entry}
        if claimed:
            flight_store(key=key, entries=entries, timeout=settings.API_CACHE_TTL)
        else:
            cache = store_cache()
            store_call(lambda: cache.set_many(entries, timeout=settings.API_CACHE_TTL))
        local_responses.put(latest_key, entry)
        rewarm_record(request=request, endpoint=endpoint, query=_query_normalised(request))

    def _hit(
        self, request: HttpRequest, entry: "CachedResponse", *, endpoint: str, tags, state: str
    ) -> HttpResponse:
        # Imported here: serving.throttling is loaded by DRF's settings, which must not happen
        # while this module loads during app setup.
        from serving.throttling import request_throttle_check

        throttled = request_throttle_check(request=request)
        if throttled is not None:
            return self._hit_measured(request, throttled)
        api_cache_hit_record(endpoint=endpoint)
        response = entry.to_response()
        response["X-Cache"] = state
        response_mark_public(response=response)
        response_tag(response=response, tags=tags)
        response = _not_modified(request=request, response=response)
        return self._hit_measured(request, response)

    def _compute(
        self,
        request: HttpRequest,
        *,
        endpoint: str,
        tags,
        key,
        latest_key,
        generations,
        claimed,
        epoch: str,
    ) -> HttpResponse:
        """The view's response, stored when cacheable, labelled with the change ``epoch``
        read before the view ran. A claim (``claimed``) is given back with the write, or on
        its own when nothing is written."""
        released = False
        try:
            use_replica = api_read_replica_available()
            if use_replica:
                with api_read_replica_routing():
                    response = self.get_response(request)
            else:
                response = self.get_response(request)
            api_cache_miss_record(endpoint=endpoint if response.status_code != 404 else "other")
            session = getattr(request, "session", None)
            if session is not None and not session.modified:
                # DRF's session authentication reads the (empty: no cookie was sent) session;
                # that must not make SessionMiddleware add `Vary: Cookie` to a public answer.
                session.accessed = False
            if not _response_is_cacheable(response):
                if response.status_code >= 400 and not response.has_header("Cache-Control"):
                    patch_cache_control(response, no_store=True)
                return response
            etag = response.get("ETag") or response_etag(content=response.content)
            response["ETag"] = etag
            response["X-Cache"] = "miss"
            response_mark_public(response=response)
            response_tag(response=response, tags=tags)
            if key is not None and (not use_replica or api_replica_is_fresh(tokens=generations)):
                entry = CachedResponse(
                    status=response.status_code,
                    content=response.content,
                    content_type=response.get("Content-Type", "application/json"),
                    location=response.get("Location", ""),
                    etag=etag,
                    tokens=tuple(sorted(generations.items())),
                    epoch=epoch,
                )
                self._store(
                    request, entry, endpoint=endpoint, key=key, latest_key=latest_key,
                    claimed=claimed,
                )  # fmt: skip
                released = claimed
            return _not_modified(request=request, response=response)
        finally:
            if claimed and not released:  # nothing was written: an error, a private answer
                flight_release(key=key)
