"""``/sitemap.xml``: every live, public page, on the frontend's domain, with its lastmod.

Built on Wagtail's sitemap (``wagtail.contrib.sitemaps``, Django's sitemap framework
underneath); each page's entry comes from ``SeoPage.get_sitemap_urls``, which points at
``FRONTEND_BASE_URL``. While the site fits in one file (``SEO_SITEMAP_LIMIT`` URLs)
``/sitemap.xml`` is that file; above it, ``/sitemap.xml`` becomes a sitemap index whose
entries (``/sitemap-pages.xml?p=N``) are on the frontend's domain too, since a sitemap
may only list URLs of its own host.

Protocol: https://www.sitemaps.org/protocol.html
Django: https://docs.djangoproject.com/en/5.2/ref/contrib/sitemaps/
Wagtail: https://docs.wagtail.org/en/7.4/reference/contrib/sitemaps.html
"""

from functools import cached_property

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from wagtail.contrib.sitemaps import Sitemap

from blog.frontend import frontend_url
from blog.seo_surfaces import BadSurfaceRequest, seo_surface_view

SECTION = "pages"
URLSET_TEMPLATE = "blog/sitemap.xml"
INDEX_TEMPLATE = "blog/sitemap_index.xml"


class FrontendSitemap(Sitemap):
    """Wagtail's page sitemap, split into files of ``SEO_SITEMAP_LIMIT`` URLs."""

    @property
    def limit(self) -> int:
        return settings.SEO_SITEMAP_LIMIT

    @cached_property
    def paginator(self):
        """One paginator (one COUNT query) per request; Django builds one per access."""
        return super().paginator

    def get_latest_lastmod(self):
        """The newest lastmod in one aggregate query, not by loading every page."""
        return self.items().aggregate(
            latest=Max(Coalesce("last_published_at", "latest_revision_created_at"))
        )["latest"]


def sitemap_page_number(*, request: HttpRequest) -> int:
    """The ``p`` parameter (1 when absent); anything but a positive integer is a 400."""
    raw = request.GET.get("p", "1")
    if not raw.isdigit() or int(raw) < 1:
        raise BadSurfaceRequest("p must be a positive integer, e.g. ?p=2.")
    return int(raw)


def sitemap_index_render(*, request: HttpRequest, sitemap: FrontendSitemap) -> HttpResponse:
    """A ``<sitemapindex>`` of the sitemap's files, each on the frontend's domain."""
    latest = sitemap.get_latest_lastmod()
    latest = latest.replace(microsecond=0) if latest else None
    location = frontend_url(path=f"/sitemap-{SECTION}.xml")
    entries = [
        sitemap_views.SitemapIndexItem(f"{location}?p={number}", latest)
        for number in sitemap.paginator.page_range
    ]
    response = TemplateResponse(
        request, INDEX_TEMPLATE, {"sitemaps": entries}, content_type="application/xml"
    )
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


def _urlset(request: HttpRequest, sitemap: FrontendSitemap) -> HttpResponse:
    number = sitemap_page_number(request=request)
    if number > sitemap.paginator.num_pages:
        raise Http404(f"The sitemap has {sitemap.paginator.num_pages} page(s); p={number}.")
    return sitemap_views.sitemap(
        request, {SECTION: sitemap}, section=SECTION, template_name=URLSET_TEMPLATE
    )


@seo_surface_view(paged=True)
def sitemap_xml(request: HttpRequest) -> HttpResponse:
    """The sitemap itself while it fits in one file, else the index of its files."""
    sitemap = FrontendSitemap(request)
    if sitemap.paginator.num_pages > 1:
        sitemap_page_number(request=request)  # still reject a malformed ?p=
        return sitemap_index_render(request=request, sitemap=sitemap)
    return _urlset(request, sitemap)


@seo_surface_view(paged=True)
def sitemap_section_xml(request: HttpRequest, section: str) -> HttpResponse:
    """One file of a sitemap index: ``/sitemap-pages.xml?p=N``."""
    if section != SECTION:
        raise Http404(f"No sitemap named {section!r}; the only one is {SECTION!r}.")
    return _urlset(request, FrontendSitemap(request))
