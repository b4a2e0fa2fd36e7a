"""The filters the parsed query drives: each reads ``view.params`` (checked against
``api.parameters`` before any query runs), never the raw query string.

Each is a DRF filter backend, as Wagtail's own are: one small class per concern, with an
example in its docstring. Messages name the parameter; a 400 is ``{"message": ...}``.
"""

import re

from django.conf import settings
from django.db.models import Exists, OuterRef
from rest_framework.filters import BaseFilterBackend
from wagtail.api.v2.utils import BadRequestError
from wagtail.search.backends import get_search_backend

from api.parameters import ROOT
from blog.models import BlogPostAuthor, BlogPostPage, BlogPostTag

_SEARCH_NOISE = re.compile(r"[^\w\s]+")

FIELD_FILTERS = ("slug", "show_in_menus")


class PageFieldFilter(BaseFilterBackend):
    """Exact-match filters on plain page fields. Example: ``?slug=hello-world``."""

    def filter_queryset(self, request, queryset, view):
        for name in FIELD_FILTERS:
            if name in view.params:
                queryset = queryset.filter(**{name: view.params[name]})
        return queryset


class SlugFilter(BaseFilterBackend):
    """Authors, categories and tags by slug. Example: ``?slug=ada-lovelace``."""

    def filter_queryset(self, request, queryset, view):
        if "slug" in view.params:
            queryset = queryset.filter(slug=view.params["slug"])
        return queryset


class TitleFilter(BaseFilterBackend):
    """Images and documents by exact title. Example: ``?title=Team photo``."""

    def filter_queryset(self, request, queryset, view):
        if "title" in view.params:
            queryset = queryset.filter(title=view.params["title"])
        return queryset


def _tag_match(slugs: list[str]):
    return BlogPostTag.objects.filter(content_object=OuterRef("pk"), tag__slug__in=slugs)


def _category_match(slugs: list[str]):
    return BlogPostPage.categories.through.objects.filter(
        blogpostpage=OuterRef("pk"), category__slug__in=slugs
    )


def _author_match(slugs: list[str]):
    return BlogPostAuthor.objects.filter(post=OuterRef("pk"), author__slug__in=slugs)


# Filter name → the rows linking a post (``OuterRef("pk")``) to the terms of these slugs.
TERM_MATCHES = {"tag": _tag_match, "category": _category_match, "author": _author_match}
POST_FILTERS = (
    *(form.format(name) for name in TERM_MATCHES for form in ("{}", "{}_all", "exclude_{}")),
    "published_after",
    "published_before",
)


class PostFilter(BaseFilterBackend):
    """Posts by tags, categories or authors (slugs) and publication date range.

    Example: ``?tag=python,django&exclude_category=news&published_after=2026-01-01``.
    ``tag=a,b`` (or ``tag=a&tag=b``) is any of them, ``tag_all=a,b`` every one,
    ``exclude_tag=a,b`` none; ``category`` and ``author`` alike; different parameters
    combine with "and". Dates are inclusive; a date without a time covers the whole day
    (UTC).
    """

    def filter_queryset(self, request, queryset, view):
        params = view.params
        # EXISTS, not joins: no duplicate rows, so no DISTINCT, and the listing can sort
        # and count ids in one pass (``api.pagination.PageListingPagination``).
        for name, match in TERM_MATCHES.items():
            if name in params:
                queryset = queryset.filter(Exists(match(params[name])))
            for slug in params.get(f"{name}_all", ()):
                queryset = queryset.filter(Exists(match([slug])))
            if f"exclude_{name}" in params:
                queryset = queryset.filter(~Exists(match(params[f"exclude_{name}"])))
        if "published_after" in params:
            queryset = queryset.filter(publication_date__gte=params["published_after"])
        if "published_before" in params:
            queryset = queryset.filter(publication_date__lte=params["published_before"])
        return queryset


class TreeFilter(BaseFilterBackend):
    """Pages by place in the tree: ``?child_of=3``, ``?descendant_of=root``,
    ``?ancestor_of=12``. ``root`` is the site's root page; an id must be a visible page.

    Wagtail's own tree filters read the raw query; this reads the parsed one and names
    the parameter in its messages.
    """

    def filter_queryset(self, request, queryset, view):
        params = view.params
        if "child_of" in params and "descendant_of" in params:
            raise BadRequestError("descendant_of: not supported together with child_of")
        if "child_of" in params:
            queryset = queryset.child_of(self._page(view, "child_of", "parent page"))
        if "descendant_of" in params:
            queryset = queryset.descendant_of(self._page(view, "descendant_of", "ancestor page"))
        if "ancestor_of" in params:
            queryset = queryset.ancestor_of(self._page(view, "ancestor_of", "descendant page"))
        return queryset

    @staticmethod
    def _page(view, name: str, role: str):
        if view.params[name] == ROOT:
            return view.get_root_page()
        page = view.get_base_queryset().filter(pk=view.params[name]).first()
        if page is None:
            raise BadRequestError(f"{name}: {role} doesn't exist")
        return page


class OrderingFilter(BaseFilterBackend):
    """``?order=-publication_date``; ``id`` breaks ties so the order is total.

    Without ``order`` the view's ``default_ordering`` applies (search: relevance).
    Wagtail's ``order=random`` is not offered: the same request must give the same
    bytes, so responses can be cached.
    """

    def filter_queryset(self, request, queryset, view):
        terms = view.params.get("order")
        if terms is None:
            return queryset if "search" in view.params else view.default_ordering(queryset)
        if "publication_date" in [term.removeprefix("-") for term in terms] and (
            queryset.model is not BlogPostPage
        ):
            raise BadRequestError("order: publication_date applies to type=blog.BlogPostPage")
        if "id" not in [term.removeprefix("-") for term in terms]:
            terms = [*terms, "id"]
        return queryset.order_by(*terms)


class SearchFilter(BaseFilterBackend):
    """Full-text search (Wagtail's database backend: PostgreSQL full-text search).

    Ordered by relevance unless ``order`` is given. ``search_operator`` is ``and`` (every
    word must match) or ``or``. The filtered set is passed to the backend as a list of
    ids, which every backend accepts, so filters and search combine freely.
    """

    def filter_queryset(self, request, queryset, view):
        if "search" not in view.params:
            if "search_operator" in view.params:
                raise BadRequestError("search_operator needs search")
            return queryset
        if not getattr(settings, "WAGTAILAPI_SEARCH_ENABLED", True):
            raise BadRequestError("search is disabled")
        # Words only: quotes and operators mean nothing to a plain-text query, and SQLite's
        # FTS5 syntax would reject some of them.
        words = _SEARCH_NOISE.sub(" ", view.params["search"]).split()
        if not words:
            return queryset.none()
        candidates = queryset.model.objects.filter(pk__in=queryset.values("pk"))
        if "order" in view.params:
            candidates = candidates.order_by(*queryset.query.order_by)
        # The filtered set, for loading a page of results by id (see the view's pagination).
        view.search_base = queryset
        return get_search_backend().search(
            " ".join(words),
            candidates,
            operator=view.params.get("search_operator"),
            order_by_relevance="order" not in view.params,
        )


def posts_only_check(*, params: dict, model) -> None:
    """Post filters on anything but posts is a client mistake worth naming."""
    used = [name for name in POST_FILTERS if name in params]
    if used and model is not BlogPostPage:
        raise BadRequestError(f"{used[0]}: filters posts; use it with type=blog.BlogPostPage")
