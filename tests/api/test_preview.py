"""Headless preview: the admin's Preview opens the frontend; the API serves that draft only
with a signed token that covers one page and expires within minutes."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse
from wagtail.test.utils.form_data import rich_text, streamfield

from blog.preview import PREVIEW_SALT, preview_token_make
from tests.admin_forms import admin_post_form
from tests.caches import cache_empty
from tests.paths import API

PREVIEW = f"{API}/preview/"


def _token_from(location: str) -> dict:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def _preview_form(*, author, title: str) -> dict:
    return admin_post_form(
        author=author,
        title=title,
        slug="first-post",
        intro="Unsaved intro.",
        body=streamfield([("paragraph", rich_text("<p>Unsaved body.</p>"))]),
        tags="preview",
    )


@pytest.fixture
def editor_client(client, db):
    user = get_user_model().objects.create_superuser("editor", "e@example.com", "pw-123456")
    client.force_login(user)
    return client


def test_admin_preview_opens_the_frontend_with_a_token_for_the_unsaved_draft(
    editor_client, api, blog, author, settings
):
    post = blog["first"]
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(post.pk,))
    posted = editor_client.post(url, _preview_form(author=author, title="Unsaved title"))
    assert posted.json()["is_valid"] is True

    response = editor_client.get(url)

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("https://www.example.com/api/preview?")
    query = _token_from(location)
    assert query["id"] == str(post.pk)
    assert query["type"] == "blog.BlogPostPage"

    draft = api.get(PREVIEW, {"token": query["token"], "id": post.pk})
    assert draft.status_code == 200
    assert draft["Cache-Control"] == "private, no-store"
    data = draft.json()
    assert data["id"] == post.pk
    assert data["title"] == "Unsaved title"
    assert data["intro"] == "Unsaved intro."
    assert "Unsaved body." in data["body"][0]["value"]["html"]
    assert [tag["slug"] for tag in data["tags"]] == ["preview"]
    assert data["seo"]["title"] == "Unsaved title"
    assert "detail_url" not in data["meta"]
    # The live page is untouched.
    assert api.get(f"{API}/pages/{post.pk}/").json()["title"] == "First post"


def test_preview_of_a_never_published_draft(api, blog):
    draft = blog["draft"]
    token = preview_token_make(page=draft)

    response = api.get(PREVIEW, {"token": token, "fields": "_,title"})

    assert response.status_code == 200
    assert response.json() == {"title": "Secret draft"}
    assert api.get(f"{API}/pages/{draft.pk}/").status_code == 404


def test_preview_falls_back_to_the_latest_revision_when_the_cache_lost_the_draft(api, blog):
    token = preview_token_make(page=blog["draft"])
    cache_empty()

    response = api.get(PREVIEW, {"token": token})

    assert response.status_code == 200
    assert response.json()["title"] == "Secret draft"


def test_preview_of_a_new_unsaved_page(api, blog, author):
    from blog.models import BlogPostAuthor, BlogPostPage

    page = BlogPostPage(
        title="Brand new",
        slug="brand-new",
        intro="Not saved yet.",
        body=[{"type": "paragraph", "value": "<p>New.</p>"}],
    )
    page.post_authors = [BlogPostAuthor(author=author)]
    token = preview_token_make(page=page)

    data = api.get(PREVIEW, {"token": token}).json()

    assert data["title"] == "Brand new"
    assert data["authors"][0]["name"] == "Ada Lovelace"


def test_expired_token_is_401_even_when_reused(api, blog, settings):
    token = preview_token_make(page=blog["draft"])
    assert api.get(PREVIEW, {"token": token}).status_code == 200

    settings.PREVIEW_TOKEN_MAX_AGE = -1  # every token is now older than its lifetime
    response = api.get(PREVIEW, {"token": token})

    assert response.status_code == 401
    assert response.json() == {"message": "preview token expired: press Preview again"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: signing.TimestampSigner(key="not-our-secret", salt=PREVIEW_SALT).sign_object(
            {"page": 1, "key": "", "revision": None}
        ),
        lambda token: signing.TimestampSigner(salt="another-salt").sign_object(
            {"page": 1, "key": "", "revision": None}
        ),
        lambda token: "garbage",
    ],
)
def test_forged_token_is_403(api, blog, forge):
    token = forge(preview_token_make(page=blog["draft"]))

    response = api.get(PREVIEW, {"token": token})

    assert response.status_code == 403
    assert response.json() == {"message": "invalid preview token"}


def test_token_for_another_page_is_403(api, blog):
    token = preview_token_make(page=blog["draft"])

    response = api.get(PREVIEW, {"token": token, "id": blog["first"].pk})

    assert response.status_code == 403
    assert response.json() == {"message": "this preview token covers another page"}


def test_missing_token_is_400_and_deleted_page_is_404(api, blog):
    response = api.get(PREVIEW)
    assert response.status_code == 400
    assert response.json() == {"message": "token is required"}
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"

    token = preview_token_make(page=blog["draft"])
    cache_empty()
    blog["draft"].delete()
    response = api.get(PREVIEW, {"token": token})
    assert response.status_code == 404
    assert response.json() == {"message": "the previewed page no longer exists"}


def test_preview_ignores_credentials_too(api, blog, editor_client):
    response = editor_client.get(PREVIEW)

    assert response.status_code == 400
