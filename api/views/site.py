"""``/api/v2/site/``: what every page of a frontend shows around its content."""

from django.conf import settings
from django.urls import path
from rest_framework.response import Response
from wagtail.api.v2.views import BaseAPIViewSet
from wagtail.models import Site

from api.parameters import SITE
from api.prefetch import link_blocks_context
from api.selectors import pages_public
from api.streamfield import link_blocks_representation
from api.views.public import PublicAPIMixin
from blog.frontend import page_frontend_path, page_frontend_url, public_base_url
from blog.models import SiteSettings


class SiteViewSet(PublicAPIMixin, BaseAPIViewSet):
    """``/api/v2/site/``: site name, root page, tagline, navigation menu, social profiles.

    Menu items pointing at pages that are not visible are left out.
    """

    name = "site"
    model = Site
    operation_ids = {"site": SITE}

    @classmethod
    def get_urlpatterns(cls):
        return [path("", cls.as_view({"get": "site_view"}), name="detail")]

    def site_view(self, request):
        site = self.site
        visible_pages = pages_public(site=site)
        site_settings = SiteSettings.objects.filter(site=site).order_by("pk").first()
        streams = [site_settings.menu, site_settings.social_profiles] if site_settings else []
        context = link_blocks_context(
            site=site, streams=streams, visible_pages=visible_pages, page_ids={site.root_page_id}
        )
        root = context.resolved.pages.get(site.root_page_id)
        return Response(
            {
                "site_name": site.site_name or settings.WAGTAIL_SITE_NAME,
                "frontend_base_url": public_base_url(),
                "tagline": site_settings.tagline if site_settings else "",
                "root_page": {
                    "id": root.pk,
                    "title": root.title,
                    "html_url": page_frontend_url(page=root),
                    "html_path": page_frontend_path(page=root),
                }
                if root is not None
                else None,
                "menu": link_blocks_representation(
                    stream=site_settings.menu if site_settings else [],
                    resolved=context.resolved,
                ),
                "social_profiles": link_blocks_representation(
                    stream=site_settings.social_profiles if site_settings else [],
                    resolved=context.resolved,
                ),
            }
        )
