"""Every query parameter of ``/api/v2/``, declared once.

Each row of ``PARAMETERS`` names a parameter, the JSON Schema of one value (type, bounds,
pattern, choices), whether it takes several values, what it means, and the endpoints
(OpenAPI operation ids) that accept it. The table drives both sides of the contract:

* ``query_parse`` checks a request's query against it before any query runs: an unknown
  or repeated name, a NUL character, a value outside its schema or a missing required
  parameter is a 400 whose message names the parameter (stock Wagtail answers 500 to
  ``offset=99999999999999999999``, ``find/?id=abc``, ``search=%00``...);
* ``openapi_parameters`` writes the ``parameters`` of each operation in ``api.schema``.

A row's ``convert`` turns a checked value into what the filters use (a date, a list of
order terms); it never accepts what the schema refuses. ``tests/api/test_parameters.py``
proves the two sides agree, endpoint by endpoint and value by value.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from django.conf import settings
from django.utils.dateparse import parse_date, parse_datetime
from wagtail.api.v2.utils import BadRequestError

from api.streamfield import BODY_FORMATS

MAX_ID = 2**31 - 1
MAX_OFFSET = 1_000_000
# Every text value, unless its row says less: one cap for ``fields``, paths and the rest.
MAX_VALUE_LENGTH = 2048
MAX_SEARCH_LENGTH = 200
# Values of one multi-value parameter (``tag=a,b`` or ``tag=a&tag=b``).
MAX_VALUES = 20
ROOT = "root"

# Operation ids (``operationId`` in the OpenAPI document): the endpoints rows apply to.
PAGES_LIST, PAGES_DETAIL, PAGES_FIND = "pages_list", "pages_detail", "pages_find"
PATH_LOOKUP, PREVIEW, SITE = "path_lookup", "preview", "site"
MEDIA = ("images", "documents")
TAXONOMIES = ("authors", "categories", "tags")
RESOURCES = (*TAXONOMIES, "redirects")


def _ops(names: Iterable[str], *actions: str) -> tuple[str, ...]:
    return tuple(f"{name}_{action}" for name in names for action in actions)


LISTINGS = (PAGES_LIST, *_ops(MEDIA, "list"), *_ops(RESOURCES, "list"))
PAGE_BODIES = (PAGES_LIST, PAGES_DETAIL, PAGES_FIND, PATH_LOOKUP, PREVIEW)
OPERATIONS = (
    *(PAGES_LIST, PAGES_DETAIL, PAGES_FIND, PATH_LOOKUP, PREVIEW, SITE),
    *_ops(MEDIA, "list", "detail", "find"),
    *_ops(RESOURCES, "list", "detail", "find"),
)

SLUG = {"type": "string", "pattern": "^[-a-zA-Z0-9_]{1,100}$"}
PAGE_TYPES = ("wagtailcore.Page", "blog.HomePage", "blog.BlogIndexPage", "blog.BlogPostPage")
# ``order`` fields per kind of listing → whether the field exists on posts only.
PAGE_ORDER_FIELDS = {
    "id": False,
    "title": False,
    "first_published_at": False,
    "last_published_at": False,
    "publication_date": True,
}
MEDIA_ORDER_FIELDS = {"id": False, "title": False, "created_at": False}
SNIPPET_ORDER_FIELDS = {"id": False, "name": False, "post_count": False}


def _integer(minimum: int, maximum: int) -> dict:
    return {"type": "integer", "minimum": minimum, "maximum": maximum}


def _order_pattern(fields: dict) -> str:
    term = "-?(" + "|".join(fields) + ")"
    return f"^{term}(,{term})*$"


@dataclass(frozen=True)
class Parameter:
    """One query parameter. ``schema`` is one value's JSON Schema, or a function of the
    settings that builds it; ``many``: several values, comma-separated or repeated."""

    name: str
    schema: dict | Callable[[], dict]
    description: str
    endpoints: tuple[str, ...]
    many: bool = False
    required_on: tuple[str, ...] = ()
    # What a value must be, for the 400 message ("must be a slug (...)").
    rule: str = ""
    convert: Callable[[str, str], object] | None = field(default=None, repr=False)

    def value_schema(self) -> dict:
        schema = self.schema() if callable(self.schema) else dict(self.schema)
        if schema.get("type") == "string" and "maxLength" not in schema:
            schema["maxLength"] = MAX_VALUE_LENGTH
        return schema

    def parse(self, values: list[str]) -> object:
        """The parsed value (a list when ``many``) of the raw ``values`` or a 400."""
        if not self.many:
            if len(values) > 1:
                raise BadRequestError(f"{self.name} must be given once")
            return self._one(values[0])
        items = [item for value in values for item in value.split(",")]
        if len(items) > MAX_VALUES:
            raise BadRequestError(f"{self.name} takes at most {MAX_VALUES} values")
        return list(dict.fromkeys(self._one(item) for item in items))

    def _one(self, value: str) -> object:
        if "\x00" in value:
            raise BadRequestError(f"{self.name} must not contain null characters")
        _value_check(name=self.name, schema=self.value_schema(), value=value, rule=self.rule)
        if self.convert is not None:
            return self.convert(value, self.name)
        return _typed(self.value_schema(), value)


_DIGITS = re.compile(r"[0-9]{1,10}")


def _typed(schema: dict, value: str) -> object:
    if schema.get("type") == "integer" or (
        "anyOf" in schema and _DIGITS.fullmatch(value) and value != ROOT
    ):
        return int(value)
    return value


def _pattern_search(pattern: str, value: str) -> bool:
    """JSON Schema (ECMA) semantics: a search; ``$`` ends the text (Python's ``$`` would
    also match before a final newline)."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.search(pattern, value) is not None


