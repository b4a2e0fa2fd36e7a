"""Re-warming: after a change, the worker renders the hottest responses it invalidated, so
the first reader after a publish gets a cache hit.

What is hot is learnt from misses. Each response the cache computes for a reader (not
for re-warming) adds one to its URL's score in a sorted set per endpoint, ``hot:<endpoint>``
in the API alias (one ``ZINCRBY``, and a trim to ``HOT_URLS_KEPT`` members, in one
pipelined round trip). A URL misses once per token change it is read in, so its score
counts the changes after which someone asked for it. Only listings' first pages (no
``offset``, or ``offset=0``) and details are kept; hits cost nothing here.

After a ``cache.invalidated`` event (``propagation.tasks.cache_rewarm``) the worker renders,
through the whole middleware stack and so the response cache itself:

1. the details of what the change itself touched (the event's ``first`` tags: the
   published page), on every host hot URLs were read on;
2. the hottest other invalidated details, up to ``API_REWARM_DETAILS`` in all;
3. the hottest first pages of each invalidated endpoint's listings, up to
   ``API_REWARM_LISTINGS`` per endpoint.

A render is a request like a reader's (single flight included), so a reader who arrives
first computes it and the worker's request becomes a hit. Nothing here can fail an event:
an error is logged and the response is left to the next reader.
"""

import io
import logging
import sys
import time
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest

from cachetags.store import UNAVAILABLE, store_cache, store_call, store_redis_client
from cachetags.tokens import tokens_get, tokens_made_after, tokens_replace
from serving.request_id import request_context_kept

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v2/"
HOT_URLS_KEPT = 200
# Marks the worker's own requests, so rendering a URL does not make it hotter.
REWARM_ENVIRON_KEY = "blog.rewarm"
# How long the worker waits for the editor's process to replace the tokens after its
# commit (it does so microseconds after; the worker may pick the event up first) before
# replacing them itself: the change is committed once the worker can read its event.
TOKENS_WAIT_SECONDS = 2.0


def _hot_key(endpoint: str) -> str:
    return f"hot:{endpoint}"


def rewarm_candidate(*, path: str, query: str) -> bool:
    """Whether a URL is worth re-warming: a detail, or a listing's first page."""
    segments = [s for s in path[len(API_PREFIX) :].split("/") if s]
    if len(segments) >= 2 and segments[1] not in ("find", "search"):
        return len(segments) == 2
    offset = dict(parse_qsl(query)).get("offset", "0")
    return offset in ("", "0")


def rewarm_record(*, request, endpoint: str, query: str) -> None:
    """Count one computed response for ``request`` in its endpoint's hot set."""
    if not endpoint or request.META.get(REWARM_ENVIRON_KEY):
        return
    if not rewarm_candidate(path=request.path_info, query=query):
        return
    member = f"{request.get_host().lower()} {request.path_info}" + (f"?{query}" if query else "")
    cache = store_cache()
    client = store_redis_client()
    if client is not None:
        key = cache.make_key(_hot_key(endpoint))

        def record() -> None:
            pipe = client.get_client(write=True).pipeline(transaction=False)
            pipe.zincrby(key, 1, member)
            pipe.zremrangebyrank(key, 0, -HOT_URLS_KEPT - 1)
            pipe.execute()

        store_call(record)
        return
    # Per-process memory (the embedded default): a dict under the same name.
    scores = store_call(lambda: cache.get(_hot_key(endpoint))) or {}
    scores[member] = scores.get(member, 0) + 1
    kept = dict(sorted(scores.items(), key=lambda item: -item[1])[:HOT_URLS_KEPT])
    store_call(lambda: cache.set(_hot_key(endpoint), kept, timeout=None))


