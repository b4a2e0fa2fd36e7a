"""The search-engine surfaces, mounted before Wagtail's page-serving catch-all.

The frontend proxies these paths from its own domain, so crawlers and feed readers see
them there; every URL they contain points at ``FRONTEND_BASE_URL``.
"""

from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import path

from blog.feeds import atom_feed, rss_feed
from blog.robots import robots_txt
from blog.sitemaps import sitemap_section_xml, sitemap_xml


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the site's icon."""
    return HttpResponsePermanentRedirect(static("blog/favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap_xml, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemap_section_xml, name="sitemap_section"),
    path("feeds/rss/", rss_feed, name="feed_rss"),
    path("feeds/atom/", atom_feed, name="feed_atom"),
    path("feeds/category/<slug:category_slug>/rss/", rss_feed, name="feed_category_rss"),
    path("feeds/category/<slug:category_slug>/atom/", atom_feed, name="feed_category_atom"),
    path("feeds/tag/<slug:tag_slug>/rss/", rss_feed, name="feed_tag_rss"),
    path("feeds/tag/<slug:tag_slug>/atom/", atom_feed, name="feed_tag_atom"),
]