def _value_check(*, name: str, schema: dict, value: str, rule: str) -> None:
    """``value`` (one raw value) is valid against ``schema``, or a 400 naming ``name``."""
    if "anyOf" in schema:
        for alternative in schema["anyOf"]:
            try:
                _value_check(name=name, schema=alternative, value=value, rule=rule)
            except BadRequestError:
                continue
            return
        raise BadRequestError(f"{name} must be {rule}")
    if "const" in schema and value != schema["const"]:
        raise BadRequestError(f"{name} must be '{schema['const']}'")
    if "enum" in schema and value not in schema["enum"]:
        raise BadRequestError(f"{name} must be one of: {', '.join(schema['enum'])}")
    if schema.get("type") == "integer":
        minimum, maximum = schema["minimum"], schema["maximum"]
        if not _DIGITS.fullmatch(value) or not minimum <= int(value) <= maximum:
            raise BadRequestError(f"{name} must be an integer from {minimum} to {maximum}")
    if schema.get("type") == "string":
        max_length = schema.get("maxLength", MAX_VALUE_LENGTH)
        if len(value) > max_length:
            raise BadRequestError(f"{name} must be at most {max_length} characters")
        if len(value) < schema.get("minLength", 0):
            raise BadRequestError(f"{name} must not be empty")
        if "pattern" in schema and not _pattern_search(schema["pattern"], value):
            raise BadRequestError(f"{name} must be {rule or 'match ' + schema['pattern']}")


# --- conversions: a checked value → what the filters use ---------------------------------

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def moment_parse(value: str, name: str, *, end_of_day: bool = False) -> datetime:
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


def _order_terms(value: str, name: str) -> list[str]:
    return value.split(",")


def _boolean(value: str, name: str) -> bool:
    return value == "true"


# --- the table ------------------------------------------------------------------------------

_MOMENT = {
    "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]
}
_MOMENT_RULE = "an ISO 8601 date or date-time, e.g. 2026-01-31"
_PAGE_OR_ROOT = {"anyOf": [_integer(1, MAX_ID), {"const": ROOT}]}
_PAGE_OR_ROOT_RULE = f"a page id from 1 to {MAX_ID}, or 'root'"
_FIELDS = {"type": "string", "pattern": r"^[-*_a-z0-9(),]+$"}
_FIELDS_DESCRIPTION = (
    "Fields to include: `title,tags`, `*` for all, `_,title` for only these, `-intro` to "
    "drop one, `authors(name,slug)` for nested selection, `featured_image(srcset(320,640))` "
    "for only these srcset widths."
)
_FIELDS_RULE = "field names, '*', '_', '-' and '(...)'"
_SLUG_RULE = "a slug (letters, digits, '-' and '_')"
_ORDER_RULE = "comma-separated fields from {fields}, each optionally prefixed with '-'"


def _order(fields: dict, endpoints: tuple[str, ...], description: str) -> "Parameter":
    return Parameter(
        "order",
        {"type": "string", "pattern": _order_pattern(fields)},
        description,
        endpoints,
        rule=_ORDER_RULE.format(fields=", ".join(fields)),
        convert=_order_terms,
    )


