"""Route resolution for every public frontend URL, in one request: ``/api/v2/path/``.

A frontend router sends the path it was asked for (``?html_path=/tags/python/?page=2``)
and gets back everything that route renders:

- a page: its full detail; a blog index also gets ``posts``, the page of its listing the
  path names (``?page=N``, ``posts_per_page`` a page);
- a tag, category or author page (``/tags/<slug>/``, ``/categories/<slug>/``,
  ``/authors/<slug>/``): the resource, its ``posts`` (first page, or ``?page=N``) and an
  ``seo`` object;
- a redirect, or a 404 with a JSON message.

``fields`` applies to the page; its ``posts(...)`` item, to the cards of whatever route
carries a listing, as ``pages/?fields=`` takes it (``card_selection_split``): the
frontend does not know which kind of route a path is before it asks.

The listings and resources are the regular endpoints' own answers (same fields, filters,
privacy and preloading), called in-process without their throttles: the request was
counted once, on the way in.
"""

import copy
import json
import re
from urllib.parse import parse_qsl, urlencode

from django.http import Http404, QueryDict
from wagtail.api.v2.utils import BadRequestError, FieldsParameterParseError, parse_fields_parameter

from blog.seo import listing_seo

TAXONOMY_POSTS_PER_PAGE = 12
MAX_PAGE = 10_000
# URL prefix → (endpoint, listing filter, type named in the answer)
TAXONOMIES = {
    "tags": ("tags", "tag", "tag"),
    "categories": ("categories", "category", "category"),
    "authors": ("authors", "author", "author"),
}
TAXONOMY_PATH = re.compile(r"^/(tags|categories|authors)/([-a-zA-Z0-9_]{1,100})/?$")


def html_path_split(*, html_path: str) -> tuple[str, int]:
    """``/blog/?page=2`` → (``/blog/``, 2). Only ``page`` may follow the path."""
    path, _, query = html_path.partition("?")
    page = 1
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name != "page":
            raise BadRequestError(f"html_path: only ?page= may follow the path, not {name!r}")
        if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
            raise BadRequestError(f"html_path: page must be a number from 1 to {MAX_PAGE}")
        page = int(value)
    return path, page


CARDS = "posts"


def fields_format(*, config: list) -> str:
    """Wagtail's parsed ``fields`` (``parse_fields_parameter``) written back as the parameter."""
    return ",".join(
        ("-" if negated else "")
        + name
        + (f"({fields_format(config=sub_fields)})" if sub_fields else "")
        for name, negated, sub_fields in config
    )


def card_selection_split(*, fields: str | None) -> tuple[str | None, str | None]:
    """``fields`` of ``path/`` → (the page's ``fields``, the cards' ``fields``); None where
    it selects nothing. ``_,title,posts(title,html_path)`` → (``_,title``,
    ``title,html_path``); ``posts`` with no selection keeps the default cards."""
    if fields is None:
        return None, None
    try:
        config = parse_fields_parameter(fields)
    except FieldsParameterParseError as e:
        raise BadRequestError(f"fields error: {e}") from e
    cards = None
    page = []
    for name, negated, sub_fields in config:
        if name != CARDS:
            page.append((name, negated, sub_fields))
        elif negated:
            raise BadRequestError(f"fields: a route's {CARDS} cannot be left out")
        elif sub_fields:
            cards = fields_format(config=sub_fields)
    return (fields_format(config=page) or None), cards


def taxonomy_route_match(*, path: str) -> tuple[str, str] | None:
    """``/tags/python/`` → (``tags``, ``python``); None for any other path."""
    match = TAXONOMY_PATH.match(path)
    return (match.group(1), match.group(2)) if match else None


def endpoint_call(*, request, view_class, action: str, path: str, params: dict) -> dict:
    """Answer ``params`` as the endpoint ``view_class`` would at ``path``, in-process.

    The caller's request is copied with these parameters; throttles are off (it was
    counted already). A 4xx from the endpoint is raised as it would be answered.
    """
    sub = copy.copy(getattr(request, "_request", request))
    sub.GET = QueryDict(urlencode(params))
    sub.path = sub.path_info = path
    sub.META = {**sub.META, "QUERY_STRING": urlencode(params), "PATH_INFO": path}
    view = view_class.as_view({"get": action}, throttle_classes=[])
    response = view(sub)
    data = getattr(response, "data", None)
    if data is None:
        data = json.loads(response.content)
    if response.status_code == 404:
        raise Http404(data.get("message", "not found"))
    if response.status_code >= 400:
        raise BadRequestError(data.get("message", "bad request"))
    return data


def posts_page(
    *, request, view_class, filters: dict, page: int, per_page: int, card_fields: str | None
) -> dict:
    """One page of a post listing, as ``/api/v2/pages/`` answers it (``meta`` with
    ``page``, ``pages``, ``next``...: ``api.pagination``); ``card_fields`` is its
    ``fields`` (None: the default cards)."""
    try:
        data = endpoint_call(
            request=request,
            view_class=view_class,
            action="listing_view",
            path="/api/v2/pages/",
            params={
                "type": "blog.BlogPostPage",
                **filters,
                **({"fields": card_fields} if card_fields else {}),
                "limit": per_page,
                "offset": (page - 1) * per_page,
            },
        )
    except BadRequestError as e:
        if card_fields is None:
            raise
        # The listing's message names its own ``fields``: say it came from ``posts(...)``.
        raise BadRequestError(f"fields: {CARDS}(...): {e}") from e
    pages = data["meta"]["pages"]
    if page > pages:
        raise Http404(f"page {page} is past the last page ({pages})")
    return {"meta": data["meta"], "items": data["items"]}


def taxonomy_route(
    *,
    request,
    pages_view,
    resource_view,
    prefix: str,
    slug: str,
    page: int,
    site_name: str,
    card_fields: str | None,
) -> dict:
    """A tag, category or author page: the resource, a page of its posts, its ``seo``."""
    endpoint, filter_name, kind = TAXONOMIES[prefix]
    found = endpoint_call(
        request=request,
        view_class=resource_view,
        action="listing_view",
        path=f"/api/v2/{endpoint}/",
        params={"slug": slug, "limit": 1},
    )["items"]
    if not found:
        raise Http404(f"no {kind} with slug '{slug}'")
    resource = found[0]
    posts = posts_page(
        request=request,
        view_class=pages_view,
        filters={filter_name: slug},
        page=page,
        per_page=TAXONOMY_POSTS_PER_PAGE,
        card_fields=card_fields,
    )
    html_path = f"/{prefix}/{slug}/" + (f"?page={page}" if page > 1 else "")
    name = resource["name"]
    title = {
        "tag": f"Posts tagged {name}",
        "category": name,
        "author": name,
    }[kind]
    description = resource.get("description") or resource.get("job_title") or ""
    if not description:
        description = f"{posts['meta']['total_count']} posts on {site_name}: {title}."
    return {
        "type": kind,
        kind: resource,
        "posts": posts,
        "seo": listing_seo(
            title=f"{title} | {site_name}" if site_name else title,
            description=description,
            html_path=html_path,
            site_name=site_name,
            schema_type="ProfilePage" if kind == "author" else "CollectionPage",
        ),
    }
