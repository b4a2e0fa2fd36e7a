"""Everything a frontend puts in ``<head>`` for a page, with the fallbacks marketing expects.

When marketing leaves a field empty: the title is the page title; the description is the
intro or first paragraph cut at a word near 155 characters (a description marketing wrote is
kept as written: the SEO report flags one over 160); the social image is the Promote tab's
image, else the featured image, else the site default, cropped to 1200x630; the canonical
URL is ``FRONTEND_BASE_URL`` plus the page path. JSON-LD describes the page (``BlogPosting``
for posts, with Google's required and recommended properties: headline, dates, authors as
``Person``, image, publisher with logo) and its ``BreadcrumbList``.

Google's article structured data: https://developers.google.com/search/docs/appearance/structured-data/article
Breadcrumbs: https://developers.google.com/search/docs/appearance/structured-data/breadcrumb
"""

import json
from dataclasses import dataclass

from wagtail.models import Site
from wagtailseo.models import SeoSettings, TwitterCard

from blog.frontend import (
    absolute_media_url,
    author_frontend_url,
    frontend_url,
    page_frontend_path,
    page_frontend_url,
)
from blog.images import LOGO_SPEC, SOCIAL_IMAGE_SPEC, ImageFile, image_file_for
from blog.models import SiteSettings
from blog.services import post_excerpt, truncate_at_word

DESCRIPTION_LENGTH = 155
# A meta description marketing writes is kept as written; over this, search results cut it.
DESCRIPTION_MAX_LENGTH = 160
TITLE_LENGTH = 60
SCHEMA_CONTEXT = "https://schema.org"


@dataclass(frozen=True)
class SocialImage:
    url: str
    width: int
    height: int
    alt: str


def seo_settings_for(*, site: Site | None) -> SeoSettings | None:
    return SeoSettings.for_site(site) if site is not None else None


def page_seo_title(*, page) -> str:
    """The SEO title from the Promote tab, else the page title."""
    return (page.seo_title or "").strip() or page.title


def page_seo_description(*, page) -> str:
    """The search description as written, else the intro or first paragraph cut near 155."""
    written = (page.search_description or "").strip()
    if written:
        return written
    intro = getattr(page, "intro", "") or ""
    # Only read the body (a deferred StreamField in listings) when there is no intro.
    body = (getattr(page, "body", None) or []) if not intro.strip() else []
    return post_excerpt(intro=intro, body=body, length=DESCRIPTION_LENGTH)


def page_canonical_url(*, page) -> str:
    """The canonical URL from the Promote tab, else the page's URL on the frontend."""
    return (getattr(page, "canonical_url", "") or "").strip() or page_frontend_url(page=page)


def _rendition(*, image, spec: str) -> ImageFile | None:
    """The image's rendition (its original until the rendition is made), or None when its
    file is missing: metadata never breaks a page."""
    return image_file_for(image=image, spec=spec)


def page_social_image(*, page, seo_settings: SeoSettings | None = None) -> SocialImage | None:
    """The 1200x630 social card: Promote-tab image, else featured image, else site default."""
    image = (
        getattr(page, "og_image", None)
        or getattr(page, "featured_image", None)
        or (seo_settings.og_image_default if seo_settings else None)
    )
    if image is None:
        return None
    rendition = _rendition(image=image, spec=SOCIAL_IMAGE_SPEC)
    if rendition is None:
        return None
    return SocialImage(
        url=absolute_media_url(url=rendition.url),
        width=rendition.width,
        height=rendition.height,
        alt=image.default_alt_text or image.title,
    )


def site_social_profiles(*, site: Site | None) -> list[str]:
    """The organisation's social profile URLs (Settings → Site settings), for ``sameAs``."""
    if site is None:
        return []
    profiles = SiteSettings.for_site(site).social_profiles
    return [block.value["url"] for block in profiles if block.value.get("url")]


def _organisation(*, seo_settings: SeoSettings | None, site_name: str, same_as: list[str]) -> dict:
    organisation = {
        "@type": (seo_settings.struct_org_type if seo_settings else "") or "Organization",
        "name": (seo_settings.struct_org_name if seo_settings else "") or site_name,
        "url": frontend_url(path="/"),
    }
    logo = seo_settings.struct_org_logo if seo_settings else None
    rendition = _rendition(image=logo, spec=LOGO_SPEC) if logo is not None else None
    if rendition is not None:
        organisation["logo"] = {
            "@type": "ImageObject",
            "url": absolute_media_url(url=rendition.url),
            "width": rendition.width,
            "height": rendition.height,
        }
    if same_as:
        organisation["sameAs"] = same_as
    return organisation