def _post_filters() -> list["Parameter"]:
    """``tag``, ``category``, ``author``: any of; ``…_all``: every one; ``exclude_…``: none."""
    rows = []
    for name, plural in (("tag", "tags"), ("category", "categories"), ("author", "authors")):
        forms = (
            (name, f"Posts with any of these {plural}: `{name}=a,b` or `{name}=a&{name}=b`."),
            (f"{name}_all", f"Posts with every one of these {plural}."),
            (f"exclude_{name}", f"Posts with none of these {plural}."),
        )
        rows.extend(
            Parameter(
                row_name,
                SLUG,
                f"{description} Slugs; implies `type=blog.BlogPostPage`.",
                (PAGES_LIST,),
                many=True,
                rule=_SLUG_RULE,
            )
            for row_name, description in forms
        )
    return rows


PARAMETERS: tuple[Parameter, ...] = (
    # Every endpoint's.
    Parameter(
        "fields",
        _FIELDS,
        _FIELDS_DESCRIPTION,
        tuple(op for op in OPERATIONS if op not in (SITE, PATH_LOOKUP)),
        rule=_FIELDS_RULE,
    ),
    # ``path/`` answers a page, and for a listing route its ``posts`` too: a frontend sends
    # one selection for whatever the path turns out to be (``api.routes``).
    Parameter(
        "fields",
        _FIELDS,
        _FIELDS_DESCRIPTION
        + " `posts(title,html_path,featured_image(alt,srcset(320,640)))` selects the cards of "
        "a blog index, tag, category or author route as `pages/` takes them (ignored on other "
        "routes); the rest applies to the page.",
        (PATH_LOOKUP,),
        rule=_FIELDS_RULE,
    ),
    Parameter(
        "site",
        {"type": "string", "pattern": r"^[a-zA-Z0-9][-a-zA-Z0-9.]{0,253}(:[0-9]{1,5})?$"},
        "The site's hostname[:port] (default: the site serving this host).",
        tuple(op for op in OPERATIONS if not op.startswith(MEDIA)),
        rule="a hostname, optionally with ':port'",
    ),
    Parameter(
        "body_format",
        {"enum": list(BODY_FORMATS)},
        "Rich text in a post body: `html` (default) or `ast`, a JSON tree "
        "(`RichTextNode`) to render with your own components.",
        PAGE_BODIES,
    ),
    # Listings: the window (``api.pagination``).
    Parameter(
        "limit",
        lambda: _integer(0, settings.WAGTAILAPI_LIMIT_MAX),
        "Items per page (default 20).",
        LISTINGS,
    ),
    Parameter("offset", _integer(0, MAX_OFFSET), "Items to skip.", LISTINGS),
    Parameter(
        "page",
        _integer(1, MAX_OFFSET + 1),
        "Page number, 1-based: `offset=(page - 1) * limit`. Not with `offset`.",
        LISTINGS,
    ),
    _order(
        PAGE_ORDER_FIELDS,
        (PAGES_LIST,),
        "Comma-separated fields, `-` for descending. Posts default to `-publication_date`; "
        "other pages to tree order. `publication_date` needs posts.",
    ),
    _order(MEDIA_ORDER_FIELDS, _ops(MEDIA, "list"), "Comma-separated fields, `-` descending."),
    _order(
        SNIPPET_ORDER_FIELDS, _ops(TAXONOMIES, "list"), "Comma-separated fields, `-` descending."
    ),
    Parameter(
        "search",
        {"type": "string", "minLength": 1, "maxLength": MAX_SEARCH_LENGTH, "pattern": r"\S"},
        "Full-text search, ordered by relevance unless `order` is given.",
        (PAGES_LIST, *_ops(MEDIA, "list")),
        rule="a text with at least one non-space character",
    ),
    Parameter(
        "search_operator",
        {"enum": ["and", "or"]},
        "`and`: every word must match; `or`: any. Needs `search`.",
        (PAGES_LIST, *_ops(MEDIA, "list")),
    ),
    # Pages.
    Parameter(
        "type",
        {"enum": list(PAGE_TYPES)},
        "Page type; a single type unlocks its fields in listings.",
        (PAGES_LIST,),
    ),
    Parameter(
        "child_of",
        _PAGE_OR_ROOT,
        "Children of this page id (`root`: of the site's root page).",
        (PAGES_LIST,),
        rule=_PAGE_OR_ROOT_RULE,
    ),
    Parameter(
        "descendant_of",
        _PAGE_OR_ROOT,
        "Descendants of this page id (`root`: of the site's root page). Not with `child_of`.",
        (PAGES_LIST,),
        rule=_PAGE_OR_ROOT_RULE,
    ),
    Parameter("ancestor_of", _integer(1, MAX_ID), "Ancestors of this page id.", (PAGES_LIST,)),
    Parameter(
        "locale",
        lambda: {"enum": [code for code, _ in settings.WAGTAIL_CONTENT_LANGUAGES]},
        "Pages in this language.",
        (PAGES_LIST,),
    ),
    Parameter("slug", {"type": "string", "maxLength": 255}, "Exact page slug.", (PAGES_LIST,)),
    Parameter(
        "show_in_menus",
        {"enum": ["true", "false"]},
        "Pages shown (or not) in menus.",
        (PAGES_LIST,),
        convert=_boolean,
    ),
    *_post_filters(),
    Parameter(
        "published_after",
        _MOMENT,
        "Posts published at or after this ISO 8601 date or date-time (UTC if naive).",
        (PAGES_LIST,),
        rule=_MOMENT_RULE,
        convert=moment_parse,
    ),
    Parameter(
        "published_before",
        _MOMENT,
        "Posts published at or before this (a date covers the whole day).",
        (PAGES_LIST,),
        rule=_MOMENT_RULE,
        convert=lambda value, name: moment_parse(value, name, end_of_day=True),
    ),
    # Lookups.
    Parameter(
        "id",
        _integer(1, MAX_ID),
        "Object id.",
        (PAGES_FIND, PREVIEW, *_ops(MEDIA, "find"), *_ops(RESOURCES, "find")),
    ),
    Parameter(
        "html_path",
        {"type": "string", "pattern": "^/"},
        "The frontend path, e.g. `/blog/a-post/`; on `path/` also `/blog/?page=2` or "
        "`/tags/python/`.",
        (PAGES_FIND, PATH_LOOKUP),
        required_on=(PATH_LOOKUP,),
        rule="a path starting with '/'",
    ),
    Parameter(
        "slug",
        SLUG,
        "Exact slug.",
        (*_ops(TAXONOMIES, "list"), *_ops(TAXONOMIES, "find")),
        rule=_SLUG_RULE,
    ),
    Parameter(
        "title",
        {"type": "string", "maxLength": 255},
        "Exact title.",
        _ops(MEDIA, "list"),
    ),
    # Preview.
    Parameter(
        "token",
        {"type": "string"},
        "Signed token from the preview URL.",
        (PREVIEW,),
        required_on=(PREVIEW,),
    ),
    Parameter(
        "type",
        {"type": "string"},
        "Page type from the preview URL (informational).",
        (PREVIEW,),
    ),
)


