"""Listing pagination: Wagtail's ``offset``/``limit`` (or ``page``) and the ``meta`` a
frontend pages with.

Every listing answers ``meta`` with ``total_count`` (Wagtail's), ``page`` (1-based),
``pages``, ``limit``, and ``next``/``previous``: absolute API URLs that keep the request's
other parameters, ``null`` at the ends. They are built on ``WAGTAILAPI_BASE_URL``, as
Wagtail builds ``detail_url``, so the same request gives the same bytes whatever proxy
scheme it came through, and a cached response is right for everyone.

The classes extend Wagtail's ``WagtailPagination`` (its extension point: DRF's
``pagination_class``), so views neither page nor count. They read ``view.params``, the
query already parsed against ``api.parameters``, never the raw query string.
https://www.django-rest-framework.org/api-guide/pagination/#custom-pagination-styles
"""

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from rest_framework.response import Response
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.utils import BadRequestError, get_full_url

from api.fragments import listing_count, listing_query, stored_with_tokens
from api.parameters import MAX_OFFSET
from serving.metrics import search_latency_observe

LIMIT_DEFAULT = 20
# Searches matching more pages than this keep Wagtail's per-page ranking (and count).
SEARCH_IDS_MAX = 10_000


@dataclass(frozen=True)
class ListingWindow:
    """Which items of a listing one response holds; ``by_page``: asked as ``page=N``."""

    offset: int
    limit: int
    by_page: bool = False


def listing_window(*, params: dict) -> ListingWindow:
    """``offset``/``limit`` from the parsed query; ``page=N`` is ``offset=(N-1)*limit``."""
    limit = params.get("limit", min(LIMIT_DEFAULT, settings.WAGTAILAPI_LIMIT_MAX))
    if "page" not in params:
        return ListingWindow(offset=params.get("offset", 0), limit=limit)
    if "offset" in params:
        raise BadRequestError("page: give page or offset, not both")
    offset = (params["page"] - 1) * limit
    if offset > MAX_OFFSET:
        raise BadRequestError(f"page: (page - 1) * limit cannot be higher than {MAX_OFFSET}")
    return ListingWindow(offset=offset, limit=limit, by_page=True)


def _listing_url(*, request: HttpRequest, window: ListingWindow, offset: int) -> str:
    """This listing's URL at ``offset``, every other parameter kept in its order."""
    query = request.GET.copy()
    name, value = ("page", offset // window.limit + 1) if window.by_page else ("offset", offset)
    if offset == 0:  # the first page is the listing without offset or page
        query.pop(name, None)
    else:
        query[name] = str(value)
    encoded = query.urlencode()
    return get_full_url(request, request.path + (f"?{encoded}" if encoded else ""))


def listing_meta(*, request: HttpRequest, window: ListingWindow, total_count: int) -> dict:
    """``meta`` of one page of a listing. ``page`` is the page holding the first item
    (``offset // limit + 1``); ``limit=0`` (a count only) is page 1 of 1."""
    offset, limit = window.offset, window.limit
    if limit == 0:
        return {
            "total_count": total_count,
            **{"page": 1, "pages": 1, "limit": 0, "next": None, "previous": None},
        }
    following = offset + limit
    return {
        "total_count": total_count,
        "page": offset // limit + 1,
        "pages": max(1, math.ceil(total_count / limit)),
        "limit": limit,
        "next": _listing_url(request=request, window=window, offset=following)
        if following < total_count
        else None,
        "previous": _listing_url(request=request, window=window, offset=max(0, offset - limit))
        if offset > 0
        else None,
    }


class ListingPagination(WagtailPagination):
    """Offset pagination with the full ``meta``; counts and slices as Wagtail does."""

    def paginate_queryset(self, queryset, request, view=None):
        self.view = view
        self.request = request
        self.window = listing_window(params=view.params)
        self.total_count = self.count(queryset)
        return self.items(queryset)

    def count(self, queryset) -> int:
        return queryset.count()

    def items(self, queryset) -> list:
        start = self.window.offset
        return list(queryset[start : start + self.window.limit])

    def meta(self) -> dict:
        return listing_meta(request=self.request, window=self.window, total_count=self.total_count)

    def get_paginated_response(self, data):
        return Response({"meta": self.meta(), "items": data})


def _search_timed(query):
    """``query`` (a search backend query) wrapped to record its duration in
    ``blog_search_latency_seconds``."""

    def timed():
        started = time.perf_counter()
        try:
            return query()
        finally:
            search_latency_observe(seconds=time.perf_counter() - started)

    return timed


def rows_in_order(*, queryset, ids: list[int]) -> list:
    """The rows of ``ids`` in that order, in one query by primary key."""
    rows = {row.pk: row for row in queryset.filter(pk__in=ids).order_by()} if ids else {}
    return [rows[pk] for pk in ids if pk in rows]


class PageListingPagination(ListingPagination):
    """Pages: ids sorted, not rows (a "deferred join"), and a count kept per listing.

    Wagtail counts the set, then sorts whole rows to skip ``offset`` of them: at offset
    6,500 of 10,000 posts, a 45 ms sort spilling to disk. Here one query pages through
    ids only (the ordering's index does it), a second loads those rows by primary key,
    and the count is kept per listing until the listings change
    (``api.fragments.listing_count``). Search results (not a queryset) page through
    their kept ranking (``search_ranked_ids``), else through Wagtail's query and count.
    """

    def paginate_queryset(self, queryset, request, view=None):
        self.view = view
        self.request = request
        self.window = listing_window(params=view.params)
        start, stop = self.window.offset, self.window.offset + self.window.limit
        if not isinstance(queryset, QuerySet):
            ranked = self.search_ranked_ids(queryset)
            if ranked is not None:
                self.total_count = len(ranked)
                return rows_in_order(queryset=view.search_base, ids=ranked[start:stop])
            self.total_count = listing_count(request=request, count=_search_timed(queryset.count))
            return _search_timed(lambda: list(queryset[start:stop]))()
        self.total_count = listing_count(request=request, count=queryset.count)
        if queryset.query.distinct:
            return list(queryset[start:stop])
        ids = list(queryset.values_list("pk", flat=True)[start:stop])
        return rows_in_order(queryset=queryset, ids=ids)

    def search_ranked_ids(self, results) -> list[int] | None:
        """Every match's id in rank order, kept until the listings change; None if the
        search backend cannot give ids alone.

        Ranking is the cost of a search (PostgreSQL ranks every match to sort them), and
        Wagtail's search then counts the matches in a second query of the same cost, and
        repeats both for each page of results. Here one query ranks ids only, its length is
        the count, and paging through the results reads the kept list. A search matching
        more than ``SEARCH_IDS_MAX`` pages is ranked per page of results, as Wagtail does.
        """
        ranked = getattr(results, "get_queryset", None)
        if ranked is None or getattr(results, "start", 0) or results.stop is not None:
            return None
        ranked = ranked()
        if not isinstance(ranked, QuerySet):
            return None

        def rank() -> list[int] | None:
            ids = list(ranked.values_list("pk", flat=True)[: SEARCH_IDS_MAX + 1])
            return ids if len(ids) <= SEARCH_IDS_MAX else None  # kept as "too many"

        return stored_with_tokens(
            request=self.request,
            name="search",
            parts=listing_query(request=self.request),
            compute=_search_timed(rank),
        )
