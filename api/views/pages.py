"""``/api/v2/pages/``: listing, detail and ``find/``, with the fields each page type serves.

Listings page through ``api.pagination.PageListingPagination`` and filter through the
backends of ``api.filters``; listing and detail views build a ``RenderContext``
(``api.prefetch``) for the page of results before serializing, so the query count does
not grow with it.
"""

from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponse
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from wagtail.api import APIField
from wagtail.api.v2.utils import BadRequestError, page_models_from_string, parse_fields_parameter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.models import Page

from api import filters
from api.fields import (
    AuthorsField,
    CategoriesField,
    ContextField,
    ExcerptField,
    FrontendPathField,
    FrontendUrlField,
    ImageField,
    ParentField,
    PostBodyField,
    PostTagsField,
    RelatedPostsField,
    SeoField,
)
from api.fragments import fragment_signature, listing_items, listing_json, stored_with_tokens
from api.kept import images_kept, related_candidates_kept
from api.pagination import PageListingPagination
from api.parameters import MAX_ID
from api.prefetch import SiteSeo, render_context_build, site_seo_load
from api.selectors import pages_hidden_q, pages_hidden_roots, pages_public
from api.views.public import PublicAPIMixin
from blog.models import BlogIndexPage, BlogPostPage, HomePage

POST_API_FIELDS = [
    APIField("publication_date"),
    APIField("intro"),
    APIField("excerpt", serializer=ExcerptField()),
    APIField("reading_time"),
    APIField("featured_image", serializer=ImageField()),
    APIField("authors", serializer=AuthorsField()),
    APIField("categories", serializer=CategoriesField()),
    APIField("tags", serializer=PostTagsField()),
    APIField("body", serializer=PostBodyField()),
    APIField("related_posts", serializer=RelatedPostsField()),
    APIField("seo", serializer=SeoField()),
]
# Declared here rather than as ``api_fields`` on the models: ``blog`` never imports ``api``.
PAGE_API_FIELDS = {
    HomePage: [APIField("intro"), APIField("seo", serializer=SeoField())],
    BlogIndexPage: [
        APIField("intro"),
        APIField("posts_per_page"),
        APIField("seo", serializer=SeoField()),
    ],
    BlogPostPage: POST_API_FIELDS,
}
# Listing cards are lean: a composite field named without a nested selection shows these
# keys only (``fields=authors(*)`` shows them all). Details show everything.
LISTING_CARD_SELECTION = {
    "authors": ["id", "name", "slug", "html_url", "html_path"],
    "featured_image": ["id", "alt", "width", "height", "srcset", "placeholder"],
}
POST_LISTING_DEFAULT_FIELDS = [
    "publication_date",
    "excerpt",
    "reading_time",
    "featured_image",
    "authors",
    "categories",
    "tags",
]


def sub_selection_check(
    *, field: ContextField, name: str, sub_name: str, sub_fields: list
) -> list[str]:
    """The names of a sub-field's own selection (``srcset(320,640)``), or a 400."""
    allowed = field.sub_selections.get(sub_name)
    if allowed is None:
        raise BadRequestError(f"fields: '{name}' takes no nested selection")
    names = []
    for item_name, negated, nested in sub_fields:
        if negated or nested or item_name not in allowed:
            raise BadRequestError(
                f"fields: unknown nested field '{item_name}' of '{name}'"
                f" (choose from {', '.join(allowed)})"
            )
        names.append(item_name)
    return names


def nested_selection_split(
    *, composite: dict[str, ContextField], fields_config: list, cards: bool
) -> tuple[dict[str, list[str]], list]:
    """``fields=`` parsed by Wagtail, split into the nested selections of composite fields
    (``authors(name,slug)`` → ``{"authors": ["name", "slug"]}``) and the configuration
    Wagtail's serializer builder takes. ``cards``: a listing, where composite fields named
    without a selection show ``LISTING_CARD_SELECTION``."""
    selection = {}
    config = []
    for name, negated, sub_fields in fields_config:
        if sub_fields and name in composite:
            allowed = composite[name].sub_fields
            names = []
            for sub_name, sub_negated, sub_sub_fields in sub_fields:
                if sub_name == "*" and not sub_negated:
                    names.extend(allowed)
                    continue
                if sub_sub_fields and not sub_negated:
                    selection[f"{name}.{sub_name}"] = sub_selection_check(
                        field=composite[name],
                        name=f"{name}.{sub_name}",
                        sub_name=sub_name,
                        sub_fields=sub_sub_fields,
                    )
                    sub_sub_fields = None
                if sub_negated or sub_sub_fields or sub_name not in allowed:
                    raise BadRequestError(
                        f"fields: unknown nested field '{sub_name}' of '{name}'"
                        f" (choose from {', '.join(allowed)})"
                    )
                names.append(sub_name)
            selection[name] = names
            sub_fields = None
        config.append((name, negated, sub_fields))
    if cards:
        for name, keys in LISTING_CARD_SELECTION.items():
            selection.setdefault(name, keys)
    return selection, config


