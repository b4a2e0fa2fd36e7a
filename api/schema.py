"""The OpenAPI 3.1 description of the API, served at ``/api/v2/schema/``.

Hand-built rather than generated: Wagtail's viewsets build their serializers per request
(``fields=``, ``type=``), which schema generators cannot see, so a generated schema would
describe a response nobody receives. This one describes the real JSON, and the tests prove
it: every contract test validates the real responses against it, and a schemathesis run
against a live gunicorn finds no response outside it (``tests/api``).

It is strict so that generated clients get real types (``contract/`` compiles a
``tsc --strict`` consumer against them): every object is closed, every key that is always
there is ``required``, and each page type has its own shape with ``meta.type`` fixed.
Because ``fields=`` may narrow any object, each page type also has a ``...Selection`` shape
with nothing required; a detail is one or the other. Body block shapes come from
``blog.blocks.BODY_BLOCK_TYPES``.
https://spec.openapis.org/oas/v3.1.0
"""

from django.conf import settings

from api.parameters import MAX_ID, openapi_parameters
from api.renditions import CARD_IMAGE_KEYS, RENDITION_SPECS
from api.richtext_ast import MARKS as RICH_TEXT_MARKS
from blog.blocks import (
    BODY_BLOCK_TYPES,
    BodyBlockType,
    ChoiceValue,
    EmbedValue,
    ImageValue,
    PageOrUrlValue,
    RichTextValue,
    TextValue,
)


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


ALL = "all"


def _object(properties: dict, *, required: list[str] | str | None = None) -> dict:
    """A closed object: a field the API adds without documenting it fails the tests.

    ``required=ALL``: every property is always present.
    """
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required == ALL:
        required = list(properties)
    if required:
        schema["required"] = required
    return schema


def _loose(schema: dict) -> dict:
    """The same object with no key required: what ``fields=`` may narrow it to."""
    return {key: value for key, value in schema.items() if key != "required"}


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
URL = {"type": "string", "format": "uri"}
DATETIME = {"type": "string", "format": "date-time"}
ID = {"type": "integer", "minimum": 1}
NULLABLE_STRING = _nullable(STRING)
NULLABLE_URL = _nullable(URL)
# A category or a tag, embedded in a post or on its own endpoint: the same keys.
TAXONOMY_TERM = {
    "id": ID,
    "name": STRING,
    "slug": STRING,
    "url": URL,
    "html_url": URL,
    "html_path": STRING,
}


def _error(description: str, **extra) -> dict:
    """An error response: every 4xx carries ``{"message": ...}``."""
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref("Error")}},
        **extra,
    }


NOT_FOUND = _error("Not found.")
BAD_REQUEST = _error("A parameter is unknown or invalid; the message names it.")
TOO_MANY_REQUESTS = _error(
    "Too many requests; retry after `Retry-After` seconds.",
    headers={"Retry-After": {"schema": {"type": "integer", "minimum": 0}}},
)
# gunicorn refuses a request line over ``limit_request_line`` (4,094 bytes, its default)
# before the app sees it: a value within its declared length may still be too long once
# percent-encoded (a 2,048-character non-ASCII value is 12 KB).
URI_TOO_LONG = {"description": "The request line is longer than 4,094 bytes (percent-encoded)."}
FOUND = {
    "description": "Redirect to the object's detail URL (query parameters kept).",
    "headers": {"Location": {"schema": URL}},
}


