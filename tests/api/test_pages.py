"""/api/v2/pages/: the contract of every post field, filters, ordering, search, find."""

import pytest

from tests.paths import API

POSTS = f"{API}/pages/"


def _items(response):
    assert response.status_code == 200, response.content
    return response.json()["items"]


def test_post_detail_has_every_field_ready_to_render(api, blog, image, document, stored_embed):
    full, first = blog["full"], blog["first"]

    response = api.get(f"{POSTS}{full.pk}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["id"] == full.pk
    assert data["title"] == "Full post"
    meta = data["meta"]
    assert meta["type"] == "blog.BlogPostPage"
    assert meta["html_url"] == "https://www.example.com/blog/full-post/"
    assert meta["html_path"] == "/blog/full-post/"
    assert meta["detail_url"].endswith(f"/api/v2/pages/{full.pk}/")
    assert meta["slug"] == "full-post"
    assert meta["locale"] == "en"
    assert meta["first_published_at"] and meta["last_published_at"]
    assert meta["parent"]["id"] == blog["first"].get_parent().pk
    assert data["publication_date"] == meta["first_published_at"]
    assert data["intro"] == "An introduction."
    assert data["excerpt"] == "An introduction."
    assert data["reading_time"] == 1

    featured = data["featured_image"]
    assert featured["id"] == image.pk
    assert featured["alt"] == "Test image"
    assert (featured["width"], featured["height"]) == (1600, 900)
    assert set(featured["renditions"]) == {"thumbnail", "square", "medium", "large", "social"}
    assert (
        featured["renditions"]["square"]["width"],
        featured["renditions"]["square"]["height"],
    ) == (400, 400)
    assert featured["renditions"]["social"]["width"] == 1200
    assert featured["renditions"]["social"]["height"] == 630
    assert featured["renditions"]["thumbnail"] == {
        "url": featured["renditions"]["thumbnail"]["url"],
        "width": 400,
        "height": 300,
    }
    assert featured["renditions"]["social"]["url"].startswith("http")

    assert [author["name"] for author in data["authors"]] == ["Ada Lovelace", "Grace Hopper"]
    grace = data["authors"][1]
    assert grace == {
        "id": grace["id"],
        "name": "Grace Hopper",
        "slug": "grace-hopper",
        "job_title": "Admiral",
        "bio": "<p>Compilers.</p>",
        "avatar": None,
        "links": [],
        "url": "https://www.example.com/authors/grace-hopper/",
        "html_url": "https://www.example.com/authors/grace-hopper/",
        "html_path": "/authors/grace-hopper/",
    }
    assert data["categories"] == [
        {
            "id": data["categories"][0]["id"],
            "name": "Engineering",
            "slug": "engineering",
            "url": "https://www.example.com/categories/engineering/",
            "html_url": "https://www.example.com/categories/engineering/",
            "html_path": "/categories/engineering/",
        }
    ]
    assert data["tags"] == [
        {
            "id": data["tags"][0]["id"],
            "name": "python",
            "slug": "python",
            "url": "https://www.example.com/tags/python/",
            "html_url": "https://www.example.com/tags/python/",
            "html_path": "/tags/python/",
        }
    ]

    blocks = {block["type"]: block for block in data["body"]}
    assert [block["type"] for block in data["body"]] == [
        "heading",
        "paragraph",
        "image",
        "quote",
        "code",
        "embed",
        "call_to_action",
    ]
    assert all(block["id"] for block in data["body"])
    assert blocks["heading"]["value"] == {"text": "Why", "level": "h2"}
    html = blocks["paragraph"]["value"]["html"]
    assert '<a href="https://www.example.com/blog/first-post/">the earlier post</a>' in html
    assert f'href="http://127.0.0.1:8000{document.url}"' in html
    assert "linktype" not in html
    image_block = blocks["image"]["value"]
    assert image_block["alt"] == "A blue box"
    assert image_block["caption"] == "Box"
    assert image_block["image"]["alt"] == "A blue box"
    assert image_block["image"]["renditions"]["medium"]["width"] == 800
    assert blocks["quote"]["value"] == {"text": "Simple is better.", "attribution": "Tim"}
    assert blocks["code"]["value"] == {"language": "python", "code": "print('hi')"}
    assert blocks["embed"]["value"] == {
        "url": stored_embed.url,
        "html": stored_embed.html,
        "title": "A stored video",
        "provider_name": "YouTube",
        "width": 480,
        "height": 270,
    }
    assert blocks["call_to_action"]["value"] == {
        "text": "Read more",
        "url": "https://www.example.com/blog/first-post/",
        "page": {"id": first.pk, "title": "First post"},
    }

    seo = data["seo"]
    assert seo["title"] == "Full post"
    assert seo["canonical_url"] == "https://www.example.com/blog/full-post/"
    assert seo["og"]["image_width"] == 1200 and seo["og"]["image_height"] == 630
    assert seo["twitter"]["card"] == "summary_large_image"
    posting, breadcrumbs = seo["json_ld"]
    assert posting["@type"] == "BlogPosting"
    assert [a["name"] for a in posting["author"]] == ["Ada Lovelace", "Grace Hopper"]
    assert posting["publisher"]["sameAs"] == ["https://mastodon.social/@b"]
    assert [crumb["name"] for crumb in breadcrumbs["itemListElement"]] == [
        "Home",
        "Blog",
        "Full post",
    ]


def test_embed_without_a_stored_copy_gives_the_url_only(api, blog):
    data = api.get(f"{POSTS}{blog['full'].pk}/", {"fields": "_,body"}).json()
    blog["full"].body = [{"type": "embed", "value": "https://vimeo.com/1"}]
    blog["full"].save_revision().publish()

    data = api.get(f"{POSTS}{blog['full'].pk}/", {"fields": "_,body"}).json()

    assert data["body"][0]["value"]["url"] == "https://vimeo.com/1"
    assert data["body"][0]["value"]["html"] is None


def test_links_to_drafts_lose_their_href(api, blog):
    full = blog["full"]
    full.body = [
        {"type": "paragraph", "value": f'<p><a linktype="page" id="{blog["draft"].pk}">x</a></p>'}
    ]
    full.save_revision().publish()

    data = api.get(f"{POSTS}{full.pk}/", {"fields": "_,body"}).json()

    assert data["body"][0]["value"]["html"] == "<p><a>x</a></p>"


def test_listing_defaults_for_posts_are_card_ready(api, blog):
    items = _items(api.get(POSTS, {"type": "blog.BlogPostPage"}))

    assert [item["title"] for item in items] == ["Third post", "Full post", "First post"]
    assert set(items[0]) == {
        "id",
        "meta",
        "title",
        "publication_date",
        "excerpt",
        "reading_time",
        "featured_image",
        "authors",
        "categories",
        "tags",
    }
    assert "body" not in items[0] and "seo" not in items[0]
    # Lean cards: the short form of authors and images, the full one on request.
    assert set(items[0]["authors"][0]) == {"id", "name", "slug", "html_url", "html_path"}
    assert set(items[1]["featured_image"]) == {
        *("id", "alt", "width", "height", "srcset", "placeholder"),
    }
    full = _items(api.get(POSTS, {"type": "blog.BlogPostPage", "fields": "authors(*)"}))
    assert "bio" in full[0]["authors"][0]


def test_listing_has_total_count_and_pagination(api, blog, settings):
    response = api.get(POSTS, {"type": "blog.BlogPostPage", "limit": 1, "offset": 1})

    listing = f"{settings.WAGTAILAPI_BASE_URL}{POSTS}?type=blog.BlogPostPage&limit=1"
    assert response.json()["meta"] == {
        "total_count": 3,
        "page": 2,
        "pages": 3,
        "limit": 1,
        "next": f"{listing}&offset=2",
        "previous": listing,
    }
    assert [item["title"] for item in _items(response)] == ["Full post"]


def test_fields_selection_and_nested_selection(api, blog):
    items = _items(
        api.get(
            POSTS,
            {
                "type": "blog.BlogPostPage",
                "fields": "_,title,authors(name,slug),featured_image(renditions),tags(slug)",
                "order": "title",
            },
        )
    )

    assert items[0] == {
        "title": "First post",
        "authors": [{"name": "Ada Lovelace", "slug": "ada-lovelace"}],
        "featured_image": {"renditions": items[0]["featured_image"]["renditions"]},
        "tags": [{"slug": "django"}, {"slug": "python"}],
    }


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ("nope", "unknown fields: nope"),
        (
            "authors(nope)",
            "fields: unknown nested field 'nope' of 'authors' "
            "(choose from id, name, slug, job_title, bio, avatar, links, url, html_url, "
            "html_path)",
        ),
        ("title(x)", "'title' does not support nested fields"),
        ("title,,", "fields error: unexpected char ',' at position 6"),
    ],
)
def test_bad_fields_are_400(api, blog, fields, message):
    response = api.get(POSTS, {"type": "blog.BlogPostPage", "fields": fields})

    assert response.status_code == 400
    assert response.json() == {"message": message}


