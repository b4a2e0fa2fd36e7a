"""The OpenAPI 3.1 description of the API, served at ``/api/v2/schema/``.

Hand-built rather than generated: Wagtail's viewsets build their serializers per request
(``fields=``, ``type=``), which schema generators cannot see, so a generated schema would
describe a response nobody receives. This one describes the real JSON, and the tests prove
it: every contract test validates the real responses against it, and a schemathesis run
against a live gunicorn finds no response outside it (``tests/api``).
https://spec.openapis.org/oas/v3.1.0
"""

from django.conf import settings

from api.filters import (
    MAX_ID,
    MAX_OFFSET,
    MAX_SEARCH_LENGTH,
    MEDIA_ORDER_FIELDS,
    PAGE_ORDER_FIELDS,
    SNIPPET_ORDER_FIELDS,
)
from api.renditions import RENDITION_SPECS


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def _object(properties: dict, *, required: list[str] | None = None) -> dict:
    """A closed object: a field the API adds without documenting it fails the tests."""
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required is not None:
        schema["required"] = required
    return schema


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
URL = {"type": "string", "format": "uri"}
DATETIME = {"type": "string", "format": "date-time"}
ID = {"type": "integer", "minimum": 1}


def _order_pattern(fields: dict) -> str:
    term = "-?(" + "|".join(fields) + ")"
    return f"^{term}(,{term})*$"


def _param(name: str, schema: dict, description: str, *, required: bool = False) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    }


SLUG = {"type": "string", "pattern": "^[-a-zA-Z0-9_]{1,100}$"}
PARAMS = {
    "limit": _param(
        "limit",
        {"type": "integer", "minimum": 0, "maximum": settings.WAGTAILAPI_LIMIT_MAX},
        "Items per page (default 20).",
    ),
    "offset": _param(
        "offset", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}, "Items to skip."
    ),
    "fields": _param(
        "fields",
        {"type": "string", "pattern": r"^[-*_a-z0-9(),]+$", "maxLength": 500},
        "Fields to include: `title,tags`, `*` for all, `_,title` for only these, `-intro` to "
        "drop one, `authors(name,slug)` for nested selection.",
    ),
    "site": _param(
        "site",
        {"type": "string", "pattern": r"^[a-zA-Z0-9][-a-zA-Z0-9.]{0,253}(:[0-9]{1,5})?$"},
        "The site's hostname[:port] (default: the site serving this host).",
    ),
    "search": _param(
        "search",
        {"type": "string", "minLength": 1, "maxLength": MAX_SEARCH_LENGTH, "pattern": r"\S"},
        "Full-text search, ordered by relevance unless `order` is given.",
    ),
    "search_operator": _param(
        "search_operator", {"enum": ["and", "or"]}, "`and`: every word must match."
    ),
    "id": _param("id", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, "Object id."),
    "slug": _param("slug", SLUG, "Exact slug."),
}
NOT_FOUND = {"description": "Not found", "content": {"application/json": {"schema": _ref("Error")}}}
BAD_REQUEST = {
    "description": "A parameter is unknown or invalid; the message names it.",
    "content": {"application/json": {"schema": _ref("Error")}},
}
FOUND = {
    "description": "Redirect to the object's detail URL (query parameters kept).",
    "headers": {"Location": {"schema": URL}},
}


