"""``/api/v2/authors/``, ``categories/``, ``tags/`` (with post counts) and ``redirects/``."""

from functools import cached_property

from django.http import Http404
from rest_framework.fields import IntegerField
from rest_framework.response import Response
from taggit.models import Tag
from wagtail.api import APIField
from wagtail.api.v2.views import BaseAPIViewSet
from wagtail.contrib.redirects.models import Redirect

from api import filters
from api.fields import (
    ImageField,
    LinkListField,
    RedirectLocationField,
    RichTextHtmlField,
    SnippetUrlField,
)
from api.parameters import MAX_ID
from api.prefetch import RenderContext, authors_context, redirects_context
from api.selectors import (
    authors_with_post_counts,
    categories_with_post_counts,
    pages_public,
    redirects_public,
    tags_with_post_counts,
)
from api.views.public import PublicAPIMixin
from blog.models import Author, Category

# A taxonomy item's page on the frontend, in every form a frontend links it by.
PUBLIC_ADDRESS_NAMES = ("url", "html_url", "html_path")


def public_address_fields(*, prefix: str) -> list[APIField]:
    """The ``PUBLIC_ADDRESS_NAMES`` fields of a taxonomy item (``prefix``: its endpoint)."""
    return [
        APIField(name, serializer=SnippetUrlField(prefix=prefix)) for name in PUBLIC_ADDRESS_NAMES
    ]


class SnippetViewSetMixin(PublicAPIMixin):
    """Authors, categories and tags: by name, with counts of visible posts only."""

    filter_backends = [filters.SlugFilter, filters.OrderingFilter]
    find_query_parameters = frozenset(["id", "slug"])
    meta_fields = ["type", "detail_url"]

    def default_ordering(self, queryset):
        return queryset.order_by("name", "id")

    def get_object(self):
        if int(self.kwargs["pk"]) > MAX_ID:
            raise Http404("not found")
        return super().get_object()

    def find_object(self, queryset, request):
        if "slug" in self.params:
            return queryset.filter(slug=self.params["slug"]).first()
        if "id" in self.params:
            return queryset.filter(pk=self.params["id"]).first()
        return None

    @cached_property
    def public_pages(self):
        return pages_public(site=self.site)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["render"] = getattr(self, "render_context", None)
        return context

    def render_context_for(self, objects: list) -> RenderContext:
        return RenderContext(site=self.site)

    def listing_view(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        objects = list(self.paginate_queryset(queryset))
        self.render_context = self.render_context_for(objects)
        serializer = self.get_serializer(objects, many=True)
        return self.get_paginated_response(serializer.data)

    def detail_view(self, request, pk):
        instance = self.get_object()
        self.render_context = self.render_context_for([instance])
        return Response(self.get_serializer(instance).data)


POST_COUNT = APIField("post_count", serializer=IntegerField(read_only=True))


class AuthorsViewSet(SnippetViewSetMixin, BaseAPIViewSet):
    """``/api/v2/authors/``: authors with bio HTML, avatar, links and ``post_count``."""

    resource = "authors"

    name = "authors"
    model = Author
    body_fields = [
        "id",
        "name",
        "slug",
        "job_title",
        APIField("bio", serializer=RichTextHtmlField()),
        APIField("avatar", serializer=ImageField()),
        APIField("links", serializer=LinkListField()),
        POST_COUNT,
        *public_address_fields(prefix="authors"),
    ]
    listing_default_fields = [
        "id",
        "type",
        "detail_url",
        "name",
        "slug",
        "job_title",
        "avatar",
        "post_count",
        *PUBLIC_ADDRESS_NAMES,
    ]

    def get_queryset(self):
        return authors_with_post_counts(visible_pages=self.public_pages)

    def render_context_for(self, objects):
        return authors_context(site=self.site, authors=objects, visible_pages=self.public_pages)


class CategoriesViewSet(SnippetViewSetMixin, BaseAPIViewSet):
    """``/api/v2/categories/``: categories with ``post_count`` (visible posts only)."""

    resource = "categories"

    name = "categories"
    model = Category
    body_fields = [
        "id",
        "name",
        "slug",
        "description",
        POST_COUNT,
        *public_address_fields(prefix="categories"),
    ]
    listing_default_fields = [
        "id",
        "type",
        "detail_url",
        "name",
        "slug",
        "description",
        "post_count",
        *PUBLIC_ADDRESS_NAMES,
    ]

    def get_queryset(self):
        return categories_with_post_counts(visible_pages=self.public_pages)


class TagsViewSet(SnippetViewSetMixin, BaseAPIViewSet):
    """``/api/v2/tags/``: tags of at least one visible post, with that ``post_count``."""

    resource = "tags"

    name = "tags"
    model = Tag
    body_fields = [
        "id",
        "name",
        "slug",
        POST_COUNT,
        *public_address_fields(prefix="tags"),
    ]
    listing_default_fields = [
        *("id", "type", "detail_url", "name", "slug", "post_count"),
        *PUBLIC_ADDRESS_NAMES,
    ]

    def get_queryset(self):
        return tags_with_post_counts(visible_pages=self.public_pages)


class RedirectsViewSet(SnippetViewSetMixin, BaseAPIViewSet):
    """``/api/v2/redirects/``: the site's redirects, so a frontend can honour them.

    Redirects to pages resolve to the page's frontend URL; a redirect to a page that is
    not visible is left out.
    """

    resource = "redirects"

    name = "redirects"
    model = Redirect
    filter_backends = [filters.OrderingFilter]
    find_query_parameters = frozenset(["id"])
    body_fields = [
        "id",
        "old_path",
        APIField("location", serializer=RedirectLocationField()),
        "is_permanent",
    ]
    listing_default_fields = ["id", "type", "detail_url", "old_path", "location", "is_permanent"]

    def default_ordering(self, queryset):
        return queryset.order_by("old_path", "id")

    def get_queryset(self):
        return redirects_public(site=self.site, visible_pages=self.public_pages)

    def render_context_for(self, objects):
        return redirects_context(site=self.site, redirects=objects, visible_pages=self.public_pages)


# Frontend URL prefix → the endpoint that serves that taxonomy (``api.routes``).
TAXONOMY_VIEWSETS = {
    "tags": TagsViewSet,
    "categories": CategoriesViewSet,
    "authors": AuthorsViewSet,
}
