"""``/api/v2/path/``: what a frontend router needs for one path, in one request
(``api.routes`` resolves tag, category and author routes and the listings)."""

from django.conf import settings
from django.http import Http404
from django.urls import path
from rest_framework.response import Response

from api.parameters import PATH_LOOKUP
from api.prefetch import redirects_context
from api.routes import (
    card_selection_split,
    html_path_split,
    posts_page,
    taxonomy_route,
    taxonomy_route_match,
)
from api.selectors import redirect_for_path
from api.views.pages import PagesViewSet
from api.views.snippets import TAXONOMY_VIEWSETS
from blog.frontend import page_frontend_url
from blog.models import BlogIndexPage


class PathViewSet(PagesViewSet):
    """``/api/v2/path/?html_path=/blog/a-post/``: what a frontend router needs in one request.

    Answers ``{"type": "page", "page": {...}}`` with the page's full detail (``fields``
    works as on ``pages/<id>/``), ``{"type": "redirect", "redirect": {...}}`` when a
    redirect matches the path, or 404.
    """

    name = "path"
    operation_ids = {"path": PATH_LOOKUP}

    @classmethod
    def get_urlpatterns(cls):
        return [path("", cls.as_view({"get": "path_view"}), name="lookup")]

    def initial(self, request, *args, **kwargs):
        """``fields`` without its ``posts(...)`` item is the page's: Wagtail's serializer
        builder reads it from the query, so the query is rewritten to hold only that."""
        super().initial(request, *args, **kwargs)
        page_fields, self.card_fields = card_selection_split(fields=self.params.get("fields"))
        if "fields" in self.params:
            query = request._request.GET.copy()
            del query["fields"]
            self.params.pop("fields")
            if page_fields:
                query["fields"] = self.params["fields"] = page_fields
            request._request.GET = query

    def path_view(self, request):
        html_path, page_number = html_path_split(html_path=self.params["html_path"])
        taxonomy = taxonomy_route_match(path=html_path)
        if taxonomy is not None:
            prefix, slug = taxonomy
            return Response(
                taxonomy_route(
                    request=request,
                    pages_view=PagesViewSet,
                    resource_view=TAXONOMY_VIEWSETS[prefix],
                    prefix=prefix,
                    slug=slug,
                    page=page_number,
                    site_name=self.site.site_name or settings.WAGTAIL_SITE_NAME,
                    card_fields=self.card_fields,
                )
            )
        page = self.page_for_path(html_path)
        if page is not None:
            page = page.specific
            data = {"type": "page", "page": self.page_detail(page)}
            if isinstance(page, BlogIndexPage):
                data["posts"] = posts_page(
                    request=request,
                    view_class=PagesViewSet,
                    filters={"child_of": page.pk},
                    page=page_number,
                    per_page=page.posts_per_page,
                    card_fields=self.card_fields,
                )
            elif page_number > 1:
                raise Http404("only a blog index has more than one page")
            return Response(data)
        redirect = redirect_for_path(
            site=self.site, html_path=html_path, visible_pages=self.public_pages
        )
        if redirect is None:
            raise Http404("not found")
        context = redirects_context(
            site=self.site, redirects=[redirect], visible_pages=self.public_pages
        )
        location = context.resolved.pages.get(redirect.redirect_page_id)
        return Response(
            {
                "type": "redirect",
                "redirect": {
                    "location": page_frontend_url(page=location)
                    if location is not None
                    else redirect.redirect_link,
                    "is_permanent": redirect.is_permanent,
                },
            }
        )
