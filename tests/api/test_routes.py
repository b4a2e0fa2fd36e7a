"""``/api/v2/path/`` resolves every public frontend URL in one request: pages, blog index
pages, tag, category and author pages (with their posts and seo), redirects, JSON 404s."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.paths import API

PATH = f"{API}/path/"


def _route(api, html_path, **params):
    return api.get(PATH, {"html_path": html_path, **params})


def test_a_tag_page_has_the_tag_its_posts_and_seo(api, blog):
    response = _route(api, "/tags/python/")
    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "tag"
    assert data["tag"]["slug"] == "python"
    assert data["tag"]["html_path"] == "/tags/python/"
    titles = {item["title"] for item in data["posts"]["items"]}
    assert "First post" in titles and "Secret draft" not in titles
    assert data["posts"]["meta"]["page"] == 1
    assert data["posts"]["meta"]["total_count"] == len(data["posts"]["items"])
    assert data["seo"]["canonical_url"] == "https://www.example.com/tags/python/"
    assert data["seo"]["title"].startswith("Posts tagged python")
    assert data["seo"]["json_ld"][0]["@type"] == "CollectionPage"


@pytest.mark.parametrize(
    ("html_path", "kind", "slug"),
    [
        ("/categories/engineering/", "category", "engineering"),
        ("/authors/ada-lovelace/", "author", "ada-lovelace"),
    ],
)
def test_category_and_author_pages_resolve(api, blog, html_path, kind, slug):
    data = _route(api, html_path).json()
    assert data["type"] == kind
    assert data[kind]["slug"] == slug
    assert data["posts"]["items"]
    assert data["seo"]["canonical_url"] == "https://www.example.com" + html_path


def test_the_blog_index_comes_with_the_page_of_posts_the_path_names(
    api, blog, blog_index, make_post
):
    blog_index.posts_per_page = 2
    blog_index.save_revision().publish()
    for number in range(3):
        make_post(title=f"Extra {number}")
    first = _route(api, "/blog/").json()
    assert first["type"] == "page"
    assert first["page"]["id"] == blog_index.pk
    assert first["posts"]["meta"]["page"] == 1
    assert len(first["posts"]["items"]) == 2
    pages = first["posts"]["meta"]["pages"]
    second = _route(api, "/blog/?page=2").json()
    assert second["posts"]["meta"]["page"] == 2
    for key in ("total_count", "pages", "limit"):
        assert second["posts"]["meta"][key] == first["posts"]["meta"][key]
    # The listing's own links: the API URLs of the neighbouring pages of posts.
    assert second["posts"]["meta"]["previous"].endswith("&limit=2")
    assert first["posts"]["meta"]["next"] == second["posts"]["meta"]["previous"] + "&offset=2"
    assert {i["id"] for i in second["posts"]["items"]}.isdisjoint(
        {i["id"] for i in first["posts"]["items"]}
    )
    past = _route(api, f"/blog/?page={pages + 1}")
    assert past.status_code == 404 and "message" in past.json()


@pytest.mark.parametrize(
    ("html_path", "status"),
    [
        ("/tags/no-such-tag/", 404),
        ("/authors/nobody/", 404),
        ("/nowhere/", 404),
        ("/blog/?page=0", 400),
        ("/blog/?page=x", 400),
        ("/blog/?sort=new", 400),
        ("/blog/first-post/?page=2", 404),
    ],
)
def test_unknown_routes_and_bad_pages_are_json_errors(api, blog, html_path, status):
    response = _route(api, html_path)
    assert response.status_code == status
    assert set(response.json()) == {"message"}


def test_a_taxonomy_route_costs_a_fixed_number_of_queries(api, blog, make_post):
    def count() -> int:
        _route(api, "/tags/python/")
        with CaptureQueriesContext(connection) as captured:
            assert _route(api, "/tags/python/").status_code == 200
        return len(captured)

    few = count()
    for number in range(5):
        make_post(title=f"More {number}", tags=("python",))
    assert count() == few
