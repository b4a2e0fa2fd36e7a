"""An editor's whole journey through the Wagtail admin views (Django's test client).

Log in, write a post with a body, tags, an author and a category, save a draft (not
public), publish (live and in /api/v2/pages/), unpublish (gone again).
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from blog.models import BlogPostPage
from tests.admin_forms import admin_post_form

PASSWORD = "correct-horse-battery-staple-42"


@pytest.fixture
def editor_client(client, db):
    user = get_user_model().objects.create_superuser("editor", "editor@example.com", PASSWORD)
    response = client.post(
        reverse("wagtailadmin_login"), {"username": "editor", "password": PASSWORD}
    )
    assert response.status_code == 302, "login should redirect to the dashboard"
    client.user = user
    return client


def _api_titles(client) -> list[str]:
    response = client.get("/api/v2/pages/?type=blog.BlogPostPage")
    assert response.status_code == 200
    return [item["title"] for item in response.json()["items"]]


def test_editor_writes_drafts_publishes_and_unpublishes(
    editor_client, blog_index, author, category
):
    add_url = reverse("wagtailadmin_pages:add", args=("blog", "blogpostpage", blog_index.pk))
    assert editor_client.get(add_url).status_code == 200

    # Save a draft: stored, not live, not in the API.
    response = editor_client.post(
        add_url, admin_post_form(author=author, category=category, action="")
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    post = BlogPostPage.objects.get(slug="shipping-the-headless-blog")
    assert not post.live
    assert post.get_latest_revision() is not None
    assert "Shipping the headless blog" not in _api_titles(editor_client)

    # Publish from the edit view.
    edit_url = reverse("wagtailadmin_pages:edit", args=(post.pk,))
    data = admin_post_form(author=author, category=category, action="action-publish")
    data["post_authors-INITIAL_FORMS"] = "1"
    data["post_authors-0-id"] = str(post.post_authors.get().pk)
    response = editor_client.post(edit_url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    post.refresh_from_db()
    assert post.live
    assert post.publication_date == post.first_published_at
    assert post.reading_time == 1
    assert sorted(post.tags.names()) == ["kubernetes", "wagtail"]
    assert [link.author for link in post.post_authors.all()] == [author]
    assert list(post.categories.all()) == [category]
    assert "Shipping the headless blog" in _api_titles(editor_client)
    assert editor_client.get(post.url).status_code == 200

    # Unpublish: gone from the API again, content kept.
    unpublish_url = reverse("wagtailadmin_pages:unpublish", args=(post.pk,))
    assert editor_client.post(unpublish_url).status_code == 302
    post.refresh_from_db()
    assert not post.live
    assert "Shipping the headless blog" not in _api_titles(editor_client)


def test_admin_shows_validation_messages_an_editor_understands(
    editor_client, blog_index, author, category
):
    add_url = reverse("wagtailadmin_pages:add", args=("blog", "blogpostpage", blog_index.pk))
    data = admin_post_form(author=author, category=category, action="action-publish")
    data.update(nested_form_data({"body": streamfield([])}))
    response = editor_client.post(add_url, data)
    assert response.status_code == 200
    assert (
        "Add at least one block to the body before saving."
        in response.context["form"].errors["body"]
    )
    assert not BlogPostPage.objects.filter(slug="shipping-the-headless-blog").exists()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/snippets/blog/author/",
        "/admin/snippets/blog/category/",
        "/admin/snippets/blog/author/?q=Ada",
        "/admin/settings/blog/sitesettings/",
        "/admin/settings/wagtailseo/seosettings/",
        "/admin/locales/",
    ],
)
def test_snippets_and_settings_are_in_the_admin(editor_client, site_tree, author, url):
    response = editor_client.get(url, follow=True)
    assert response.status_code == 200


def test_author_listing_searches(editor_client, author, db):
    from blog.models import Author

    Author.objects.create(name="Grace Hopper")
    response = editor_client.get("/admin/snippets/blog/author/?q=Grace")
    body = response.content.decode()
    assert "Grace Hopper" in body
    assert "Ada Lovelace" not in body
