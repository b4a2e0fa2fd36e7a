"""``/robots.txt`` for the frontend's domain (the frontend proxies the path here).

Indexing is a deploy-time switch, ``SEO_ALLOW_INDEXING``, off by default: staging, preview
and local frontends tell every crawler to stay out, and only production, which turns it on,
lets them in. Both name the sitemap, so a search console set up on staging still finds it.

Format: https://www.rfc-editor.org/rfc/rfc9309.html
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from blog.frontend import frontend_url
from blog.seo_surfaces import seo_surface_view


def robots_txt_render(*, allow_indexing: bool) -> str:
    """The file's text: everything allowed in production, everything disallowed elsewhere."""
    rule = "Allow: /" if allow_indexing else "Disallow: /"
    return f"User-agent: *\n{rule}\n\nSitemap: {frontend_url(path='/sitemap.xml')}\n"


@seo_surface_view
def robots_txt(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        robots_txt_render(allow_indexing=settings.SEO_ALLOW_INDEXING),
        content_type="text/plain; charset=utf-8",
    )