def _ok(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


LISTING_META = {
    **_object(
        {
            "total_count": {**INTEGER, "minimum": 0, "description": "Items in the listing."},
            "page": {**INTEGER, "minimum": 1, "description": "This page (`offset // limit + 1`)."},
            "pages": {**INTEGER, "minimum": 1, "description": "Pages of `limit` items."},
            "limit": {**INTEGER, "minimum": 0, "description": "Items per page."},
            "next": {**NULLABLE_URL, "description": "The next page's API URL; null on the last."},
            "previous": {
                **NULLABLE_URL,
                "description": "The previous page's API URL; null on the first.",
            },
        },
        required=ALL,
    ),
    "description": "Where this page sits in the listing. `next` and `previous` keep the "
    "request's other parameters.",
}


def _listing(item: str) -> dict:
    return _object(
        {
            "meta": _ref("ListingMeta"),
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

# schema.org values as this API writes them (``blog.seo``); ``@type`` may be the type
# marketing chose on the Promote tab, so it is a string, not a fixed value.
_SCHEMA_ORG_CONTEXT = {"const": "https://schema.org"}
_ORGANISATION = _object(
    {
        "@type": STRING,
        "name": STRING,
        "url": URL,
        "logo": _object(
            {"@type": {"const": "ImageObject"}, "url": URL, "width": INTEGER, "height": INTEGER},
            required=ALL,
        ),
        "sameAs": {"type": "array", "items": URL},
    },
    required=["@type", "name", "url"],
)
_HEAD_TAG_DESCRIPTION = (
    "One element of `<head>`: render `tag` with the other keys as its attributes, and "
    "`content` as the text of `title` and `script` (already escaped for a script element)."
)
SEO_SCHEMAS = {
    "SeoOpenGraph": {
        **_object(
            {
                # An author's page is a ``profile`` (https://ogp.me/#type_profile).
                "type": {"enum": ["website", "article", "profile"]},
                "title": STRING,
                "description": STRING,
                "url": URL,
                "site_name": STRING,
                "image": NULLABLE_URL,
                "image_width": _nullable(INTEGER),
                "image_height": _nullable(INTEGER),
                "image_alt": NULLABLE_STRING,
                "article_published_time": _nullable(DATETIME),
                "article_modified_time": _nullable(DATETIME),
                "article_tags": {"type": "array", "items": STRING},
            },
            required=[
                "type",
                "title",
                "description",
                "url",
                "site_name",
                "image",
                "image_width",
                "image_height",
                "image_alt",
            ],
        ),
        "description": "Open Graph values (`og:*`); the `article_*` keys on posts only. "
        "`seo.head` has them as ready `<meta property>` elements.",
    },
    "SeoTwitter": {
        **_object(
            {
                "card": {"enum": ["summary", "summary_large_image", "app", "player"]},
                "title": STRING,
                "description": STRING,
                "image": NULLABLE_URL,
                "image_alt": NULLABLE_STRING,
                "site": {**NULLABLE_STRING, "description": "`@handle` of the site."},
            },
            required=ALL,
        ),
        "description": "Twitter (X) card values (`twitter:*`).",
    },
    "JsonLdArticle": _object(
        {
            "@context": _SCHEMA_ORG_CONTEXT,
            "@type": {**STRING, "description": "`BlogPosting` unless marketing chose another."},
            "headline": STRING,
            "description": STRING,
            "url": URL,
            "mainEntityOfPage": _object(
                {"@type": {"const": "WebPage"}, "@id": URL}, required=["@type", "@id"]
            ),
            "datePublished": NULLABLE_STRING,
            "dateModified": NULLABLE_STRING,
            "author": {
                "type": "array",
                "items": _object(
                    {"@type": {"const": "Person"}, "name": STRING, "url": URL}, required=ALL
                ),
            },
            "publisher": _ORGANISATION,
            "keywords": {"type": "array", "items": STRING},
            "articleSection": {"type": "array", "items": STRING},
            "image": {"type": "array", "items": URL},
        },
        required=[
            "@context",
            "@type",
            "headline",
            "description",
            "url",
            "mainEntityOfPage",
            "datePublished",
            "dateModified",
            "author",
            "publisher",
            "keywords",
            "articleSection",
        ],
    ),
    "JsonLdWebPage": _object(
        {
            "@context": _SCHEMA_ORG_CONTEXT,
            "@type": {**STRING, "description": "`WebPage` unless marketing chose another."},
            "name": STRING,
            "description": STRING,
            "url": URL,
            "publisher": _ORGANISATION,
        },
        # A tag, category or author page (CollectionPage, ProfilePage) names no publisher.
        required=["@context", "@type", "name", "description", "url"],
    ),
    "JsonLdBreadcrumbList": _object(
        {
            "@context": _SCHEMA_ORG_CONTEXT,
            "@type": {"const": "BreadcrumbList"},
            "itemListElement": {
                "type": "array",
                "items": _object(
                    {
                        "@type": {"const": "ListItem"},
                        "position": {"type": "integer", "minimum": 1},
                        "name": STRING,
                        "item": URL,
                    },
                    required=ALL,
                ),
            },
        },
        required=ALL,
    ),
    "HeadTag": {
        "description": _HEAD_TAG_DESCRIPTION,
        "oneOf": [
            _object({"tag": {"const": "title"}, "content": STRING}, required=ALL),
            _object({"tag": {"const": "meta"}, "name": STRING, "content": STRING}, required=ALL),
            _object(
                {"tag": {"const": "meta"}, "property": STRING, "content": STRING}, required=ALL
            ),
            _object({"tag": {"const": "link"}, "rel": STRING, "href": URL}, required=ALL),
            _object(
                {
                    "tag": {"const": "script"},
                    "type": {"const": "application/ld+json"},
                    "content": STRING,
                },
                required=ALL,
            ),
        ],
    },
}
SEO = _object(
    {
        "title": STRING,
        "description": STRING,
        "canonical_url": URL,
        "og": _ref("SeoOpenGraph"),
        "twitter": _ref("SeoTwitter"),
        "json_ld": {
            "type": "array",
            "items": {
                "anyOf": [
                    _ref("JsonLdArticle"),
                    _ref("JsonLdWebPage"),
                    _ref("JsonLdBreadcrumbList"),
                ]
            },
            "description": "schema.org objects for `<script type=application/ld+json>`: "
            "the page (`BlogPosting` for posts), then its `BreadcrumbList`.",
        },
        "head": {
            "type": "array",
            "items": _ref("HeadTag"),
            "description": "Everything above as `<head>` elements, in order: title, "
            "description, canonical link, Open Graph, Twitter, JSON-LD scripts.",
        },
    },
    required=ALL,
)
SEO_SCHEMAS["Seo"] = SEO
SEO_SCHEMAS["SeoSelection"] = {
    **_loose(SEO),
    "description": "`seo` narrowed with `fields=seo(title,og)`: only the named keys.",
}

PAGE_TYPES = ("blog.HomePage", "blog.BlogIndexPage", "blog.BlogPostPage")


def _page_meta(page_type: str) -> dict:
    """``meta`` of a page of one type. ``detail_url``, ``parent`` and ``alias_of`` are absent
    in a preview (a draft has none yet); every other key is always there."""
    return _object(
        {
            "type": {"const": page_type, "description": "`app_label.ModelName`"},
            "detail_url": URL,
            "html_url": {**URL, "description": "The page on the frontend."},
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
        },
        required=[
            "type",
            "html_url",
            "html_path",
            "slug",
            "show_in_menus",
            "seo_title",
            "search_description",
            "first_published_at",
            "locale",
            "last_published_at",
        ],
    )


# The body fields of each page type (what ``api.views.pages.PAGE_API_FIELDS`` serves; a test
# proves they agree), strict: in a page's detail every one is present.
PAGE_TYPE_FIELDS = {
    "blog.HomePage": {"intro": STRING, "seo": "Seo"},
    "blog.BlogIndexPage": {"intro": STRING, "posts_per_page": INTEGER, "seo": "Seo"},
    "blog.BlogPostPage": {
        "publication_date": _nullable(DATETIME),
        "intro": STRING,
        "excerpt": STRING,
        "reading_time": {"type": "integer", "minimum": 1, "description": "Minutes."},
        "featured_image": {"anyOf": ["Image", {"type": "null"}]},
        "authors": {"type": "array", "items": "Author"},
        "categories": {"type": "array", "items": "Category"},
        "tags": {"type": "array", "items": "Tag"},
        "body": {"type": "array", "items": _ref("Block")},
        "related_posts": {
            "type": "array",
            "items": _ref("RelatedPost"),
            "maxItems": 4,
            "description": "Editor-picked posts first, then the newest sharing a category; "
            "never the post itself.",
        },
        "seo": "Seo",
    },
}
# Objects whose keys ``fields=name(key,...)`` may narrow: their ``...Selection`` schema.
_SELECTABLE = {"Seo", "Image", "Author", "Category", "Tag"}


def _field_schema(schema, *, selection: bool) -> dict:
    """A field's schema; names (``"Seo"``) refer to components, narrowed in selections."""
    if isinstance(schema, str):
        return _ref(f"{schema}Selection" if selection and schema in _SELECTABLE else schema)
    if schema.get("type") == "array" and isinstance(schema.get("items"), str):
        return {**schema, "items": _field_schema(schema["items"], selection=selection)}
    if "anyOf" in schema:
        return {"anyOf": [_field_schema(item, selection=selection) for item in schema["anyOf"]]}
    return schema


def _page_schema(page_type: str, *, selection: bool) -> dict:
    properties = {
        "id": ID,
        "meta": _loose(_page_meta(page_type)) if selection else _page_meta(page_type),
        "title": STRING,
        **{
            name: _field_schema(schema, selection=selection)
            for name, schema in PAGE_TYPE_FIELDS[page_type].items()
        },
    }
    return _object(properties, required=None if selection else ALL)


def _schema_name(page_type: str) -> str:
    return page_type.split(".")[1]


PAGE_SCHEMAS = {
    **{_schema_name(kind): _page_schema(kind, selection=False) for kind in PAGE_TYPES},
    **{f"{_schema_name(kind)}Selection": _page_schema(kind, selection=True) for kind in PAGE_TYPES},
    "PageDetail": {
        "description": "A page with every field, one shape per `meta.type`: narrow on "
        "`meta.type` to reach a type's fields.",
        "oneOf": [_ref(_schema_name(kind)) for kind in PAGE_TYPES],
    },
    "PageSelection": {
        "description": "A page as `fields=` selected it (listings, or a detail with "
        "`fields=`): only the keys asked for, still one shape per `meta.type`.",
        "anyOf": [_ref(f"{_schema_name(kind)}Selection") for kind in PAGE_TYPES],
    },
    "Page": {
        "description": "A page detail: the full `PageDetail`, or fewer keys when `fields=` "
        "narrowed it.",
        "anyOf": [_ref("PageDetail"), _ref("PageSelection")],
    },
    "PageListing": _listing("PageSelection"),
}


def _rich_text_node(kind: str, properties: dict) -> dict:
    return _object({"type": {"const": kind}, **properties}, required=ALL)


RICH_TEXT_SCHEMAS = {
    "RichTextNode": {
        "description": "A block of rich text (`body_format=ast`).",
        "oneOf": [
            _ref("RichTextParagraph"),
            _ref("RichTextHeading"),
            _ref("RichTextList"),
        ],
    },
    "RichTextParagraph": _rich_text_node(
        "paragraph", {"children": {"type": "array", "items": _ref("RichTextInline")}}
    ),
    "RichTextHeading": _rich_text_node(
        "heading",
        {
            "level": {"type": "integer", "minimum": 1, "maximum": 6},
            "children": {"type": "array", "items": _ref("RichTextInline")},
        },
    ),
    "RichTextList": _rich_text_node(
        "list",
        {
            "ordered": BOOLEAN,
            "children": {"type": "array", "items": _ref("RichTextListItem")},
        },
    ),
    "RichTextListItem": _rich_text_node(
        "list_item",
        {
            "children": {
                "type": "array",
                "items": {"anyOf": [_ref("RichTextInline"), _ref("RichTextList")]},
                "description": "Inline content, and nested lists.",
            }
        },
    ),
    "RichTextInline": {
        "description": "Inline rich text: a run of text with its marks, a link, a line break.",
        "oneOf": [_ref("RichTextText"), _ref("RichTextLink"), _ref("RichTextBreak")],
    },
    "RichTextText": _rich_text_node(
        "text",
        {
            "text": STRING,
            "marks": {
                "type": "array",
                "items": {"enum": list(RICH_TEXT_MARKS)},
                "description": "In this order: " + ", ".join(RICH_TEXT_MARKS) + ".",
            },
        },
    ),
    "RichTextLink": _rich_text_node(
        "link",
        {
            "href": {**URL, "description": "Pages on the frontend, documents absolute."},
            "kind": {"enum": ["page", "document", "external"]},
            "page": _nullable(_object({"id": ID, "title": STRING}, required=ALL)),
            "children": {"type": "array", "items": _ref("RichTextInline")},
        },
    ),
    "RichTextBreak": _rich_text_node("break", {}),
}


SCHEMAS = {
    "Error": _object({"message": STRING}, required=["message"]),
    "ListingMeta": LISTING_META,
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
            },
            required=["id", "title", "alt", "width", "height", "renditions"],
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
        },
        required=ALL,
    ),
    "Category": _object(TAXONOMY_TERM, required=ALL),
    "Tag": _object(TAXONOMY_TERM, required=ALL),
    **SEO_SCHEMAS,
    "PageSummary": _object(
        {
            "id": ID,
            "meta": _object(
                {
                    "type": STRING,
                    "detail_url": URL,
                    "html_url": _nullable(STRING),
                    "html_path": STRING,
                },
                required=["type", "detail_url", "html_url"],
            ),
            "title": STRING,
        },
        required=["id", "meta", "title"],
    ),
    **PAGE_SCHEMAS,
    "RelatedPost": _object(
        {
            "id": ID,
            "title": STRING,
            "html_url": URL,
            "html_path": STRING,
            "publication_date": _nullable(DATETIME),
            "intro": STRING,
            "featured_image": _nullable(_ref("CardImage")),
        }
    ),
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
                "meta": _ref("ListingMeta"),
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


def _block_value_properties(field) -> dict:
    """The JSON a declared block field becomes (``api.streamfield.FIELD_REPRESENTATIONS``)."""
    if isinstance(field, TextValue):
        return {field.name: STRING}
    if isinstance(field, ChoiceValue):
        return {field.name: {"enum": list(field.choices)}}
    if isinstance(field, ImageValue):
        return {field.name: _nullable(_ref("Image"))}
    if isinstance(field, EmbedValue):
        return {
            "url": STRING,
            "html": {
                **NULLABLE_STRING,
                "description": "Stored embed HTML; null when only the URL is known.",
            },
            "title": STRING,
            "provider_name": STRING,
            "width": _nullable(INTEGER),
            "height": _nullable(INTEGER),
        }
    if isinstance(field, PageOrUrlValue):
        return {
            "url": _nullable(STRING),
            "page": _nullable(_object({"id": ID, "title": STRING}, required=ALL)),
        }
    raise TypeError(f"no schema for block field {field!r}")  # a new kind needs one here


def block_schema_name(*, block_type: BodyBlockType) -> str:
    return "".join(part.capitalize() for part in block_type.name.split("_")) + "Block"


def _block_schema(block_type: BodyBlockType) -> dict:
    properties: dict = {}
    rich_text = False
    for field in block_type.fields:
        if isinstance(field, RichTextValue):
            rich_text = True
        else:
            properties.update(_block_value_properties(field))
    if rich_text:  # HTML by default, a tree with ``body_format=ast``
        value = {
            "oneOf": [
                _object(
                    {**properties, "html": {**STRING, "description": "HTML, links resolved."}},
                    required=ALL,
                ),
                _object(
                    {
                        **properties,
                        "ast": {
                            "type": "array",
                            "items": _ref("RichTextNode"),
                            "description": "The rich text as a tree (`body_format=ast`).",
                        },
                    },
                    required=ALL,
                ),
            ]
        }
    else:
        value = _object(properties, required=ALL)
    return _object({"type": {"const": block_type.name}, "id": STRING, "value": value}, required=ALL)


def block_schemas() -> dict:
    """One schema per body block type of ``blog.blocks.BODY_BLOCK_TYPES``, and ``Block``."""
    schemas = {block_schema_name(block_type=kind): _block_schema(kind) for kind in BODY_BLOCK_TYPES}
    schemas["Block"] = {
        "description": "A body block; `type` says which `value` shape follows.",
        "oneOf": [_ref(name) for name in schemas],
    }
    return schemas


SCHEMAS.update(block_schemas())
SCHEMAS.update(RICH_TEXT_SCHEMAS)
SCHEMAS.update(
    {f"{name}Selection": _loose(SCHEMAS[name]) for name in ("Image", "Author", "Category", "Tag")}
)
SCHEMAS["CardImage"] = {
    **_object({key: SCHEMAS["Image"]["properties"][key] for key in CARD_IMAGE_KEYS}, required=ALL),
    "description": "An image as a card shows it (`related_posts`): its srcset, size and "
    "placeholder. The crops and the original are on `/api/v2/images/<id>/`.",
}


def _operation(
    operation_id: str,
    summary: str,
    *,
    tag: str,
    responses: dict,
    description: str = "",
    path_parameters: tuple = (),
) -> dict:
    # Any endpoint may be rate limited (DRF throttling answers 429), and any URL too long.
    responses = {**responses, "414": URI_TOO_LONG, "429": TOO_MANY_REQUESTS}
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "description": description,
            "tags": [tag],
            "parameters": [*path_parameters, *openapi_parameters(operation=operation_id)],
            "responses": responses,
        }
    }