@pytest.mark.parametrize(
    ("params", "titles"),
    [
        ({"tag": "python"}, ["Full post", "First post"]),
        ({"tag": "django"}, ["First post"]),
        ({"tag": "unreleased"}, []),
        ({"tag": "missing"}, []),
        ({"category": "engineering"}, ["Third post", "Full post", "First post"]),
        ({"category": "design"}, []),
        ({"author": "grace-hopper"}, ["Full post"]),
        ({"author": "ada-lovelace", "tag": "wagtail"}, ["Third post"]),
        ({"order": "title"}, ["First post", "Full post", "Third post"]),
        ({"order": "-title"}, ["Third post", "Full post", "First post"]),
        ({"order": "publication_date"}, ["First post", "Full post", "Third post"]),
        ({"slug": "full-post"}, ["Full post"]),
    ],
)
def test_post_filters(api, blog, params, titles):
    items = _items(api.get(POSTS, {"type": "blog.BlogPostPage", **params}))

    assert [item["title"] for item in items] == titles


def test_post_filters_imply_posts(api, blog):
    items = _items(api.get(POSTS, {"tag": "python"}))

    assert {item["meta"]["type"] for item in items} == {"blog.BlogPostPage"}


def test_publication_date_range_is_inclusive_and_dates_cover_whole_days(api, blog):
    import datetime

    first, full, third = blog["first"], blog["full"], blog["third"]
    for post, day in ((first, 1), (full, 15), (third, 31)):
        post.publication_date = datetime.datetime(2025, 1, day, 12, tzinfo=datetime.UTC)
        post.save_revision().publish()

    def titles(**params):
        return [
            item["title"]
            for item in _items(api.get(POSTS, {"type": "blog.BlogPostPage", **params}))
        ]

    assert titles(published_after="2025-01-15") == ["Third post", "Full post"]
    assert titles(published_before="2025-01-15") == ["Full post", "First post"]
    assert titles(published_after="2025-01-02", published_before="2025-01-30") == ["Full post"]
    assert titles(published_after="2025-01-15T12:00:01Z") == ["Third post"]