def page_breadcrumbs(*, page, ancestors: list | None = None) -> dict:
    """A ``BreadcrumbList`` of the page's live ancestors below the site root, then the page.

    ``ancestors`` (live, root first) lets a listing load the ancestors of all its pages in
    one query instead of one query per page; the page itself may be among them.
    """
    if ancestors is None:
        ancestors = list(page.get_ancestors().live().filter(depth__gt=1))
    crumbs = [a for a in ancestors if a is not page and a.depth and a.depth > 1]
    crumbs.append(page)
    return {
        "@context": SCHEMA_CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": crumb.title,
                "item": frontend_url(path=page_frontend_path(page=crumb)),
            }
            for position, crumb in enumerate(crumbs, start=1)
        ],
    }


def post_authors(*, page) -> list:
    """A post's authors in byline order: from a prefetch when there is one, else one query."""
    links = page.post_authors.all()
    prefetched = "post_authors" in getattr(page, "_prefetched_objects_cache", {})
    if page.pk and not prefetched and hasattr(links, "select_related"):
        links = links.select_related("author")
    return [link.author for link in links]


def post_json_ld(
    *,
    page,
    canonical: str,
    description: str,
    image: SocialImage | None,
    publisher: dict,
    tags: list[str] | None = None,
) -> dict:
    """schema.org ``BlogPosting`` (or the type chosen on the Promote tab) for a post."""
    authors = [
        {
            "@type": "Person",
            "name": author.name,
            "url": author_frontend_url(slug=author.slug),
        }
        for author in post_authors(page=page)
    ]
    published = page.publication_date or page.first_published_at
    modified = page.last_published_at or published
    data = {
        "@context": SCHEMA_CONTEXT,
        "@type": page.structured_data_type or "BlogPosting",
        "headline": truncate_at_word(text=page_seo_title(page=page), length=110),
        "description": description,
        "url": canonical,
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "datePublished": published.isoformat() if published else None,
        "dateModified": modified.isoformat() if modified else None,
        "author": authors,
        "publisher": publisher,
        "keywords": tags if tags is not None else [tag.name for tag in page.tags.all()],
        "articleSection": [category.name for category in page.categories.all()],
    }
    if image is not None:
        data["image"] = [image.url]
    return data


_LOOK_UP = object()


def page_seo(
    *,
    page,
    site: Site | None = None,
    site_name: str = "",
    same_as: list[str] | None = None,
    seo_settings=_LOOK_UP,
    ancestors: list | None = None,
) -> dict:
    """The API's ``seo`` object: title, description, canonical, Open Graph, Twitter, JSON-LD.

    ``site`` defaults to the page's own site and ``same_as`` to its social profiles; a
    listing that serialises many pages passes both once to save the queries, along with
    the site's ``seo_settings`` (or ``None``) and each page's live ``ancestors``.
    """
    if site is None:
        site = page.get_site()
    if seo_settings is _LOOK_UP:
        seo_settings = seo_settings_for(site=site)
    if same_as is None:
        same_as = site_social_profiles(site=site)
    site_name = site_name or (site.site_name if site else "") or ""
    title = page_seo_title(page=page)
    description = page_seo_description(page=page)
    canonical = page_canonical_url(page=page)
    image = page_social_image(page=page, seo_settings=seo_settings)
    is_post = hasattr(page, "post_authors")
    publisher = _organisation(seo_settings=seo_settings, site_name=site_name, same_as=same_as)

    open_graph = {
        "type": "article" if is_post else "website",
        "title": title,
        "description": description,
        "url": canonical,
        "site_name": site_name,
        "image": image.url if image else None,
        "image_width": image.width if image else None,
        "image_height": image.height if image else None,
        "image_alt": image.alt if image else None,
    }
    tags = [tag.name for tag in page.tags.all()] if is_post else []
    if is_post:
        published = page.publication_date or page.first_published_at
        open_graph["article_published_time"] = published.isoformat() if published else None
        open_graph["article_modified_time"] = (
            page.last_published_at.isoformat() if page.last_published_at else None
        )
        open_graph["article_tags"] = tags

    twitter_site = (
        seo_settings.at_twitter_site if seo_settings and seo_settings.twitter_site else ""
    )
    # A large-image card without an image renders as a blank box: fall back to the summary.
    card = page.seo_twitter_card_content if image else TwitterCard.SUMMARY.value
    twitter = {
        "card": card,
        "title": title,
        "description": description,
        "image": image.url if image else None,
        "image_alt": image.alt if image else None,
        "site": twitter_site or None,
    }

    if is_post:
        main_ld = post_json_ld(
            page=page,
            canonical=canonical,
            description=description,
            image=image,
            publisher=publisher,
            tags=tags,
        )
    else:
        main_ld = {
            "@context": SCHEMA_CONTEXT,
            "@type": page.structured_data_type or "WebPage",
            "name": title,
            "description": description,
            "url": canonical,
            "publisher": publisher,
        }
    seo = {
        "title": title,
        "description": description,
        "canonical_url": canonical,
        "og": open_graph,
        "twitter": twitter,
        "json_ld": [main_ld, page_breadcrumbs(page=page, ancestors=ancestors)],
    }
    seo["head"] = seo_head(seo=seo)
    return seo