def _ok(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _listing(item: str) -> dict:
    return _object(
        {
            "meta": _object({"total_count": INTEGER}, required=["total_count"]),
            "items": {"type": "array", "items": _ref(item)},
        },
        required=["meta", "items"],
    )


IMAGE_RENDITIONS = _object(
    {name: _ref("Rendition") for name in RENDITION_SPECS}, required=list(RENDITION_SPECS)
)
LINK = _object(
    {
        "label": STRING,
        "url": URL,
        "page": _nullable(_object({"id": ID, "title": STRING}, required=["id", "title"])),
    },
    required=["label", "url", "page"],
)

SCHEMAS = {
    "Error": _object({"message": STRING}, required=["message"]),
    "Rendition": _object(
        {"url": URL, "width": INTEGER, "height": INTEGER}, required=["url", "width", "height"]
    ),
    "Renditions": IMAGE_RENDITIONS,
    "SrcsetEntry": _object(
        {
            "url": URL,
            "width": INTEGER,
            "height": INTEGER,
            "format": {"type": "string", "examples": ["avif", "webp", "jpeg"]},
        },
        required=["url", "width", "height", "format"],
    ),
    "FocalPoint": {
        **_object(
            {"x": INTEGER, "y": INTEGER, "width": INTEGER, "height": INTEGER},
            required=["x", "y", "width", "height"],
        ),
        "description": "The editor's focal point in original pixels (centre and size).",
    },
    "Placeholder": {
        **_object(
            {
                "blurhash": {"type": "string", "description": "https://blurha.sh (4x3)."},
                "color": {"type": "string", "pattern": "^#[0-9a-f]{6}$"},
            },
            required=["blurhash", "color"],
        ),
        "description": "Painted while the image loads: a blurhash and the dominant colour.",
    },
    "Image": {
        **_object(
            {
                "id": ID,
                "title": STRING,
                "alt": STRING,
                "width": INTEGER,
                "height": INTEGER,
                "download_url": {**URL, "description": "The original file (absolute)."},
                "focal_point": _nullable(_ref("FocalPoint")),
                "srcset": {
                    "type": "array",
                    "items": _ref("SrcsetEntry"),
                    "minItems": 1,
                    "description": "Widths 320/640/960/1280/1920 up to the original's, each "
                    "in AVIF (where the server's Pillow encodes it), WebP and JPEG; until "
                    "they are made, one entry: the original.",
                },
                "placeholder": _nullable(_ref("Placeholder")),
                "renditions": _ref("Renditions"),
            }
        ),
        "description": "An image with a srcset, a placeholder and named renditions: thumbnail "
        "(fill 400x300), square (fill 400x400, close to the focal point: avatars), medium "
        "(max 800x800), large (max 1600x1600), social (fill 1200x630). Crops keep the "
        "focal point in frame. A rendition not made yet points at the original.",
    },
    "Link": LINK,
    "Author": _object(
        {
            "id": ID,
            "name": STRING,
            "slug": STRING,
            "job_title": STRING,
            "bio": {"type": "string", "description": "HTML; links point at the frontend."},
            "avatar": _nullable(_ref("Image")),
            "links": {"type": "array", "items": _ref("Link")},
            "url": URL,
            "html_url": URL,
            "html_path": STRING,
        }
    ),
    "Category": _object(
        {"id": ID, "name": STRING, "slug": STRING, "url": URL, "html_url": URL, "html_path": STRING}
    ),
    "Tag": _object(
        {"id": ID, "name": STRING, "slug": STRING, "url": URL, "html_url": URL, "html_path": STRING}
    ),
    "Block": {
        "description": "A body block; `type` says which `value` shape follows.",
        "oneOf": [
            _ref("HeadingBlock"),
            _ref("ParagraphBlock"),
            _ref("ImageBlock"),
            _ref("QuoteBlock"),
            _ref("CodeBlock"),
            _ref("EmbedBlock"),
            _ref("CallToActionBlock"),
        ],
    },
    "Seo": _object(
        {
            "title": STRING,
            "description": STRING,
            "canonical_url": URL,
            "og": {"type": "object", "description": "Open Graph values (`og:*`)."},
            "twitter": {"type": "object", "description": "Twitter card values."},
            "json_ld": {
                "type": "array",
                "items": {"type": "object"},
                "description": "schema.org objects for `<script type=application/ld+json>`.",
            },
        }
    ),
    "PageMeta": _object(
        {
            "type": {"type": "string", "description": "`app_label.ModelName`"},
            "detail_url": URL,
            "html_url": {"type": "string", "description": "The page on the frontend."},
            "html_path": {"type": "string", "description": "The frontend path, e.g. `/blog/x/`."},
            "slug": STRING,
            "show_in_menus": BOOLEAN,
            "seo_title": STRING,
            "search_description": STRING,
            "first_published_at": _nullable(DATETIME),
            "alias_of": _nullable(_ref("PageSummary")),
            "parent": _nullable(_ref("PageSummary")),
            "locale": STRING,
            "last_published_at": _nullable(DATETIME),
        }
    ),
    "PageSummary": _object(
        {
            "id": ID,
            "meta": _object(
                {
                    "type": STRING,
                    "detail_url": URL,
                    "html_url": {**URL, "description": "The page on the frontend."},
                    "html_path": STRING,
                }
            ),
            "title": STRING,
        }
    ),
    "Page": {
        **_object(
            {
                "id": ID,
                "meta": _ref("PageMeta"),
                "title": STRING,
                "intro": STRING,
                "posts_per_page": INTEGER,
                "publication_date": _nullable(DATETIME),
                "excerpt": STRING,
                "reading_time": {"type": "integer", "description": "Minutes."},
                "featured_image": _nullable(_ref("Image")),
                "authors": {"type": "array", "items": _ref("Author")},
                "categories": {"type": "array", "items": _ref("Category")},
                "tags": {"type": "array", "items": _ref("Tag")},
                "body": {"type": "array", "items": _ref("Block")},
                "related_posts": {
                    "type": "array",
                    "items": _ref("RelatedPost"),
                    "maxItems": 4,
                    "description": "Editor-picked posts first, then the newest sharing a "
                    "category; never the post itself.",
                },
                "seo": _ref("Seo"),
            }
        ),
        "description": "A page; which fields appear depends on its type and `fields=`. Posts "
        "(`blog.BlogPostPage`) have every field; nested objects may be narrowed with "
        "`fields=authors(name)`, so their keys are optional.",
    },
    "RelatedPost": _object(
        {
            "id": ID,
            "title": STRING,
            "html_url": URL,
            "html_path": STRING,
            "publication_date": _nullable(DATETIME),
            "intro": STRING,
            "featured_image": _nullable(_ref("Image")),
        }
    ),
    "PageListing": _listing("Page"),
    "MediaMeta": _object(
        {
            "type": STRING,
            "detail_url": URL,
            "tags": {"type": "array", "items": STRING},
            "download_url": {**URL, "description": "The original file (absolute)."},
        }
    ),
    "MediaItem": _object(
        {
            "id": ID,
            "meta": _ref("MediaMeta"),
            "title": STRING,
            "width": INTEGER,
            "height": INTEGER,
            "alt": STRING,
            "focal_point": _nullable(_ref("FocalPoint")),
            "srcset": {"type": "array", "items": _ref("SrcsetEntry"), "minItems": 1},
            "placeholder": _nullable(_ref("Placeholder")),
            "renditions": _ref("Renditions"),
        }
    ),
    "MediaListing": _listing("MediaItem"),
    "SnippetMeta": _object({"type": STRING, "detail_url": URL}),
    "AuthorResource": _object(
        {
            "id": ID,
            "meta": _ref("SnippetMeta"),
            "name": STRING,
            "slug": STRING,
            "job_title": STRING,
            "bio": STRING,
            "avatar": _nullable(_ref("Image")),
            "links": {"type": "array", "items": _ref("Link")},
            "post_count": {"type": "integer", "description": "Published, public posts."},
            "url": URL,
            "html_url": URL,
            "html_path": STRING,
        }
    ),
    "CategoryResource": _object(
        {
            "id": ID,
            "meta": _ref("SnippetMeta"),
            "name": STRING,
            "slug": STRING,
            "description": STRING,
            "post_count": INTEGER,
            "url": URL,
            "html_url": URL,
            "html_path": STRING,
        }
    ),
    "TagResource": _object(
        {
            "id": ID,
            "meta": _ref("SnippetMeta"),
            "name": STRING,
            "slug": STRING,
            "post_count": INTEGER,
            "url": URL,
            "html_url": URL,
            "html_path": STRING,
        }
    ),
    "RedirectResource": _object(
        {
            "id": ID,
            "meta": _ref("SnippetMeta"),
            "old_path": STRING,
            "location": STRING,
            "is_permanent": BOOLEAN,
        }
    ),
    "Site": _object(
        {
            "site_name": STRING,
            "frontend_base_url": URL,
            "tagline": STRING,
            "root_page": _nullable(
                _object(
                    {"id": ID, "title": STRING, "html_url": URL, "html_path": STRING},
                    required=["id", "title", "html_url", "html_path"],
                )
            ),
            "menu": {"type": "array", "items": _ref("Link")},
            "social_profiles": {"type": "array", "items": _ref("Link")},
        },
        required=["site_name", "frontend_base_url", "tagline", "root_page", "menu"],
    ),
    "PostsPage": {
        **_object(
            {
                "meta": _object(
                    {"total_count": INTEGER, "page": INTEGER, "pages": INTEGER},
                    required=["total_count", "page", "pages"],
                ),
                "items": {"type": "array", "items": _ref("Page")},
            },
            required=["meta", "items"],
        ),
        "description": "One page of a post listing (`?page=N` in `html_path`), as cards.",
    },
    "PathResult": {
        "oneOf": [
            _object(
                {"type": {"const": "page"}, "page": _ref("Page"), "posts": _ref("PostsPage")},
                required=["type", "page"],
            ),
            *(
                _object(
                    {
                        "type": {"const": kind},
                        kind: _ref(resource),
                        "posts": _ref("PostsPage"),
                        "seo": _ref("Seo"),
                    },
                    required=["type", kind, "posts", "seo"],
                )
                for kind, resource in (
                    ("tag", "TagResource"),
                    ("category", "CategoryResource"),
                    ("author", "AuthorResource"),
                )
            ),
            _object(
                {
                    "type": {"const": "redirect"},
                    "redirect": _object(
                        {"location": STRING, "is_permanent": BOOLEAN},
                        required=["location", "is_permanent"],
                    ),
                },
                required=["type", "redirect"],
            ),
        ]
    },
}


def _block(kind: str, value: dict) -> dict:
    return _object(
        {"type": {"const": kind}, "id": STRING, "value": value}, required=["type", "id", "value"]
    )


SCHEMAS.update(
    {
        "HeadingBlock": _block(
            "heading",
            _object(
                {"text": STRING, "level": {"enum": ["h2", "h3", "h4"]}}, required=["text", "level"]
            ),
        ),
        "ParagraphBlock": _block(
            "paragraph",
            _object(
                {"html": {"type": "string", "description": "HTML, links resolved."}},
                required=["html"],
            ),
        ),
        "ImageBlock": _block(
            "image",
            _object(
                {"image": _nullable(_ref("Image")), "alt": STRING, "caption": STRING},
                required=["image", "alt", "caption"],
            ),
        ),
        "QuoteBlock": _block(
            "quote", _object({"text": STRING, "attribution": STRING}, required=["text"])
        ),
        "CodeBlock": _block(
            "code", _object({"language": STRING, "code": STRING}, required=["language", "code"])
        ),
        "EmbedBlock": _block(
            "embed",
            _object(
                {
                    "url": STRING,
                    "html": {
                        **_nullable(STRING),
                        "description": "Stored embed HTML; null when only the URL is known.",
                    },
                    "title": STRING,
                    "provider_name": STRING,
                    "width": _nullable(INTEGER),
                    "height": _nullable(INTEGER),
                },
                required=["url", "html"],
            ),
        ),
        "CallToActionBlock": _block(
            "call_to_action",
            _object(
                {
                    "text": STRING,
                    "url": _nullable(STRING),
                    "page": _nullable(_object({"id": ID, "title": STRING})),
                },
                required=["text", "url", "page"],
            ),
        ),
    }
)


def _operation(
    operation_id: str,
    summary: str,
    *,
    tag: str,
    parameters: list,
    responses: dict,
    description: str = "",
) -> dict:
    # Any endpoint may be rate limited (DRF throttling answers 429).
    responses = {**responses, "429": {"description": "Too many requests; retry later."}}
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "description": description,
            "tags": [tag],
            "parameters": parameters,
            "responses": responses,
        }
    }


