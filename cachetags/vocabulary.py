"""Tag names: what a cached response depends on, in words a CDN and a frontend accept.

The vocabulary (docs/caching-and-performance.md#cache-tags):

- ``all``: everything (site settings, sites, a full clear);
- ``ep:<endpoint>``: an endpoint's listings, searches and lookups (``/api/v2/pages/?…``),
  and the SEO surfaces (sitemap, feeds), which list pages;
- ``ep:<endpoint>:<id>``: one object's detail (``/api/v2/pages/42/``).

The same names are the keys of the tokens (``cachetags.tokens``), the ``Cache-Tag`` header
of every cacheable response, and the ``tags`` of the ``cache.invalidated`` webhook event,
so a frontend can pass them to ``fetch(url, {next: {tags}})`` and revalidate exactly those.

CDNs bound tags: Cloudflare 1,024 characters a tag and 16 KB a header, Fastly 1,024 bytes
a key and 16 KB a header, Akamai 128 characters a tag. A tag here is at most
``TAG_LENGTH_MAX`` characters of ``[A-Za-z0-9:._~-]`` (a path segment outside that set or
longer is replaced by a hash of itself, the same everywhere), and a header carries at most
``HEADER_TAGS_MAX`` tags.
https://developers.cloudflare.com/cache/how-to/purge-cache/purge-by-tags/
https://www.fastly.com/documentation/reference/http/http-headers/Surrogate-Key/
"""

import hashlib
import re
from collections.abc import Iterable

from django.conf import settings

TAG_ALL = "all"
TAG_LENGTH_MAX = 64
HEADER_TAGS_MAX = 32
# Endpoints whose detail responses depend only on the object itself (and on objects whose
# changes fan out to it explicitly): their details are not invalidated by a change to
# another item of the same endpoint.
FINE_GRAINED_ENDPOINTS = frozenset({"pages", "images", "documents"})
# Endpoint path segments that are lookups over a collection rather than one object.
COLLECTION_SEGMENTS = frozenset({"find", "search"})
_SAFE_PART = re.compile(r"[A-Za-z0-9._~-]{1,40}")


def _part(value: object) -> str:
    """A tag part as it came when short and safe, else a stable hash of it."""
    text = str(value)
    if _SAFE_PART.fullmatch(text):
        return text
    return "h" + hashlib.sha256(text.encode()).hexdigest()[:16]


def tag_endpoint(*, endpoint: str) -> str:
    """``ep:pages``: every listing, search and lookup of an endpoint."""
    return f"ep:{_part(endpoint)}"


def tag_object(*, endpoint: str, key: object) -> str:
    """``ep:pages:42`` (or ``ep:authors:ada``): one object's detail."""
    return f"ep:{_part(endpoint)}:{_part(key)}"


def tags_for_api_path(*, path: str, prefix: str) -> tuple[str, list[str]]:
    """The endpoint and the tags a response under ``prefix`` depends on, from its path.

    ``/api/v2/pages/?type=…`` → ``("pages", ["all", "ep:pages"])``;
    ``/api/v2/pages/42/`` → ``("pages", ["all", "ep:pages:42"])``;
    ``/api/v2/authors/ada/`` → ``("authors", ["all", "ep:authors:ada", "ep:authors"])``.
    """
    segments = [s for s in path[len(prefix) :].split("/") if s]
    endpoint = segments[0] if segments else ""
    tags = [TAG_ALL]
    if len(segments) >= 2 and segments[1] not in COLLECTION_SEGMENTS:
        tags.append(tag_object(endpoint=endpoint, key=segments[1]))
        if endpoint not in FINE_GRAINED_ENDPOINTS:
            tags.append(tag_endpoint(endpoint=endpoint))
    else:
        tags.append(tag_endpoint(endpoint=endpoint))
    return endpoint, tags


def tags_header_name() -> str:
    """``Cache-Tag`` unless ``CACHE_TAG_HEADER`` names another (``Surrogate-Key``)."""
    return getattr(settings, "CACHE_TAG_HEADER", "") or "Cache-Tag"


def tags_header_value(*, tags: Iterable[str]) -> str:
    """The header value: comma-separated, or space-separated for ``Surrogate-Key``.

    At most ``HEADER_TAGS_MAX`` tags; past that, the broad tags (``all``, ``ep:<endpoint>``)
    are kept before the narrow ones, so a purge still reaches the response.
    """
    unique = sorted(set(tags), key=lambda tag: (tag.count(":"), tag))
    kept = [tag for tag in unique if len(tag) <= TAG_LENGTH_MAX][:HEADER_TAGS_MAX]
    separator = " " if tags_header_name().lower() == "surrogate-key" else ","
    return separator.join(kept)