def endpoint_parameters(*, operation: str) -> dict[str, Parameter]:
    """The parameters ``operation`` accepts, by name, in table order."""
    return {row.name: row for row in PARAMETERS if operation in row.endpoints}


def query_parse(*, query, operation: str) -> dict[str, object]:
    """Every parameter of ``query`` (a QueryDict) parsed for ``operation``, or a 400.

    Unknown names first (all of them, sorted), then each parameter in name order, then
    the required ones; the message names the parameter.
    """
    accepted = endpoint_parameters(operation=operation)
    unknown = sorted(set(query.keys()) - set(accepted))
    if unknown:
        raise BadRequestError(
            "query parameter is not an operation or a recognised field: " + ", ".join(unknown)
        )
    parsed = {name: accepted[name].parse(query.getlist(name)) for name in sorted(query.keys())}
    for name, row in accepted.items():
        if operation in row.required_on and name not in parsed:
            raise BadRequestError(f"{name} is required")
    return parsed


def openapi_parameters(*, operation: str) -> list[dict]:
    """The OpenAPI ``parameters`` (query) of ``operation``."""
    declared = []
    for row in endpoint_parameters(operation=operation).values():
        schema = row.value_schema()
        entry = {
            "name": row.name,
            "in": "query",
            "required": operation in row.required_on,
            "description": row.description,
        }
        if row.many:
            # ``tag=a&tag=b`` as OpenAPI spells it; ``tag=a,b`` is accepted too.
            entry |= {
                "style": "form",
                "explode": True,
                "schema": {"type": "array", "items": schema, "maxItems": MAX_VALUES},
            }
        else:
            entry["schema"] = schema
        declared.append(entry)
    return declared