def _detail_paths(
    base: str, name: str, schema: str, tag: str, find_params: list, params: list
) -> dict:
    pk = {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    }
    return {
        f"{base}{{id}}/": {
            **_operation(
                f"{name}_detail",
                f"One {name[:-1] if name.endswith('s') else name} by id",
                tag=tag,
                parameters=[pk, *params],
                responses={"200": _ok(_ref(schema)), "400": BAD_REQUEST, "404": NOT_FOUND},
            )
        },
        f"{base}find/": _operation(
            f"{name}_find",
            f"Find {name} and redirect to its detail URL",
            tag=tag,
            parameters=find_params,
            responses={"302": FOUND, "400": BAD_REQUEST, "404": NOT_FOUND},
        ),
    }


def api_schema() -> dict:
    """The OpenAPI document (built per call: cheap, and settings may differ in tests)."""
    p = PARAMS
    page_list_params = [
        p["limit"],
        p["offset"],
        p["fields"],
        p["site"],
        _param(
            "type",
            {
                "enum": [
                    "wagtailcore.Page",
                    "blog.HomePage",
                    "blog.BlogIndexPage",
                    "blog.BlogPostPage",
                ]
            },
            "Page type; a single type unlocks its fields in listings.",
        ),
        _param(
            "order",
            {"type": "string", "pattern": _order_pattern(PAGE_ORDER_FIELDS)},
            "Comma-separated fields, `-` for descending. Posts default to "
            "`-publication_date`; other pages to tree order. `publication_date` needs posts.",
        ),
        p["search"],
        p["search_operator"],
        _param("tag", SLUG, "Posts with this tag slug (implies `type=blog.BlogPostPage`)."),
        _param("category", SLUG, "Posts in this category slug."),
        _param("author", SLUG, "Posts by this author slug."),
        _param(
            "published_after",
            {"type": "string", "format": "date-time"},
            "Posts published at or after this ISO 8601 date or date-time (UTC if naive).",
        ),
        _param(
            "published_before",
            {"type": "string", "format": "date-time"},
            "Posts published at or before this (a date covers the whole day).",
        ),
        _param("child_of", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, "Parent page id."),
        _param(
            "ancestor_of", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, "Descendant id."
        ),
        _param(
            "descendant_of", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, "Ancestor id."
        ),
        _param("locale", {"enum": [code for code, _ in settings.WAGTAIL_CONTENT_LANGUAGES]}, ""),
        _param("slug", {"type": "string", "maxLength": 255}, "Exact page slug."),
        _param("show_in_menus", {"enum": ["true", "false"]}, ""),
    ]
    media_list_params = [
        p["limit"],
        p["offset"],
        p["fields"],
        _param("order", {"type": "string", "pattern": _order_pattern(MEDIA_ORDER_FIELDS)}, ""),
        p["search"],
        p["search_operator"],
        _param("title", {"type": "string", "maxLength": 255}, "Exact title."),
    ]
    snippet_list_params = [
        p["limit"],
        p["offset"],
        p["fields"],
        p["site"],
        _param("order", {"type": "string", "pattern": _order_pattern(SNIPPET_ORDER_FIELDS)}, ""),
        p["slug"],
    ]
    paths = {
        "/api/v2/pages/": _operation(
            "pages_list",
            "Pages and posts: filter, search, order, paginate",
            tag="pages",
            parameters=page_list_params,
            responses={"200": _ok(_ref("PageListing")), "400": BAD_REQUEST, "404": NOT_FOUND},
            description="Drafts, scheduled, expired and restricted pages never appear.",
        ),
        **_detail_paths(
            "/api/v2/pages/",
            "pages",
            "Page",
            "pages",
            [
                p["id"],
                _param("html_path", {"type": "string", "pattern": "^/"}, "e.g. `/blog/x/`"),
                p["fields"],
                p["site"],
            ],
            [p["fields"], p["site"]],
        ),
        "/api/v2/path/": _operation(
            "path_lookup",
            "What lives at a frontend path: a page (a blog index with a page of its posts), "
            "a tag, category or author page (with its posts and seo), a redirect, or 404",
            tag="pages",
            parameters=[
                _param(
                    "html_path",
                    {"type": "string", "pattern": "^/", "maxLength": 2048},
                    "The frontend path, e.g. `/blog/a-post/`, `/blog/?page=2`, `/tags/python/`.",
                    required=True,
                ),
                p["fields"],
                p["site"],
            ],
            responses={"200": _ok(_ref("PathResult")), "400": BAD_REQUEST, "404": NOT_FOUND},
        ),
        "/api/v2/preview/": _operation(
            "preview",
            "The draft a preview token names (from the admin's Preview)",
            tag="pages",
            parameters=[
                _param("token", STRING, "Signed token from the preview URL.", required=True),
                _param("id", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, "Page id."),
                _param("type", STRING, "Page type from the preview URL (informational)."),
                p["fields"],
                p["site"],
            ],
            responses={
                "200": _ok(_ref("Page"), "The draft (`Cache-Control: private, no-store`)."),
                "400": BAD_REQUEST,
                "401": {
                    "description": "Token expired.",
                    "content": {"application/json": {"schema": _ref("Error")}},
                },
                "403": {
                    "description": "Token forged or for another page.",
                    "content": {"application/json": {"schema": _ref("Error")}},
                },
                "404": NOT_FOUND,
            },
        ),
        "/api/v2/site/": _operation(
            "site",
            "Site name, root page, tagline, navigation menu and social profiles",
            tag="site",
            parameters=[p["site"]],
            responses={"200": _ok(_ref("Site")), "400": BAD_REQUEST, "404": NOT_FOUND},
        ),
        "/api/v2/redirects/": _operation(
            "redirects_list",
            "Redirects (wagtail.contrib.redirects) a frontend should honour",
            tag="site",
            parameters=[p["limit"], p["offset"], p["fields"], p["site"]],
            responses={
                "200": _ok(_listing("RedirectResource")),
                "400": BAD_REQUEST,
                "404": NOT_FOUND,
            },
        ),
        **_detail_paths(
            "/api/v2/redirects/",
            "redirects",
            "RedirectResource",
            "site",
            [p["id"], p["fields"], p["site"]],
            [p["fields"], p["site"]],
        ),
    }
    for name, schema, tag in (
        ("authors", "AuthorResource", "taxonomy"),
        ("categories", "CategoryResource", "taxonomy"),
        ("tags", "TagResource", "taxonomy"),
    ):
        paths[f"/api/v2/{name}/"] = _operation(
            f"{name}_list",
            f"{name.capitalize()} with counts of published, public posts",
            tag=tag,
            parameters=snippet_list_params,
            responses={"200": _ok(_listing(schema)), "400": BAD_REQUEST, "404": NOT_FOUND},
        )
        paths.update(
            _detail_paths(
                f"/api/v2/{name}/",
                name,
                schema,
                tag,
                [p["id"], p["slug"], p["fields"], p["site"]],
                [p["fields"], p["site"]],
            )
        )
    for name in ("images", "documents"):
        paths[f"/api/v2/{name}/"] = _operation(
            f"{name}_list",
            f"{name.capitalize()} in public collections",
            tag="media",
            parameters=media_list_params,
            responses={"200": _ok(_ref("MediaListing")), "400": BAD_REQUEST},
        )
        paths.update(
            _detail_paths(
                f"/api/v2/{name}/",
                name,
                "MediaItem",
                "media",
                [p["id"], p["fields"]],
                [p["fields"]],
            )
        )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Blog headless API",
            "version": "2",
            "description": "Everything a frontend needs to render the blog. Public and "
            'credential-free: the same answer for everyone. Errors are `{"message": ...}`.',
        },
        "servers": [{"url": settings.WAGTAILAPI_BASE_URL.rstrip("/")}],
        "paths": paths,
        "components": {"schemas": SCHEMAS},
    }
