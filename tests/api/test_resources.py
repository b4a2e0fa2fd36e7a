"""Authors, categories, tags (with visible-post counts), redirects, site and path lookup."""

import pytest
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import PageViewRestriction

from tests.paths import API


def _items(response):
    assert response.status_code == 200, response.content
    return response.json()["items"]


def test_authors_listing_counts_visible_posts_only(api, blog, make_post):
    private = make_post(title="Private post")
    PageViewRestriction.objects.create(page=private, restriction_type="login")

    items = _items(api.get(f"{API}/authors/"))

    assert [(a["name"], a["post_count"]) for a in items] == [
        ("Ada Lovelace", 3),
        ("Grace Hopper", 1),
    ]
    ada = items[0]
    assert set(ada) == {
        *("id", "meta", "name", "slug", "job_title", "avatar", "post_count"),
        *("url", "html_url", "html_path"),
    }
    assert ada["meta"]["type"] == "blog.Author"
    assert ada["meta"]["detail_url"].endswith(f"/api/v2/authors/{ada['id']}/")
    assert ada["url"] == "https://www.example.com/authors/ada-lovelace/"


def test_author_detail_has_bio_html_avatar_and_links(api, blog, image, second_author):
    second_author.avatar = image
    second_author.bio = f'<p>See <a linktype="page" id="{blog["first"].pk}">this</a>.</p>'
    second_author.links = [{"type": "link", "value": {"label": "Site", "url": "https://g.dev/"}}]
    second_author.save()

    data = api.get(f"{API}/authors/{second_author.pk}/").json()

    assert data["bio"] == '<p>See <a href="https://www.example.com/blog/first-post/">this</a>.</p>'
    assert data["avatar"]["renditions"]["thumbnail"]["width"] == 400
    assert data["links"] == [{"label": "Site", "url": "https://g.dev/", "page": None}]
    assert data["post_count"] == 1


def test_author_find_by_slug(api, blog):
    response = api.get(f"{API}/authors/find/", {"slug": "grace-hopper"})
    assert response.status_code == 302
    assert api.get(f"{API}/authors/find/", {"slug": "nobody"}).status_code == 404


def test_categories_with_counts(api, blog):
    items = _items(api.get(f"{API}/categories/"))

    assert [(c["slug"], c["post_count"]) for c in items] == [("design", 0), ("engineering", 3)]
    assert items[1]["url"] == "https://www.example.com/categories/engineering/"


def test_tags_list_only_tags_of_visible_posts(api, blog):
    items = _items(api.get(f"{API}/tags/"))

    assert [(t["slug"], t["post_count"]) for t in items] == [
        ("django", 1),
        ("python", 2),
        ("wagtail", 1),
    ]  # "unreleased" belongs to the draft only
    items = _items(api.get(f"{API}/tags/", {"order": "-post_count"}))
    assert items[0]["slug"] == "python"
    assert _items(api.get(f"{API}/tags/", {"slug": "unreleased"})) == []


def test_tag_page_flow_for_a_frontend(api, blog):
    """A tag page: the tag by slug, then its posts."""
    tag = _items(api.get(f"{API}/tags/", {"slug": "python"}))[0]
    posts = _items(api.get(f"{API}/pages/", {"tag": tag["slug"]}))

    assert tag["post_count"] == len(posts) == 2


@pytest.fixture
def redirects(blog, site_tree):
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    return [
        Redirect.objects.create(old_path="/old-first", redirect_page=blog["first"], site=site),
        Redirect.objects.create(
            old_path="/elsewhere", redirect_link="https://example.org/", is_permanent=False
        ),
        Redirect.objects.create(old_path="/to-draft", redirect_page=blog["draft"]),
    ]


def test_redirects_listing(api, redirects):
    items = _items(api.get(f"{API}/redirects/"))

    assert [(item["old_path"], item["location"], item["is_permanent"]) for item in items] == [
        ("/elsewhere", "https://example.org/", False),
        ("/old-first", "https://www.example.com/blog/first-post/", True),
    ]


