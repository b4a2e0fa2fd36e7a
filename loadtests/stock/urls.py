"""URLs of the stock baseline: Wagtail's own v2 endpoints and the trivial floor view."""

from django.http import JsonResponse
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

stock_router = WagtailAPIRouter("wagtailapi")
stock_router.register_endpoint("pages", PagesAPIViewSet)
stock_router.register_endpoint("images", ImagesAPIViewSet)


def floor(request):
    """The least a Django view on this stack can do: the benchmark's floor."""
    return JsonResponse({"ok": True})


urlpatterns = [
    path("floor/", floor),
    path("api/v2/", stock_router.urls),
    path("", include(wagtail_urls)),
]
