"""URL map: admin, documents, the headless API, SEO surfaces, then Wagtail's catch-all."""

from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from api.router import api_router

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),
    # Where people look for API docs first.
    path("docs/", RedirectView.as_view(url="/api/v2/docs/", permanent=True)),
    # robots.txt, sitemap and feeds (blog/urls.py), before Wagtail's catch-all below.
    path("", include("blog.urls")),
]

if settings.MEDIA_SERVE:
    from django.urls import re_path

    from serving.media_serving import media_file_serve

    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.+)$", media_file_serve),
    ]

urlpatterns += [path("", include(wagtail_urls))]

# JSON {"message"} under /api/, and 503 + Retry-After when the database is down.
handler500 = "serving.server_errors.server_error"
