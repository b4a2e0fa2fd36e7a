"""URLs of the stock baseline: Wagtail's own v2 endpoints and the trivial floor view.

The project declares its API fields on its viewsets, so the models' own ``api_fields``
are empty; the stock baseline gets the same content the way a stock Wagtail site
declares it (``api_fields`` on the models, Wagtail's own field serializers), in this
process only.
"""

from django.http import JsonResponse
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.api import APIField
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.images.api.fields import ImageRenditionField
from wagtail.images.api.v2.views import ImagesAPIViewSet

from blog.models import Author, BlogPostAuthor, BlogPostPage

BlogPostPage.api_fields = [
    APIField("publication_date"),
    APIField("intro"),
    APIField("reading_time"),
    APIField("featured_image"),
    APIField(
        "featured_image_card",
        serializer=ImageRenditionField("fill-800x450", source="featured_image"),
    ),
    APIField("body"),
    APIField("post_authors"),
    APIField("categories"),
    APIField("tags"),
    APIField("seo_title"),
    APIField("search_description"),
]
BlogPostAuthor.api_fields = [APIField("author")]
Author.api_fields = [APIField("name"), APIField("slug"), APIField("job_title")]

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