def test_search_orders_by_relevance_and_combines_with_filters(api, blog):
    items = _items(api.get(POSTS, {"search": "third", "type": "blog.BlogPostPage"}))
    assert [item["title"] for item in items] == ["Third post"]

    items = _items(api.get(POSTS, {"search": "post", "tag": "django"}))
    assert [item["title"] for item in items] == ["First post"]

    items = _items(api.get(POSTS, {"search": "secret"}))
    assert items == []


def test_tree_filters(api, blog, site_tree):
    home, blog_index = site_tree
    items = _items(api.get(POSTS, {"child_of": blog_index.pk}))
    assert len(items) == 3
    items = _items(api.get(POSTS, {"child_of": "root"}))
    assert [item["title"] for item in items] == ["Blog"]
    items = _items(api.get(POSTS, {"ancestor_of": blog["first"].pk}))
    assert [item["title"] for item in items] == ["Home", "Blog"]
    items = _items(api.get(POSTS, {"descendant_of": home.pk, "type": "blog.BlogIndexPage"}))
    assert [item["title"] for item in items] == ["Blog"]


def test_find_by_html_path_and_id_redirects_to_detail(api, blog):
    response = api.get(f"{POSTS}find/", {"html_path": "/blog/full-post/", "fields": "title"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/api/v2/pages/{blog['full'].pk}/?fields=title")

    response = api.get(f"{POSTS}find/", {"id": blog["first"].pk})
    assert response.status_code == 302

    response = api.get(f"{POSTS}find/", {"html_path": "/"})
    assert response.status_code == 302
    assert response["Location"].endswith(
        f"/api/v2/pages/{blog['first'].get_parent().get_parent().pk}/?"
    )


@pytest.mark.parametrize(
    "params",
    [
        {"html_path": "/blog/secret-draft/"},
        {"html_path": "/nope/"},
        {"id": 999999},
    ],
)
def test_find_misses_are_404(api, blog, params):
    response = api.get(f"{POSTS}find/", params)

    assert response.status_code == 404
    assert response.json() == {"message": "not found"}


def test_home_and_index_pages_have_intro_and_seo(api, blog, site_tree):
    home, blog_index = site_tree
    data = api.get(f"{POSTS}{blog_index.pk}/").json()
    assert data["meta"]["type"] == "blog.BlogIndexPage"
    assert data["posts_per_page"] == 12
    assert data["seo"]["json_ld"][0]["@type"] == "WebPage"
    data = api.get(f"{POSTS}{home.pk}/").json()
    assert data["meta"]["html_path"] == "/"
    assert "intro" in data


def test_same_request_gives_the_same_bytes(api, blog):
    url = f"{POSTS}?type=blog.BlogPostPage&fields=*"

    assert api.get(url).content == api.get(url).content


def test_images_and_documents_endpoints(api, blog, image, document):
    items = _items(api.get(f"{API}/images/"))
    assert items[0]["id"] == image.pk
    assert items[0]["alt"] == "Test image"
    assert items[0]["renditions"]["social"]["width"] == 1200
    data = api.get(f"{API}/images/{image.pk}/").json()
    assert data["width"] == 1600
    items = _items(api.get(f"{API}/documents/"))
    assert items[0]["title"] == "Price list"
    assert items[0]["meta"]["download_url"].endswith("prices.pdf")
    assert api.get(f"{API}/images/find/", {"id": image.pk}).status_code == 302
    assert api.get(f"{API}/images/", {"order": "-title", "search": "test"}).status_code == 200


def test_parent_is_the_visible_parent_in_wagtails_shape_and_null_at_the_site_root(
    api, blog, site_tree
):
    index = blog["first"].get_parent()
    parent = api.get(f"{POSTS}{blog['first'].pk}/").json()["meta"]["parent"]
    assert parent["id"] == index.pk
    assert parent["title"] == index.title
    assert parent["meta"]["type"] == "blog.BlogIndexPage"
    assert parent["meta"]["detail_url"].endswith(f"/api/v2/pages/{index.pk}/")
    assert set(parent) == {"id", "meta", "title"}
    assert set(parent["meta"]) == {"type", "detail_url", "html_url", "html_path"}
    assert parent["meta"]["html_url"] == "https://www.example.com/blog/"
    # The blog index's parent is the site's home page; the home page's is above the site.
    home = index.get_parent()
    assert api.get(f"{POSTS}{index.pk}/").json()["meta"]["parent"]["id"] == home.pk
    assert api.get(f"{POSTS}{home.pk}/").json()["meta"]["parent"] is None
