"""Query parameters: strict parsing (400 naming the parameter) and the filters they drive.

Stock Wagtail answers 500 to values such as ``offset=99999999999999999999``,
``find/?id=abc``, ``search=%00``, ``search_operator=xor`` or ``site=evil.com``. Here
every parameter an endpoint accepts is listed with its parser (see ``api.views``); the
view checks them all before any query runs (``query_parameters_check``), so nothing a
client sends reaches the database unchecked.
"""

import re
from collections.abc import Callable
from datetime import UTC, datetime, time

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework.filters import BaseFilterBackend
from wagtail.api.v2.utils import BadRequestError
from wagtail.search.backends import get_search_backend

from blog.models import BlogPostAuthor, BlogPostPage, BlogPostTag

MAX_ID = 2**31 - 1
MAX_OFFSET = 1_000_000
MAX_VALUE_LENGTH = 2048
MAX_SEARCH_LENGTH = 200
_DIGITS = re.compile(r"[0-9]{1,10}")
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SEARCH_NOISE = re.compile(r"[^\w\s]+")
_HOST = re.compile(r"[a-zA-Z0-9]([-a-zA-Z0-9.]{0,253})(:[0-9]{1,5})?")


def parse_id(value: str, *, name: str) -> int:
    if not _DIGITS.fullmatch(value) or not 0 < int(value) <= MAX_ID:
        raise BadRequestError(f"{name} must be a positive integer (at most {MAX_ID})")
    return int(value)


def parse_id_or_root(value: str, *, name: str) -> int | str:
    return "root" if value == "root" else parse_id(value, name=name)


def parse_limit(value: str, *, name: str) -> int:
    limit_max = settings.WAGTAILAPI_LIMIT_MAX
    if not _DIGITS.fullmatch(value):
        raise BadRequestError(f"{name} must be a positive integer")
    if int(value) > limit_max:
        raise BadRequestError(f"{name} cannot be higher than {limit_max}")
    return int(value)


def parse_offset(value: str, *, name: str) -> int:
    if not _DIGITS.fullmatch(value):
        raise BadRequestError(f"{name} must be a positive integer")
    if int(value) > MAX_OFFSET:
        raise BadRequestError(f"{name} cannot be higher than {MAX_OFFSET}")
    return int(value)


def parse_page(value: str, *, name: str) -> int:
    if not _DIGITS.fullmatch(value) or not 0 < int(value) <= MAX_OFFSET + 1:
        raise BadRequestError(f"{name} must be a positive integer (at most {MAX_OFFSET + 1})")
    return int(value)


def parse_slug(value: str, *, name: str) -> str:
    if not _SLUG.fullmatch(value):
        raise BadRequestError(f"{name} must be a slug (letters, digits, '-' and '_')")
    return value


def parse_boolean(value: str, *, name: str) -> bool:
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise BadRequestError(f"{name} must be 'true' or 'false'")


def parse_moment(value: str, *, name: str, end_of_day: bool = False) -> datetime:
    """An ISO 8601 date (``2026-01-31``) or date-time; naive values are UTC."""
    try:
        day = parse_date(value) if _DATE.fullmatch(value) else None
        if day is not None:
            moment = datetime.combine(day, time.max if end_of_day else time.min)
        else:
            moment = parse_datetime(value)
            if moment is None:
                raise ValueError(value)
    except ValueError as e:
        raise BadRequestError(
            f"{name} must be an ISO 8601 date or date-time, e.g. 2026-01-31"
        ) from e
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:
        moment = None
    if moment is None or not 1 < moment.year < 9999:
        raise BadRequestError(f"{name} must be a date between the years 2 and 9998")
    return moment


def parse_search(value: str, *, name: str) -> str:
    if not value.strip():
        raise BadRequestError(f"{name} must not be empty")
    if len(value) > MAX_SEARCH_LENGTH:
        raise BadRequestError(f"{name} must be at most {MAX_SEARCH_LENGTH} characters")
    return value


def parse_choice(*choices: str) -> Callable[..., str]:
    def parse(value: str, *, name: str) -> str:
        if value not in choices:
            raise BadRequestError(f"{name} must be one of: {', '.join(choices)}")
        return value

    return parse


