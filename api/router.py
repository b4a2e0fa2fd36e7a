"""The headless API router, mounted at /api/v2/ before Wagtail's catch-all URL.

Wagtail's ``WagtailAPIRouter`` with this project's viewsets (``api.views``).
"""

from wagtail.api.v2.router import WagtailAPIRouter

from api.views import DocumentsViewSet, ImagesViewSet, PagesViewSet

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesViewSet)
api_router.register_endpoint("images", ImagesViewSet)
api_router.register_endpoint("documents", DocumentsViewSet)
