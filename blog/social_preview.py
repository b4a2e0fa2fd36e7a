"""The Promote tab's live search and social previews, built from the API's own ``seo`` values.

Marketing sees, while typing, what Google, X and Facebook/LinkedIn will show: the values
come from ``blog.seo`` (the functions behind the API's ``seo`` object, fallbacks
included), and the page's script recomputes the same fallbacks in the browser as fields
change (``blog/static/blog/social-preview.js``: the title tag, else the page title; the
meta description, else the intro cut at a word near 155 characters). Character counters
use the limits the SEO report checks, and the labels are the fields' own.
"""

from urllib.parse import urlsplit

from django import forms
from wagtail.admin.panels import Panel
from wagtail.models import Site

from blog.frontend import page_frontend_path, public_base_url


def social_preview_values(*, page, request) -> dict:
    """The resolved title, description, URL, image and site for ``page`` (saved or not)."""
    # blog.seo reads blog.models, which declares the panel: imported when a form renders.
    from blog.seo import (
        DESCRIPTION_LENGTH,
        DESCRIPTION_MAX_LENGTH,
        TITLE_LENGTH,
        page_canonical_url,
        page_seo_description,
        page_seo_title,
        page_social_image,
        seo_settings_for,
    )

    site = page.get_site() if page.pk else None
    site = site or Site.find_for_request(request)
    seo_settings = seo_settings_for(site=site)
    image = page_social_image(page=page, seo_settings=seo_settings)
    canonical = page_canonical_url(page=page) if page.pk else ""
    if not canonical:
        canonical = public_base_url() + (page_frontend_path(page=page) if page.pk else "/")
    return {
        "title": page_seo_title(page=page) if page.title else "",
        "description": page_seo_description(page=page),
        "url": canonical,
        "domain": urlsplit(canonical).hostname or "",
        "site_name": (site.site_name if site else "") or "",
        "image": image.url if image else "",
        "image_alt": image.alt if image else "",
        "title_limit": TITLE_LENGTH,
        "description_limit": DESCRIPTION_MAX_LENGTH,
        "excerpt_length": DESCRIPTION_LENGTH,
    }


class SocialPreviewPanel(Panel):
    """Google result, X card and Facebook/LinkedIn card, updated as marketing types."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "blog/admin/social_preview_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["preview"] = social_preview_values(page=self.instance, request=self.request)
            return context

        @property
        def media(self):
            return forms.Media(
                js=["blog/social-preview.js"], css={"all": ["blog/social-preview.css"]}
            )