def _detail_paths(base: str, name: str, schema: str, tag: str) -> dict:
    pk = {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    }
    return {
        f"{base}{{id}}/": {
            **_operation(
                f"{name}_detail",
                f"One {name[:-1] if name.endswith('s') else name} by id",
                tag=tag,
                responses={"200": _ok(_ref(schema)), "400": BAD_REQUEST, "404": NOT_FOUND},
                path_parameters=[pk],
            )
        },
        f"{base}find/": _operation(
            f"{name}_find",
            f"Find {name} and redirect to its detail URL",
            tag=tag,
            responses={"302": FOUND, "400": BAD_REQUEST, "404": NOT_FOUND},
        ),
    }


def api_schema() -> dict:
    """The OpenAPI document (built per call: cheap, and settings may differ in tests).

    Query parameters come from ``api.parameters``, the table the views parse with."""
    paths = {
        "/api/v2/pages/": _operation(
            "pages_list",
            "Pages and posts: filter, search, order, paginate",
            tag="pages",
            responses={"200": _ok(_ref("PageListing")), "400": BAD_REQUEST, "404": NOT_FOUND},
            description="Drafts, scheduled, expired and restricted pages never appear.",
        ),
        **_detail_paths("/api/v2/pages/", "pages", "Page", "pages"),
        "/api/v2/path/": _operation(
            "path_lookup",
            "What lives at a frontend path: a page (a blog index with a page of its posts), "
            "a tag, category or author page (with its posts and seo), a redirect, or 404",
            tag="pages",
            responses={"200": _ok(_ref("PathResult")), "400": BAD_REQUEST, "404": NOT_FOUND},
        ),
        "/api/v2/preview/": _operation(
            "preview",
            "The draft a preview token names (from the admin's Preview)",
            tag="pages",
            responses={
                "200": _ok(_ref("Page"), "The draft (`Cache-Control: private, no-store`)."),
                "400": BAD_REQUEST,
                "401": _error("Token expired."),
                "403": _error("Token forged or for another page."),
                "404": NOT_FOUND,
            },
        ),
        "/api/v2/site/": _operation(
            "site",
            "Site name, root page, tagline, navigation menu and social profiles",
            tag="site",
            responses={"200": _ok(_ref("Site")), "400": BAD_REQUEST, "404": NOT_FOUND},
        ),
        "/api/v2/redirects/": _operation(
            "redirects_list",
            "Redirects (wagtail.contrib.redirects) a frontend should honour",
            tag="site",
            responses={
                "200": _ok(_listing("RedirectResource")),
                "400": BAD_REQUEST,
                "404": NOT_FOUND,
            },
        ),
        **_detail_paths("/api/v2/redirects/", "redirects", "RedirectResource", "site"),
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
            responses={"200": _ok(_listing(schema)), "400": BAD_REQUEST, "404": NOT_FOUND},
        )
        paths.update(_detail_paths(f"/api/v2/{name}/", name, schema, tag))
    for name in ("images", "documents"):
        paths[f"/api/v2/{name}/"] = _operation(
            f"{name}_list",
            f"{name.capitalize()} in public collections",
            tag="media",
            responses={"200": _ok(_ref("MediaListing")), "400": BAD_REQUEST},
        )
        paths.update(_detail_paths(f"/api/v2/{name}/", name, "MediaItem", "media"))
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