# ``og`` keys that are not ``og:<key>``: structured properties and the article namespace.
# https://ogp.me/#structured and https://ogp.me/#type_article
_OG_PROPERTIES = {
    "image_width": "og:image:width",
    "image_height": "og:image:height",
    "image_alt": "og:image:alt",
    "article_published_time": "article:published_time",
    "article_modified_time": "article:modified_time",
    "article_tags": "article:tag",
}
_TWITTER_NAMES = {"image_alt": "twitter:image:alt"}
# A JSON string in <script> ends at "</script>"; escaping <, > and & keeps it inside
# (as Django's ``json_script`` does).
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def seo_head(*, seo: dict) -> list[dict]:
    """The ``seo`` object as ``<head>`` elements a frontend renders one for one.

    ``[{"tag": "title", "content": ...}, {"tag": "meta", "name": "description", ...},
    {"tag": "link", "rel": "canonical", "href": ...}, {"tag": "meta", "property":
    "og:image:width", "content": "1200"}, ..., {"tag": "script", "type":
    "application/ld+json", "content": ...}]``. Empty values are left out; a list (article
    tags) becomes one element per item; numbers become strings, as HTML attributes are.
    """
    head: list[dict] = [
        {"tag": "title", "content": seo["title"]},
        {"tag": "meta", "name": "description", "content": seo["description"]},
        {"tag": "link", "rel": "canonical", "href": seo["canonical_url"]},
    ]
    for key, value in seo["og"].items():
        prop = _OG_PROPERTIES.get(key, f"og:{key}")
        for item in value if isinstance(value, list) else [value]:
            if item not in (None, ""):
                head.append({"tag": "meta", "property": prop, "content": str(item)})
    for key, value in seo["twitter"].items():
        if value not in (None, ""):
            name = _TWITTER_NAMES.get(key, f"twitter:{key}")
            head.append({"tag": "meta", "name": name, "content": str(value)})
    for data in seo["json_ld"]:
        content = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        head.append(
            {
                "tag": "script",
                "type": "application/ld+json",
                "content": content.translate(_SCRIPT_ESCAPES),
            }
        )
    return head


def listing_seo(
    *,
    title: str,
    description: str,
    html_path: str,
    site_name: str,
    schema_type: str = "CollectionPage",
) -> dict:
    """The ``seo`` object of a page the frontend builds from a listing (a tag, category or
    author page): the same keys as ``page_seo``, on the frontend's URL."""
    canonical = frontend_url(path=html_path)
    description = truncate_at_word(text=description, length=DESCRIPTION_LENGTH)
    seo = {
        "title": title,
        "description": description,
        "canonical_url": canonical,
        "og": {
            "type": "profile" if schema_type == "ProfilePage" else "website",
            "title": title,
            "description": description,
            "url": canonical,
            "site_name": site_name,
            "image": None,
            "image_width": None,
            "image_height": None,
            "image_alt": None,
        },
        "twitter": {
            "card": TwitterCard.SUMMARY.value,
            "title": title,
            "description": description,
            "image": None,
            "image_alt": None,
            "site": None,
        },
        "json_ld": [
            {
                "@context": SCHEMA_CONTEXT,
                "@type": schema_type,
                "name": title,
                "description": description,
                "url": canonical,
            }
        ],
    }
    seo["head"] = seo_head(seo=seo)
    return seo