def rewarm_hot(*, endpoint: str) -> list[tuple[str, str]]:
    """The endpoint's hot URLs, hottest first, as ``(host, path?query)``."""
    cache = store_cache()
    client = store_redis_client()
    if client is not None:
        key = cache.make_key(_hot_key(endpoint))
        found = store_call(lambda: client.get_client(write=False).zrevrange(key, 0, -1))
        members = [] if found is UNAVAILABLE else [m.decode() for m in found]
    else:
        scores = store_call(lambda: cache.get(_hot_key(endpoint))) or {}
        members = [m for m, _ in sorted(scores.items(), key=lambda item: -item[1])]
    return [tuple(member.split(" ", 1)) for member in members]


def _detail_path(tag: str) -> str | None:
    parts = tag.split(":")
    if len(parts) != 3:
        return None
    return f"{API_PREFIX}{parts[1]}/{parts[2]}/"


def rewarm_urls(*, tags: Iterable[str], first: Iterable[str] = ()) -> list[tuple[str, str]]:
    """What to render after ``tags`` were invalidated, in order (see the module docstring)."""
    tags = set(tags)
    endpoints = {t.split(":")[1] for t in tags if t.startswith("ep:")}
    hot = {endpoint: rewarm_hot(endpoint=endpoint) for endpoint in sorted(endpoints)}
    hosts = list(dict.fromkeys(host for urls in hot.values() for host, _ in urls))[:3]
    if not hosts:
        hosts = [urlsplit(settings.WAGTAILAPI_BASE_URL).netloc or "localhost"]
    own = [path for path in map(_detail_path, sorted(set(first))) if path]
    urls = [(host, path) for path in own for host in hosts]
    for endpoint, entries in hot.items():
        listing = f"{API_PREFIX}{endpoint}/"
        urls += [(h, u) for h, u in entries if urlsplit(u).path == listing][
            : settings.API_REWARM_LISTINGS
        ]
    invalidated = {_detail_path(t) for t in tags} - {None} - set(own)
    hottest = [(h, u) for entries in hot.values() for h, u in entries if u in invalidated]
    urls += hottest[: max(0, settings.API_REWARM_DETAILS - len(own))]
    return list(dict.fromkeys(urls))


def _render(handler: BaseHandler, *, host: str, url: str) -> int:
    """GET ``url`` on ``host`` through the middleware stack, in this process; the status."""
    split = urlsplit(url)
    hostname, _, port = host.partition(":")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": split.path,
        "QUERY_STRING": split.query,
        "SERVER_NAME": hostname,
        "SERVER_PORT": port or "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "HTTP_ACCEPT": "application/json",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": urlsplit(settings.WAGTAILAPI_BASE_URL).scheme or "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        REWARM_ENVIRON_KEY: True,
    }
    # get_response, not the WSGI handler's __call__: no request_started/finished signals,
    # which would close the worker's database connection in the middle of its task. So the
    # render's request context is undone here, not by request_finished.
    with request_context_kept():
        response = handler.get_response(WSGIRequest(environ))
    return response.status_code


def api_responses_rewarm(
    *, tags: Iterable[str], first: Iterable[str] = (), changed_at: float = 0.0
) -> dict[str, int]:
    """Render the hottest responses ``tags`` invalidated; ``{"host path": status}``."""
    if not (settings.API_CACHE_ENABLED and settings.API_REWARM_ENABLED):
        return {}
    tags = list(tags)
    deadline = time.monotonic() + TOKENS_WAIT_SECONDS
    while True:
        tokens = tokens_get(tags=tags)
        if tokens is None:
            return {}  # no cache to warm
        if tokens_made_after(tokens=tokens, at=changed_at):
            break
        if time.monotonic() > deadline:
            tokens_replace(tags=tags)
            break
        time.sleep(0.05)
    handler = BaseHandler()
    handler.load_middleware()
    rendered = {}
    for host, url in rewarm_urls(tags=tags, first=first):
        try:
            rendered[f"{host} {url}"] = _render(handler, host=host, url=url)
        except Exception:  # one response's failure never stops the others or the event
            logger.exception("re-warming %s%s failed", host, url)
    return rendered