class PagesViewSet(PublicAPIMixin, PagesAPIViewSet):
    """``/api/v2/pages/``: listing (filters, search, ordering), detail and ``find/``."""

    resource = "pages"

    pagination_class = PageListingPagination

    filter_backends = [
        filters.PageFieldFilter,
        filters.TreeFilter,
        filters.PostFilter,
        filters.OrderingFilter,
        filters.SearchFilter,  # last: search results cannot be filtered further
    ]
    # Stock ``html_url`` points at this backend; a headless site lives on the frontend.
    meta_fields = [
        "type",
        "detail_url",
        APIField("html_url", serializer=FrontendUrlField()),
        APIField("html_path", serializer=FrontendPathField()),
        *[
            APIField("parent", serializer=ParentField(read_only=True)) if name == "parent" else name
            for name in PagesAPIViewSet.meta_fields
            if name not in ("type", "detail_url", "html_url")
        ],
        "last_published_at",
    ]

    @classmethod
    def get_body_fields(cls, model):
        extra = []
        for page_model, fields in PAGE_API_FIELDS.items():
            if issubclass(model, page_model):
                extra = fields
        return cls._convert_api_fields(cls.body_fields + extra)

    @classmethod
    def get_listing_default_fields(cls, model):
        # ``html_path`` beside ``html_url``: what a frontend links a card with.
        fields = [*super().get_listing_default_fields(model), "html_path"]
        if issubclass(model, BlogPostPage):
            fields += POST_LISTING_DEFAULT_FIELDS
        return fields

    @classmethod
    def composite_fields(cls, model) -> dict[str, ContextField]:
        """The fields of ``model`` that take a nested selection, by name."""
        return {
            field.name: field.serializer
            for field in cls.get_body_fields(model) + cls.get_meta_fields(model)
            if isinstance(field.serializer, ContextField) and field.serializer.sub_fields
        }

    @classmethod
    def _get_serializer_class(cls, router, model, fields_config, show_details=False, nested=False):
        """Wagtail's, with nested selections (``authors(name,slug)``) taken out of the
        field configuration: they travel in the serializer context (``nested_selection``)."""
        _selection, config = nested_selection_split(
            composite=cls.composite_fields(model), fields_config=fields_config, cards=False
        )
        return super()._get_serializer_class(
            router, model, config, show_details=show_details, nested=nested
        )

    def default_ordering(self, queryset):
        """Posts newest first (as a blog reads); other pages in tree order."""
        if queryset.model is BlogPostPage:
            return queryset.order_by("-publication_date", "-id")
        return queryset.order_by("path")

    # Pages come from stored rows; preview serves drafts built in memory instead.
    from_database = True

    def get_root_page(self):
        return self.site.root_page

    @cached_property
    def hidden_branches(self):
        """Hidden sections; on listings, kept until a page changes (``ep:pages``)."""
        roots = stored_with_tokens(
            request=self.request,
            name="hidden",
            parts=[],
            compute=pages_hidden_roots,
            tags=["all", "ep:pages"],
        )
        return pages_hidden_q(roots)

    @cached_property
    def site_seo(self) -> SiteSeo:
        """The site's SEO and social settings, kept until they change (``all``)."""
        return stored_with_tokens(
            request=self.request,
            name="site-seo",
            parts=[str(self.site.pk)],
            compute=lambda: site_seo_load(site=self.site),
            tags=["all"],
        )

    def kept_images(self, ids: set[int]) -> dict[int, object]:
        """Images with their renditions, kept until they change (``api.kept``)."""
        return images_kept(request=self.request, ids=ids)

    def kept_related_candidates(self, category_ids: list[int]) -> dict[int, list]:
        """Each category's newest posts, kept until a page changes (``api.kept``)."""
        return related_candidates_kept(
            request=self.request,
            site=self.site,
            visible_pages=self.public_pages,
            category_ids=category_ids,
        )

    @cached_property
    def public_pages(self):
        return pages_public(site=self.site, hidden=self.hidden_branches)

    def get_base_queryset(self):
        return self.public_pages

    def public_pages_of(self, model):
        """The visible pages of one type, filtered on its own rows (no ``IN`` subquery)."""
        return pages_public(site=self.site, model=model, hidden=self.hidden_branches)

    @cached_property
    def requested_models(self) -> tuple:
        if "type" in self.params:
            try:
                return page_models_from_string(self.params["type"])
            except (LookupError, ValueError) as e:
                raise BadRequestError("type doesn't exist") from e
        if any(name in self.params for name in filters.POST_FILTERS):
            return (BlogPostPage,)
        return ()

    def get_queryset(self):
        models = self.requested_models
        base = self.get_base_queryset()
        if not models:
            queryset = base
        elif len(models) == 1:
            queryset = self.public_pages_of(models[0])
        else:
            queryset = base.type(*models)
        filters.posts_only_check(params=self.params, model=queryset.model)
        if "locale" in self.params:
            queryset = queryset.filter(locale__language_code=self.params["locale"])
        return queryset.select_related("locale")

    def get_object(self):
        """The visible page as its own type, in two queries: its type, then its row.

        (``page.specific`` after a ``Page`` query is also two, plus one for its locale.)
        The type is read by primary key alone; whether the page is visible is decided by
        the second query, on the type's own rows, so the conditions are built once.
        """
        if not hasattr(self, "_cached_object"):
            pk = int(self.kwargs["pk"])
            if pk > MAX_ID:
                raise Http404("not found")
            content_type_id = next(
                iter(Page.objects.filter(pk=pk).values_list("content_type", flat=True)), None
            )
            if content_type_id is None:
                raise Http404("not found")
            model = ContentType.objects.get_for_id(content_type_id).model_class() or Page
            page = next(
                iter(self.public_pages_of(model).select_related("locale").filter(pk=pk)), None
            )
            if page is None:  # not visible, or unpublished between the two queries
                raise Http404("not found")
            self._cached_object = page
        return self._cached_object

    def get_serializer_class(self):
        """Built once per request (Wagtail builds it on every call; a listing made three),
        with this request's nested selection beside it (``nested_selection``)."""
        if not hasattr(self, "_serializer_class"):
            self._serializer_class = super().get_serializer_class()
            fields = self.params.get("fields")
            self.nested_selection, _config = nested_selection_split(
                composite=self.composite_fields(self._serializer_class.Meta.model),
                fields_config=parse_fields_parameter(fields) if fields else [],
                cards=self.action == "listing_view",
            )
        return self._serializer_class

    def page_for_path(self, html_path: str):
        """``html_path`` is matched on stored URL paths: one query, no page ``route()`` code."""
        segments = [part for part in html_path.split("/") if part]
        url_path = self.site.root_page.url_path + "".join(f"{part}/" for part in segments)
        return self.get_base_queryset().filter(url_path=url_path).first()

    def find_object(self, queryset, request):
        if "html_path" in self.params:
            return self.page_for_path(self.params["html_path"])
        if "id" in self.params:
            return self.get_base_queryset().filter(pk=self.params["id"]).first()
        return None

    def _serializer_fields(self) -> set[str]:
        return set(self.get_serializer_class().Meta.fields)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["render"] = getattr(self, "render_context", None)
        context["body_format"] = self.params.get("body_format", "html")
        self.get_serializer_class()  # sets ``nested_selection``
        context["nested_selection"] = self.nested_selection
        return context

    def listing_view(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        pages = list(self.paginate_queryset(queryset))
        fields = self._serializer_fields()

        def render(to_render: list) -> list[dict]:
            self.render_context = render_context_build(
                site=self.site,
                pages=to_render,
                fields=fields,
                visible_pages=self.public_pages,
                site_seo=lambda: self.site_seo,
                images=self.kept_images,
                related_candidates=self.kept_related_candidates,
            )
            return list(self.get_serializer(to_render, many=True).data)

        # Unchanged posts come from their stored items (``api.fragments``).
        items = listing_items(
            pages=pages,
            signature=fragment_signature(
                request=request,
                site_id=self.site.pk,
                model=queryset.model,
                # The body format changes an item as a field selection does.
                fields=[*fields, f"body_format={self.params.get('body_format', 'html')}"],
                nested=self.nested_selection,
            ),
            render=render,
        )
        body = listing_json(meta=self.paginator.meta(), items=items)
        return HttpResponse(body, content_type=JSONRenderer.media_type)

    def detail_view(self, request, pk):
        return Response(self.page_detail(self.get_object()))

    def page_detail(self, page) -> dict:
        self._cached_object = page
        self.render_context = render_context_build(
            site=self.site,
            pages=[page],
            fields=self._serializer_fields(),
            visible_pages=self.public_pages,
            from_database=self.from_database,
            site_seo=lambda: self.site_seo,
            images=self.kept_images,
            related_candidates=self.kept_related_candidates,
        )
        return self.get_serializer(page).data
