"""The headless API router, mounted at /api/v2/ before Wagtail's catch-all URL.

Wagtail's ``WagtailAPIRouter`` with this project's viewsets (``api.views``, one module per
resource), plus the OpenAPI schema and its Swagger UI (``api.docs``).
"""

from django.urls import path, re_path
from wagtail.api.v2.router import WagtailAPIRouter

from api.docs import docs_view, not_found_view, schema_view
from api.preview import PreviewViewSet
from api.views.media import DocumentsViewSet, ImagesViewSet
from api.views.pages import PagesViewSet
from api.views.path import PathViewSet
from api.views.site import SiteViewSet
from api.views.snippets import AuthorsViewSet, CategoriesViewSet, RedirectsViewSet, TagsViewSet


class BlogAPIRouter(WagtailAPIRouter):
    """Wagtail's router, with the schema and docs beside the endpoints."""

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("schema/", schema_view, name="schema"),
            path("docs/", docs_view, name="docs"),
            re_path(r"", not_found_view),
        ]


api_router = BlogAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesViewSet)
api_router.register_endpoint("images", ImagesViewSet)
api_router.register_endpoint("documents", DocumentsViewSet)
api_router.register_endpoint("authors", AuthorsViewSet)
api_router.register_endpoint("categories", CategoriesViewSet)
api_router.register_endpoint("tags", TagsViewSet)
api_router.register_endpoint("redirects", RedirectsViewSet)
api_router.register_endpoint("site", SiteViewSet)
api_router.register_endpoint("path", PathViewSet)
api_router.register_endpoint("preview", PreviewViewSet)
