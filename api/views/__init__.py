"""The public API's viewsets: Wagtail's v2 endpoints, strict, private-safe and N+1-free.

Each viewset extends Wagtail's own the way Wagtail does (class attributes, small filter and
field classes) and adds three things stock Wagtail lacks:

* **No credentials.** ``authentication_classes = []``: a session cookie or basic-auth
  header changes nothing, so the answer is the same for everyone and a CDN may cache it.
  Drafts are reachable only through preview (``api.preview``).
* **Strict parameters.** Each request's query is parsed against the endpoint's rows of
  ``api.parameters`` before any query runs; anything else is a 400 naming the parameter.
* **Preloading.** Listing and detail views build a ``RenderContext`` (``api.prefetch``)
  for the page of results before serializing, so the query count does not grow with it.

One module per resource: ``public`` (what they all share), ``pages``, ``path`` (route
resolution), ``site``, ``media`` (images, documents) and ``snippets`` (authors,
categories, tags, redirects). ``api.router`` registers them.
"""

from api.views.media import DocumentsViewSet, ImagesViewSet
from api.views.pages import PagesViewSet
from api.views.path import PathViewSet
from api.views.site import SiteViewSet
from api.views.snippets import AuthorsViewSet, CategoriesViewSet, RedirectsViewSet, TagsViewSet

__all__ = [
    "AuthorsViewSet",
    "CategoriesViewSet",
    "DocumentsViewSet",
    "ImagesViewSet",
    "PagesViewSet",
    "PathViewSet",
    "RedirectsViewSet",
    "SiteViewSet",
    "TagsViewSet",
]
