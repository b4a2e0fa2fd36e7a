"""One public address per page: the API, sitemap, feeds, JSON-LD, the reference theme's
canonical and the admin's LIVE link all name the same URL, with or without a frontend."""

import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urljoin

import feedparser
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def post(make_post, site_tree):
    for page in site_tree:
        page.save_revision().publish()
    return make_post(title="Addressed post", slug="addressed-post")


def _every_surface(client, post) -> dict[str, str]:
    """The URL each surface names for ``post``."""
    named = {"full_url": post.full_url}
    detail = client.get(f"/api/v2/pages/{post.pk}/").json()
    named["api html_url"] = detail["meta"]["html_url"]
    named["api seo canonical"] = detail["seo"]["canonical_url"]
    named["api og:url"] = detail["seo"]["og"]["url"]
    named["api JSON-LD"] = detail["seo"]["json_ld"][0]["url"]
    crumbs = detail["seo"]["json_ld"][1]["itemListElement"]
    named["api breadcrumb"] = crumbs[-1]["item"]
    blog_detail = client.get(f"/api/v2/pages/{post.get_parent().pk}/").json()
    parent_url = detail["meta"]["parent"]["meta"]["html_url"]
    assert parent_url == blog_detail["meta"]["html_url"]  # the parent's address agrees too

    sitemap = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 (our own XML)
    locs = [loc.text for loc in sitemap.findall("sm:url/sm:loc", SITEMAP_NS)]
    named["sitemap"] = next(loc for loc in locs if loc.endswith("/addressed-post/"))
    feed = feedparser.parse(client.get("/feeds/rss/").content)
    named["rss"] = next(e.link for e in feed.entries if e.title == "Addressed post")

    html = client.get(post.url).content.decode()
    named["theme canonical"] = re.search(r'<link rel="canonical" href="([^"]+)"', html)[1]
    named["theme og:url"] = re.search(r'<meta property="og:url" content="([^"]+)"', html)[1]
    ld = re.search(r'<script type="application/json">(.*?)</script>', html, re.S)[1]
    named["theme JSON-LD"] = json.loads(ld)["url"]

    admin = get_user_model().objects.create_superuser("admin", "a@example.com", "pw-123456")
    client.force_login(admin)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=(post.pk,))).content.decode()
    live_links = re.findall(r'href="([^"]*addressed-post/)"', edit)
    assert live_links, "the admin shows a link to the live page"
    # Without a frontend the admin links to this host by path; readers get the same URL.
    named["admin LIVE link"] = urljoin(settings.WAGTAILADMIN_BASE_URL, live_links[0])
    client.logout()
    return named


def test_with_a_frontend_every_surface_names_the_frontend_url(client, post, settings):
    settings.FRONTEND_BASE_URL = "https://www.example.com"
    named = _every_surface(client, post)
    expected = "https://www.example.com/blog/addressed-post/"
    assert set(named.values()) == {expected}, sorted(named.items())


def test_without_a_frontend_every_surface_names_the_cms_url(client, post, settings):
    settings.FRONTEND_BASE_URL = ""
    settings.WAGTAILADMIN_BASE_URL = "https://cms.example.org"
    named = _every_surface(client, post)
    expected = "https://cms.example.org/blog/addressed-post/"
    assert set(named.values()) == {expected}, sorted(named.items())
