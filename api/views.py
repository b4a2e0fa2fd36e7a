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
"""

from functools import cached_property

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponse
from django.urls import path
from rest_framework.fields import IntegerField
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from taggit.models import Tag
from wagtail.api import APIField
from wagtail.api.v2.utils import (
    BadRequestError,
    page_models_from_string,
    parse_fields_parameter,
)
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Page, Site

from api import filters
from api.fields import (
    AuthorsField,
    CategoriesField,
    ContextField,
    ExcerptField,
    FrontendPathField,
    FrontendUrlField,
    ImageAltField,
    ImageField,
    ImagePartField,
    LinkListField,
    ParentField,
    PostBodyField,
    PostTagsField,
    RedirectLocationField,
    RelatedPostsField,
    RichTextHtmlField,
    SeoField,
    SnippetUrlField,
)
from api.fragments import (
    fragment_signature,
    listing_items,
    listing_json,
    stored_with_tokens,
)
from api.pagination import ListingPagination, PageListingPagination
from api.parameters import MAX_ID, PATH_LOOKUP, SITE, query_parse
from api.prefetch import (
    RenderContext,
    SiteSeo,
    authors_context,
    link_blocks_context,
    redirects_context,
    render_context_build,
    site_seo_load,
)
from api.renditions import PREFETCH_SPECS
from api.routes import (
    card_selection_split,
    html_path_split,
    posts_page,
    taxonomy_route,
    taxonomy_route_match,
)
from api.selectors import (
    authors_with_post_counts,
    categories_with_post_counts,
    collections_restricted_ids,
    pages_hidden_q,
    pages_hidden_roots,
    pages_public,
    redirect_for_path,
    redirects_public,
    tags_with_post_counts,
)
from api.streamfield import link_blocks_representation
from blog.frontend import page_frontend_path, page_frontend_url, public_base_url
from blog.models import Author, BlogIndexPage, BlogPostPage, Category, HomePage, SiteSettings


def site_for_request(*, request, params: dict) -> Site:
    """The site named by ``?site=host[:port]``, else the one serving this hostname."""
    if "site" in params:
        hostname, _, port = params["site"].partition(":")
        sites = Site.objects.select_related("root_page").filter(hostname=hostname)
        if port:
            sites = sites.filter(port=int(port))
        found = list(sites[:2])
        if not found:
            raise BadRequestError(f"site: no site with hostname '{params['site']}'")
        if len(found) > 1:
            raise BadRequestError("site: several sites match; add the port, e.g. host:443")
        return found[0]
    # Kept until a site or any page changes (a site's root page may be renamed or moved).
    site = stored_with_tokens(
        request=request,
        name="site",
        parts=[request.get_host().lower(), str(request.get_port())],
        compute=lambda: Site.find_for_request(request),
        tags=["all", "ep:pages"],
    )
    if site is None:
        raise Http404("no site is configured")
    return site


class PublicAPIMixin:
    """Credentials are ignored and only JSON is served (no browsable HTML renderer)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    # ``meta`` with page, pages, limit, next and previous; see ``api.pagination``.
    pagination_class = ListingPagination
    # Reads only; CORS preflights are answered by django-cors-headers before the view.
    http_method_names = ["get", "head"]
    # The operations (``api.parameters``) are ``<resource>_list``, ``_detail`` and ``_find``,
    # or as ``operation_ids`` maps an action. (Not ``name``: DRF's ``as_view`` resets it.)
    resource = ""
    operation_ids: dict = {}

    def operation_id(self) -> str | None:
        """The operation this request is (``api.parameters``); None for OPTIONS, TRACE..."""
        action = (self.action or "").removesuffix("_view")
        if action in self.operation_ids:
            return self.operation_ids[action]
        suffix = {"listing": "list", "detail": "detail", "find": "find"}.get(action)
        return f"{self.resource}_{suffix}" if suffix else None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        operation = self.operation_id()
        # Without an operation (not served) DRF answers 405 after this.
        self.params = query_parse(query=request.GET, operation=operation) if operation else {}

    def get_renderer_context(self):
        """Compact JSON. Wagtail forces ``indent=4``, which makes ``json.dumps`` fall back
        from its C encoder to the pure-Python one: rendering a 20-post listing with all
        fields took 7.4 ms indented against 1.5 ms compact, for whitespace no frontend reads."""
        context = super().get_renderer_context()
        context.pop("indent", None)
        return context

    def perform_content_negotiation(self, request, force=False):
        """Always JSON: ``format`` and ``Accept`` select nothing (same request, same bytes)."""
        return (JSONRenderer(), JSONRenderer.media_type)

    def check_query_parameters(self, queryset):
        """Done for every action in ``initial`` (Wagtail checks listings only)."""

    @cached_property
    def site(self) -> Site:
        return site_for_request(request=self.request, params=self.params)


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
        """
        if not hasattr(self, "_cached_object"):
            pk = int(self.kwargs["pk"])
            if pk > MAX_ID:
                raise Http404("not found")
            content_type_id = (
                self.get_base_queryset().filter(pk=pk).values_list("content_type", flat=True)
            ).first()
            if content_type_id is None:
                raise Http404("not found")
            model = ContentType.objects.get_for_id(content_type_id).model_class() or Page
            page = self.public_pages_of(model).select_related("locale").filter(pk=pk).first()
            if page is None:  # unpublished between the two queries
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
        )
        return self.get_serializer(page).data


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


class MediaViewSetMixin(PublicAPIMixin):
    """Images and documents: public collections only, whoever asks."""

    filter_backends = [filters.TitleFilter, filters.OrderingFilter, filters.SearchFilter]

    def default_ordering(self, queryset):
        return queryset.order_by("id")

    def get_queryset(self):
        return self.model.objects.exclude(collection__in=collections_restricted_ids()).order_by(
            "id"
        )

    def get_object(self):
        if int(self.kwargs["pk"]) > MAX_ID:
            raise Http404("not found")
        return super().get_object()

    def find_object(self, queryset, request):
        return queryset.filter(pk=self.params["id"]).first() if "id" in self.params else None


class ImagesViewSet(MediaViewSetMixin, ImagesAPIViewSet):
    """``/api/v2/images/``: images with ``alt`` and ready-made ``renditions``."""

    resource = "images"

    body_fields = [
        *ImagesAPIViewSet.body_fields,
        APIField("alt", serializer=ImageAltField()),
        APIField("focal_point", serializer=ImagePartField()),
        APIField("srcset", serializer=ImagePartField()),
        APIField("placeholder", serializer=ImagePartField()),
        APIField("renditions", serializer=ImagePartField()),
    ]
    # ``download_url`` absolute, as documents' are (Wagtail's is the storage's, relative
    # for media on local disk).
    meta_fields = [
        *(name for name in ImagesAPIViewSet.meta_fields if name != "download_url"),
        APIField("download_url", serializer=ImagePartField()),
    ]
    listing_default_fields = [
        *ImagesAPIViewSet.listing_default_fields,
        "alt",
        "srcset",
        "placeholder",
        "renditions",
    ]

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("placeholder")
            .prefetch_renditions(*PREFETCH_SPECS)
        )


class DocumentsViewSet(MediaViewSetMixin, DocumentsAPIViewSet):
    """``/api/v2/documents/``: documents in public collections."""

    resource = "documents"


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
        APIField("url", serializer=SnippetUrlField(prefix="authors")),
        APIField("html_url", serializer=SnippetUrlField(prefix="authors")),
        APIField("html_path", serializer=SnippetUrlField(prefix="authors")),
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
        "url",
        "html_url",
        "html_path",
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
        APIField("url", serializer=SnippetUrlField(prefix="categories")),
        APIField("html_url", serializer=SnippetUrlField(prefix="categories")),
        APIField("html_path", serializer=SnippetUrlField(prefix="categories")),
    ]
    listing_default_fields = [
        "id",
        "type",
        "detail_url",
        "name",
        "slug",
        "description",
        "post_count",
        "url",
        "html_url",
        "html_path",
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
        APIField("url", serializer=SnippetUrlField(prefix="tags")),
        APIField("html_url", serializer=SnippetUrlField(prefix="tags")),
        APIField("html_path", serializer=SnippetUrlField(prefix="tags")),
    ]
    listing_default_fields = [
        *("id", "type", "detail_url", "name", "slug", "post_count"),
        *("url", "html_url", "html_path"),
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
