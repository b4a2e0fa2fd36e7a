"""What every public endpoint shares: no credentials, JSON only, strict parameters.

``PublicAPIMixin`` parses each request's query against its endpoint's rows of
``api.parameters`` before any query runs (anything else is a 400 naming the parameter),
ignores credentials (the answer is the same for everyone, so a CDN may cache it) and
names the site a request reads (``?site=``, else the one serving the host).
"""

from functools import cached_property

from django.http import Http404
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from wagtail.api.v2.utils import BadRequestError
from wagtail.models import Site

from api.fragments import stored_with_tokens
from api.pagination import ListingPagination
from api.parameters import query_parse
from api.serializer_classes import serializer_class_kept


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

    @classmethod
    def _get_serializer_class(cls, router, model, fields_config, show_details=False, nested=False):
        """Wagtail's, built once per process for each selection (``api.serializer_classes``)."""
        parent = super()
        return serializer_class_kept(
            key=(cls, id(router), model, fields_config, show_details, nested),
            build=lambda: parent._get_serializer_class(
                router, model, fields_config, show_details=show_details, nested=nested
            ),
        )

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
