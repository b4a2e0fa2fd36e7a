"""The reference theme's context: what the CMS's own rendering of a page needs.

Without a frontend the CMS is the public site, and with one the theme is still a preview
mode, so the admin's content checks (words, reading time, readability, accessibility)
always have a rendering to read. It renders the same data the API serves: the ``seo``
object goes into ``<head>`` tag for tag, and the page body, images, authors and tags come
from the same model helpers the serializers use.
"""

from wagtail.models import Site

from blog.frontend import frontend_url
from blog.models import SiteSettings
from blog.seo import page_seo, post_authors

# ``seo`` object key → Open Graph property, and → Twitter card name, in <head> order.
OPEN_GRAPH_PROPERTIES = {
    "type": "og:type",
    "title": "og:title",
    "description": "og:description",
    "url": "og:url",
    "site_name": "og:site_name",
    "image": "og:image",
    "image_width": "og:image:width",
    "image_height": "og:image:height",
    "image_alt": "og:image:alt",
    "article_published_time": "article:published_time",
    "article_modified_time": "article:modified_time",
}
TWITTER_NAMES = {
    "card": "twitter:card",
    "title": "twitter:title",
    "description": "twitter:description",
    "image": "twitter:image",
    "image_alt": "twitter:image:alt",
    "site": "twitter:site",
}


def seo_meta_tags(*, seo: dict) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(``property`` tags, ``name`` tags) for the non-empty values of an ``seo`` object."""
    properties = [
        (name, str(seo["og"][key]))
        for key, name in OPEN_GRAPH_PROPERTIES.items()
        if seo["og"].get(key) not in (None, "")
    ]
    properties += [("article:tag", tag) for tag in seo["og"].get("article_tags", [])]
    names = [
        (name, str(seo["twitter"][key]))
        for key, name in TWITTER_NAMES.items()
        if seo["twitter"].get(key) not in (None, "")
    ]
    return properties, names


def page_theme_context(*, page, request) -> dict:
    """Site chrome and ``<head>`` values for rendering ``page`` with the reference theme."""
    site = page.get_site() or Site.find_for_request(request)
    seo = page_seo(page=page, site=site)
    properties, names = seo_meta_tags(seo=seo)
    tagline = ""
    if site is not None:
        tagline = SiteSettings.for_site(site).tagline
    context = {
        "seo": seo,
        "seo_meta_properties": properties,
        "seo_meta_names": names,
        "site_name": seo["og"]["site_name"] or "Blog",
        "site_tagline": tagline,
        "site_home_url": frontend_url(path="/"),
    }
    if hasattr(page, "post_authors"):
        context["authors"] = post_authors(page=page)
        image = page.featured_image
        # The featured image illustrates the headline right above it: its own description
        # when the image has one, else decorative (never the file's title).
        context["featured_image_alt"] = (getattr(image, "description", "") or "") if image else ""
    return context