def test_site_settings_and_navigation(api, blog, site_tree):
    home, blog_index = site_tree

    data = api.get(f"{API}/site/").json()

    assert data == {
        "site_name": data["site_name"],
        "frontend_base_url": "https://www.example.com",
        "tagline": "Notes from the team",
        "root_page": {
            "id": home.pk,
            "title": "Home",
            "html_url": "https://www.example.com/",
            "html_path": "/",
        },
        "menu": [
            {
                "label": "Blog",
                "url": "https://www.example.com/blog/",
                "page": {"id": blog_index.pk, "title": "Blog"},
            },
            {"label": "GitHub", "url": "https://github.com/", "page": None},
        ],
        "social_profiles": [
            {"label": "Mastodon", "url": "https://mastodon.social/@b", "page": None}
        ],
    }
    assert data["site_name"]


def test_site_menu_drops_hidden_pages(api, blog, site_tree):
    PageViewRestriction.objects.create(page=site_tree[1], restriction_type="login")

    data = api.get(f"{API}/site/").json()

    assert [item["label"] for item in data["menu"]] == ["GitHub"]


def test_path_lookup_returns_page_detail(api, blog):
    response = api.get(f"{API}/path/", {"html_path": "/blog/full-post/"})

    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "page"
    assert data["page"]["id"] == blog["full"].pk
    assert data["page"]["body"][0]["type"] == "heading"
    assert data["page"]["seo"]["canonical_url"] == "https://www.example.com/blog/full-post/"
    fields = api.get(f"{API}/path/", {"html_path": "/blog/full-post/", "fields": "_,title"})
    assert fields.json() == {"type": "page", "page": {"title": "Full post"}}


def test_path_lookup_follows_redirects_and_404s(api, redirects):
    data = api.get(f"{API}/path/", {"html_path": "/old-first/"}).json()
    assert data == {
        "type": "redirect",
        "redirect": {"location": "https://www.example.com/blog/first-post/", "is_permanent": True},
    }
    assert api.get(f"{API}/path/", {"html_path": "/to-draft"}).status_code == 404
    assert api.get(f"{API}/path/", {"html_path": "/blog/secret-draft/"}).status_code == 404
    missing = api.get(f"{API}/path/", {"html_path": "/nowhere/"})
    assert missing.status_code == 404
    assert missing.json() == {"message": "not found"}


@pytest.mark.parametrize(
    ("url", "params", "message"),
    [
        (f"{API}/path/", {}, "html_path is required"),
        (f"{API}/path/", {"html_path": "x"}, "html_path must be a path starting with '/'"),
        (
            f"{API}/path/",
            {"id": "1"},
            "query parameter is not an operation or a recognised field: id",
        ),
        (
            f"{API}/authors/",
            {"order": "bio"},
            "order must be comma-separated fields from id, name, post_count, "
            "each optionally prefixed with '-'",
        ),
        (f"{API}/authors/", {"slug": "a b"}, "slug must be a slug (letters, digits, '-' and '_')"),
        (f"{API}/tags/find/", {"id": "x"}, "id must be an integer from 1 to 2147483647"),
        (f"{API}/categories/", {"limit": "1000"}, "limit must be an integer from 0 to 100"),
        (
            f"{API}/redirects/",
            {"order": "old_path"},
            "query parameter is not an operation or a recognised field: order",
        ),
        (f"{API}/site/", {"site": "evil.com"}, "site: no site with hostname 'evil.com'"),
        (
            f"{API}/site/",
            {"fields": "x"},
            "query parameter is not an operation or a recognised field: fields",
        ),
    ],
)
def test_bad_parameters_are_400(api, site_tree, url, params, message):
    response = api.get(url, params)

    assert response.status_code == 400, response.content
    assert response.json() == {"message": message}


def test_query_counts(api, blog, django_assert_num_queries):
    for url, expected in (
        # site, hidden, count, authors, avatars (none here: no image query)
        (f"{API}/authors/", 4),
        (f"{API}/categories/", 4),
        (f"{API}/tags/", 4),
        # site, hidden, site settings, menu and root pages
        (f"{API}/site/", 4),
    ):
        api.get(url)
        with django_assert_num_queries(expected):
            assert api.get(url).status_code == 200
