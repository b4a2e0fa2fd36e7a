"""Exact invalidation: each kind of change misses what it affects and nothing else."""

from django.contrib.auth.models import Group
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site

from blog.models import Author, BlogIndexPage, BlogPostAuthor, BlogPostPage, Category, SiteSettings

LIST = "/api/v2/pages/?type=blog.BlogPostPage&fields=title"


def detail(page) -> str:
    return f"/api/v2/pages/{page.pk}/"


def warm(client, *urls):
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Cache"] == "hit", url


def test_publish_refreshes_the_post_and_listings_but_not_other_posts(client, posts, committed):
    first, second, _ = posts
    warm(client, LIST, detail(first), detail(second))
    first.title = "First post, revised"
    with committed():
        first.save_revision().publish()
    response = client.get(detail(first))
    assert response["X-Cache"] == "miss"
    assert response.json()["title"] == "First post, revised"
    listing = client.get(LIST)
    assert listing["X-Cache"] == "miss"
    assert "First post, revised" in [i["title"] for i in listing.json()["items"]]
    assert client.get(detail(second))["X-Cache"] == "hit"


def test_publish_refreshes_posts_that_link_to_it(client, posts, committed):
    first, second, third = posts  # third lists first as a related post
    warm(client, detail(second), detail(third))
    first.title = "Renamed"
    with committed():
        first.save_revision().publish()
    assert client.get(detail(third))["X-Cache"] == "miss"
    assert client.get(detail(second))["X-Cache"] == "hit"


def test_saving_a_draft_changes_nothing_readers_see(client, posts, committed):
    first = posts[0]
    warm(client, LIST, detail(first))
    first.title = "Draft title"
    with committed():
        first.save_revision()
    response = client.get(detail(first))
    assert response["X-Cache"] == "hit"
    assert response.json()["title"] == "First post"
    assert client.get(LIST)["X-Cache"] == "hit"


def test_unpublish_removes_the_post_from_listings_and_its_detail(client, posts, committed):
    first = posts[0]
    warm(client, LIST, detail(first))
    with committed():
        first.unpublish()
    assert client.get(detail(first)).status_code == 404
    titles = {i["title"] for i in client.get(LIST).json()["items"]}
    assert titles == {"Second post", "Third post"}


def test_delete_removes_the_post_and_refreshes_posts_linking_to_it(client, posts, committed):
    first, second, third = posts
    warm(client, LIST, detail(first), detail(second), detail(third))
    with committed():
        Page.objects.get(pk=first.pk).delete()
    assert client.get(detail(first)).status_code == 404
    assert len(client.get(LIST).json()["items"]) == 2
    assert client.get(detail(third))["X-Cache"] == "miss"
    assert client.get(detail(second))["X-Cache"] == "hit"


def test_move_refreshes_the_moved_post_only(client, posts, site_tree, committed):
    home, _ = site_tree
    first, second, _ = posts
    archive = home.add_child(instance=BlogIndexPage(title="Archive", slug="archive"))
    warm(client, LIST, detail(first), detail(second))
    with committed():
        Page.objects.get(pk=first.pk).move(archive, pos="last-child")
    response = client.get(detail(first))
    assert response["X-Cache"] == "miss"
    assert response.json()["meta"]["parent"]["id"] == archive.pk
    assert client.get(detail(second))["X-Cache"] == "hit"


def test_privacy_change_hides_the_post_at_once(client, posts, committed):
    first, second, _ = posts
    warm(client, LIST, detail(first), detail(second))
    with committed():
        PageViewRestriction.objects.create(
            page=first, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
        )
    assert client.get(detail(first)).status_code == 404
    assert "First post" not in [i["title"] for i in client.get(LIST).json()["items"]]
    assert client.get(detail(second))["X-Cache"] == "hit"
    with committed():
        PageViewRestriction.objects.filter(page=first).delete()
    assert client.get(detail(first)).status_code == 200


def test_author_change_refreshes_their_posts_only(client, posts, make_post, committed):
    other = Author.objects.create(name="Grace Hopper")
    solo = make_post(title="By Grace")
    BlogPostAuthor.objects.filter(post=solo).update(author=other)
    first = posts[0]
    warm(client, LIST, detail(first), detail(solo))
    with committed():
        other.job_title = "Rear admiral"
        other.save()
    assert client.get(detail(solo))["X-Cache"] == "miss"
    assert client.get(LIST)["X-Cache"] == "miss"
    assert client.get(detail(first))["X-Cache"] == "hit"


def test_category_change_refreshes_its_posts_only(client, posts, make_post, committed):
    first = posts[0]
    design = Category.objects.create(name="Design")
    lone = make_post(title="Design post")
    BlogPostPage.categories.through.objects.filter(blogpostpage_id=lone.pk).update(category=design)
    warm(client, LIST, detail(first), detail(lone))
    with committed():
        design.description = "Interfaces."
        design.save()
    assert client.get(detail(lone))["X-Cache"] == "miss"
    assert client.get(detail(first))["X-Cache"] == "hit"


def test_tag_change_refreshes_tagged_posts_only(client, posts, committed):
    first, second, _ = posts  # python, django
    warm(client, LIST, detail(first), detail(second))
    tag = first.tags.get(name="python")
    with committed():
        tag.name = "Python 3"
        tag.save()
    assert client.get(detail(first))["X-Cache"] == "miss"
    assert client.get(detail(second))["X-Cache"] == "hit"


def test_image_change_refreshes_posts_showing_it(client, posts, image, committed):
    first, second, _ = posts
    first.featured_image = image
    first.save_revision().publish()
    warm(client, detail(first), detail(second), f"/api/v2/images/{image.pk}/")
    with committed():
        image.title = "A better title"
        image.save()
    assert client.get(detail(first))["X-Cache"] == "miss"
    image_response = client.get(f"/api/v2/images/{image.pk}/")
    assert image_response["X-Cache"] == "miss"
    assert image_response.json()["title"] == "A better title"
    assert client.get(detail(second))["X-Cache"] == "hit"


def test_image_delete_refreshes_the_images_listing(client, image, committed):
    warm(client, "/api/v2/images/")
    with committed():
        get_image_model().objects.filter(pk=image.pk).delete()
    response = client.get("/api/v2/images/")
    assert response["X-Cache"] == "miss"
    assert response.json()["meta"]["total_count"] == 0


def test_site_settings_change_refreshes_everything(client, posts, committed):
    first = posts[0]
    warm(client, LIST, detail(first))
    site = Site.objects.get(is_default_site=True)
    with committed():
        SiteSettings.for_site(site).save()
    assert client.get(detail(first))["X-Cache"] == "miss"
    assert client.get(LIST)["X-Cache"] == "miss"


def test_redirect_change_refreshes_path_lookups_not_details(client, posts, committed):
    first = posts[0]
    warm(client, LIST, detail(first))
    with committed():
        Redirect.objects.create(old_path="/old", redirect_page=first)
    assert client.get(LIST)["X-Cache"] == "miss"
    assert client.get(detail(first))["X-Cache"] == "hit"


def test_unrelated_saves_invalidate_nothing(client, posts, committed):
    warm(client, LIST, detail(posts[0]))
    with committed():
        Group.objects.create(name="Reviewers")
    assert client.get(LIST)["X-Cache"] == "hit"
    assert client.get(detail(posts[0]))["X-Cache"] == "hit"