def parse_site(value: str, *, name: str) -> str:
    if not _HOST.fullmatch(value):
        raise BadRequestError(f"{name} must be a hostname, optionally with ':port'")
    return value


def parse_locale(value: str, *, name: str) -> str:
    codes = [code for code, _ in settings.WAGTAIL_CONTENT_LANGUAGES]
    if value not in codes:
        raise BadRequestError(f"{name} must be one of: {', '.join(codes)}")
    return value


def parse_text(value: str, *, name: str) -> str:
    return value


def parse_html_path(value: str, *, name: str) -> str:
    if not value.startswith("/"):
        raise BadRequestError(f"{name} must be a path starting with '/'")
    return value


def query_parameters_check(*, query, allowed: dict[str, Callable]) -> dict[str, object]:
    """Parse every parameter of ``query`` (a QueryDict) or raise ``BadRequestError``.

    Unknown names, repeated names, NUL characters and oversized values are refused
    before the value parsers run; the message names the offending parameter.
    """
    unknown = sorted(set(query.keys()) - set(allowed))
    if unknown:
        raise BadRequestError(
            "query parameter is not an operation or a recognised field: " + ", ".join(unknown)
        )
    parsed = {}
    for name in sorted(query.keys()):
        values = query.getlist(name)
        if len(values) > 1:
            raise BadRequestError(f"{name} must be given once")
        value = values[0]
        if "\x00" in value:
            raise BadRequestError(f"{name} must not contain null characters")
        if len(value) > MAX_VALUE_LENGTH:
            raise BadRequestError(f"{name} must be at most {MAX_VALUE_LENGTH} characters")
        parsed[name] = allowed[name](value, name=name)
    return parsed


# ---------------------------------------------------------------------------------------
# Filters. Each reads ``view.params`` (the parsed query) rather than raw request.GET.
# ---------------------------------------------------------------------------------------

POST_FILTERS = ("tag", "category", "author", "published_after", "published_before")
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


class PostFilter(BaseFilterBackend):
    """Posts by tag, category or author slug and publication date range.

    Example: ``?tag=python&author=ada-lovelace&published_after=2026-01-01``. Dates are
    inclusive; a date without a time covers the whole day (UTC).
    """

    def filter_queryset(self, request, queryset, view):
        params = view.params
        # EXISTS, not joins: no duplicate rows, so no DISTINCT, and the listing can sort
        # and count ids in one pass (``PagesViewSet.paginate_queryset``).
        if "tag" in params:
            queryset = queryset.filter(
                Exists(
                    BlogPostTag.objects.filter(
                        content_object=OuterRef("pk"), tag__slug=params["tag"]
                    )
                )
            )
        if "category" in params:
            queryset = queryset.filter(
                Exists(
                    BlogPostPage.categories.through.objects.filter(
                        blogpostpage=OuterRef("pk"), category__slug=params["category"]
                    )
                )
            )
        if "author" in params:
            queryset = queryset.filter(
                Exists(
                    BlogPostAuthor.objects.filter(
                        post=OuterRef("pk"), author__slug=params["author"]
                    )
                )
            )
        if "published_after" in params:
            queryset = queryset.filter(publication_date__gte=params["published_after"])
        if "published_before" in params:
            queryset = queryset.filter(publication_date__lte=params["published_before"])
        return queryset


# Pages: ``order`` field name → whether it exists only on posts.
PAGE_ORDER_FIELDS = {
    "id": False,
    "title": False,
    "first_published_at": False,
    "last_published_at": False,
    "publication_date": True,
}
MEDIA_ORDER_FIELDS = {"id": False, "title": False, "created_at": False}
SNIPPET_ORDER_FIELDS = {"id": False, "name": False, "post_count": False}


def parse_order(order_fields: dict[str, bool]) -> Callable[..., list[str]]:
    """``order=-publication_date,title``: comma-separated fields, '-' for descending."""

    def parse(value: str, *, name: str) -> list[str]:
        terms = value.split(",")
        for term in terms:
            if term.removeprefix("-") not in order_fields:
                raise BadRequestError(
                    f"{name}: cannot order by '{term}' (choose from {', '.join(order_fields)},"
                    " each optionally prefixed with '-')"
                )
        return terms

    return parse


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
