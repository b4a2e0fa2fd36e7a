"""``/sitemap.xml``: valid XML in the sitemap namespace, frontend URLs, lastmod, an index
when large. Parsed with ElementTree; the protocol is https://www.sitemaps.org/protocol.html
"""

import xml.etree.ElementTree as ET
from datetime import datetime

import pytest
from wagtail.models import PageViewRestriction

from cachetags.commit import tags_invalidate_now
from tests.paths import FRONTEND

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _xml(response) -> ET.Element:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/xml"
    return ET.fromstring(response.content)  # noqa: S314 (this project's own output)


def _urlset(response) -> dict[str, str | None]:
    root = _xml(response)
    assert root.tag == f"{{{NS['sm']}}}urlset"
    return {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in root.findall("sm:url", NS)
    }


def _same_second(lastmod: str, moment: datetime) -> bool:
    return datetime.fromisoformat(lastmod) == moment.replace(microsecond=0)


def test_sitemap_lists_live_pages_on_the_frontend_with_lastmod(client, published_tree, make_post):
    home, index = published_tree
    post = make_post(title="Mapped", slug="mapped")
    urls = _urlset(client.get("/sitemap.xml"))
    assert list(urls) == [f"{FRONTEND}/", f"{FRONTEND}/blog/", f"{FRONTEND}/blog/mapped/"]
    assert _same_second(urls[f"{FRONTEND}/blog/mapped/"], post.last_published_at)
    assert _same_second(urls[f"{FRONTEND}/"], home.last_published_at)
    assert _same_second(urls[f"{FRONTEND}/blog/"], index.last_published_at)


def test_lastmod_follows_the_latest_publish(
    client, published_tree, make_post, django_capture_on_commit_callbacks
):
    post = make_post(slug="edited")
    first = _urlset(client.get("/sitemap.xml"))[f"{FRONTEND}/blog/edited/"]
    post.title = "Edited"
    revision = post.save_revision()
    # The sitemap is refreshed once the publish commits (cache tags, after commit).
    with django_capture_on_commit_callbacks(execute=True):
        revision.publish()
    post.refresh_from_db()
    second = _urlset(client.get("/sitemap.xml"))[f"{FRONTEND}/blog/edited/"]
    assert _same_second(second, post.last_published_at)
    assert second >= first


def test_drafts_and_private_pages_are_not_in_the_sitemap(client, published_tree, make_post):
    make_post(slug="draft", live=False)
    private = make_post(slug="private")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    make_post(slug="gone").unpublish()
    urls = _urlset(client.get("/sitemap.xml"))
    assert not any(slug in url for url in urls for slug in ("draft", "private", "gone"))


def test_large_sitemap_becomes_an_index_of_frontend_files(
    client, published_tree, make_post, settings
):
    for n in range(3):
        make_post(slug=f"post-{n}")
    settings.SEO_SITEMAP_LIMIT = 2  # 5 pages: home, index, 3 posts → 3 files
    root = _xml(client.get("/sitemap.xml"))
    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    entries = root.findall("sm:sitemap", NS)
    locations = [entry.findtext("sm:loc", namespaces=NS) for entry in entries]
    assert locations == [f"{FRONTEND}/sitemap-pages.xml?p={n}" for n in (1, 2, 3)]
    assert all(entry.findtext("sm:lastmod", namespaces=NS) for entry in entries)

    seen = []
    for location in locations:
        urls = _urlset(client.get(location.removeprefix(FRONTEND)))
        assert len(urls) <= 2
        seen.extend(urls)
    assert len(seen) == len(set(seen)) == 5
    assert all(url.startswith(f"{FRONTEND}/") for url in seen)


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/sitemap.xml?p=abc", 400, "p must be a positive integer, e.g. ?p=2."),
        ("/sitemap.xml?p=0", 400, "p must be a positive integer, e.g. ?p=2."),
        ("/sitemap-pages.xml?p=-1", 400, "p must be a positive integer, e.g. ?p=2."),
        ("/sitemap-pages.xml?p=9", 404, "The sitemap has 1 page(s); p=9."),
        ("/sitemap-posts.xml", 404, "No sitemap named 'posts'; the only one is 'pages'."),
    ],
)
def test_bad_sitemap_requests_are_4xx_with_a_message(client, published_tree, path, status, message):
    response = client.get(path)
    assert response.status_code == status
    assert response.json() == {"message": message}


@pytest.mark.parametrize("posts", [2, 6])
def test_sitemap_query_count_does_not_grow_with_pages(
    client, published_tree, make_post, django_assert_num_queries, posts
):
    for n in range(posts):
        make_post(slug=f"post-{n}")
    client.get("/sitemap.xml")  # warms Wagtail's cache of site root paths
    tags_invalidate_now(tags=["all"])
    # site, count, view restrictions, pages, then the specific rows of each page type
    with django_assert_num_queries(7):
        urls = _urlset(client.get("/sitemap.xml"))
    assert len(urls) == posts + 2
