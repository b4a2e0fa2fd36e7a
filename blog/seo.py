"""Everything a frontend puts in ``<head>`` for a page, with the fallbacks marketing expects.

When marketing leaves a field empty: the description comes from the search description,
else the intro or first paragraph cut at a word near 155 characters; the social image from
the Promote tab's image, else the featured image, else the site default, at 1200x630; the
canonical URL from ``FRONTEND_BASE_URL`` plus the page path. JSON-LD describes the page
(``BlogPosting`` for posts, with authors as ``Person`` and the organisation as publisher)
and its ``BreadcrumbList``.
"""

from dataclasses import dataclass

from django.conf import settings
from wagtail.models import Site
from wagtailseo.models import SeoSettings

from blog.frontend import frontend_url, page_frontend_path, page_frontend_url
from blog.services import post_excerpt, truncate_at_word

DESCRIPTION_LENGTH = 155
TITLE_LENGTH = 60
SOCIAL_IMAGE_SPEC = "fill-1200x630|format-jpeg"
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
    return page.seo_title or page.title


def page_seo_description(*, page) -> str:
    """Search description, else the intro or first paragraph, cut near 155 characters."""
    if page.search_description:
        return truncate_at_word(text=page.search_description.strip(), length=DESCRIPTION_LENGTH)
    body = getattr(page, "body", None) or []
    return post_excerpt(intro=getattr(page, "intro", ""), body=body, length=DESCRIPTION_LENGTH)


def page_canonical_url(*, page) -> str:
    return page.canonical_url or page_frontend_url(page=page)


def _absolute_media_url(url: str) -> str:
    """Media is served by this service (or S3/CloudFront, already absolute), not the frontend."""
    if url.startswith(("http://", "https://")):
        return url
    return f"{settings.WAGTAILAPI_BASE_URL.rstrip('/')}/{url.lstrip('/')}"


def page_social_image(*, page, seo_settings: SeoSettings | None = None) -> SocialImage | None:
    """The 1200x630 social card: Promote-tab image, else featured image, else site default."""
    image = (
        getattr(page, "og_image", None)
        or getattr(page, "featured_image", None)
        or (seo_settings.og_image_default if seo_settings else None)
    )
    if image is None:
        return None
    rendition = image.get_rendition(SOCIAL_IMAGE_SPEC)
    return SocialImage(
        url=_absolute_media_url(rendition.url),
        width=rendition.width,
        height=rendition.height,
        alt=image.default_alt_text or image.title,
    )


def _organisation(*, seo_settings: SeoSettings | None, site_name: str, same_as: list[str]) -> dict:
    organisation = {
        "@type": (seo_settings.struct_org_type if seo_settings else "") or "Organization",
        "name": (seo_settings.struct_org_name if seo_settings else "") or site_name,
        "url": frontend_url(path="/"),
    }
    logo = seo_settings.struct_org_logo if seo_settings else None
    if logo is not None:
        rendition = logo.get_rendition("max-600x60|format-png")
        organisation["logo"] = {
            "@type": "ImageObject",
            "url": _absolute_media_url(rendition.url),
            "width": rendition.width,
            "height": rendition.height,
        }
    if same_as:
        organisation["sameAs"] = same_as
    return organisation


def page_breadcrumbs(*, page) -> dict:
    """A ``BreadcrumbList`` of the page's live ancestors below the site root, then the page."""
    crumbs = [
        ancestor
        for ancestor in page.get_ancestors(inclusive=True).live().specific(defer=True)
        if ancestor.depth > 1
    ]
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


def post_json_ld(
    *, page, canonical: str, description: str, image: SocialImage | None, publisher: dict
) -> dict:
    """schema.org ``BlogPosting`` (or the type chosen on the Promote tab) for a post."""
    authors = [
        {
            "@type": "Person",
            "name": link.author.name,
            "url": frontend_url(path=f"/authors/{link.author.slug}/"),
        }
        for link in page.post_authors.all()
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
        "keywords": [tag.name for tag in page.tags.all()],
        "articleSection": [category.name for category in page.categories.all()],
    }
    if image is not None:
        data["image"] = [image.url]
    return data


def page_seo(
    *, page, site: Site | None = None, site_name: str = "", same_as: list[str] | None = None
) -> dict:
    """The API's ``seo`` object: title, description, canonical, Open Graph, Twitter, JSON-LD."""
    seo_settings = seo_settings_for(site=site)
    site_name = site_name or (site.site_name if site else "") or ""
    title = page_seo_title(page=page)
    description = page_seo_description(page=page)
    canonical = page_canonical_url(page=page)
    image = page_social_image(page=page, seo_settings=seo_settings)
    is_post = hasattr(page, "post_authors")
    publisher = _organisation(seo_settings=seo_settings, site_name=site_name, same_as=same_as or [])

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
    if is_post:
        published = page.publication_date or page.first_published_at
        open_graph["article_published_time"] = published.isoformat() if published else None
        open_graph["article_modified_time"] = (
            page.last_published_at.isoformat() if page.last_published_at else None
        )
        open_graph["article_tags"] = [tag.name for tag in page.tags.all()]

    twitter_site = (
        seo_settings.at_twitter_site if seo_settings and seo_settings.twitter_site else ""
    )
    twitter = {
        "card": page.seo_twitter_card_content,
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
    return {
        "title": title,
        "description": description,
        "canonical_url": canonical,
        "og": open_graph,
        "twitter": twitter,
        "json_ld": [main_ld, page_breadcrumbs(page=page)],
    }
