"""An author row the editor added and left empty never stops the preview or autosave, and
is dropped on save; a filled but invalid row still shows its error (``blog.inline_rows``).

The POST data is what Chromium sends (``tests/browser/test_preview_follows_the_editor.py``
drives the same paths): Wagtail's *Add author* numbers the new row's ``ORDER`` at once.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset

from blog.models import BlogPostPage
from tests.admin_forms import admin_post_form
from tests.factories import second_author_make

pytestmark = pytest.mark.django_db

AUTOSAVE = {"HTTP_ACCEPT": "application/json"}  # how the admin's autosave posts the form


@pytest.fixture
def editor_client(client):
    user = get_user_model().objects.create_superuser("editor", "e@example.com", "pw-123456")
    client.force_login(user)
    return client


def _authors(*rows: dict, initial: int) -> dict:
    """The author rows as the admin posts them: ``ORDER`` counts from 1, as core.js sets it."""
    forms = [{"ORDER": str(number), "DELETE": "", **row} for number, row in enumerate(rows, 1)]
    return inline_formset(forms, min=1, initial=initial)


def _edit_form(post, author, *rows: dict, initial: int = 1, **fields) -> dict:
    saved_row = {"id": str(post.post_authors.get().pk), "author": str(author.pk)}
    return admin_post_form(
        author=author,
        slug=post.slug,
        post_authors=_authors(saved_row, *rows, initial=initial),
        **fields,
    )


def test_preview_of_a_post_with_an_empty_added_author_row_renders_the_draft(
    editor_client, make_post, author, settings
):
    settings.FRONTEND_PREVIEW_URL = ""
    post = make_post(title="Before the preview")
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(post.pk,))

    posted = editor_client.post(url, _edit_form(post, author, {"author": ""}, title="Draft title"))

    assert posted.status_code == 200
    assert posted.json() == {"is_valid": True, "is_available": True}
    html = editor_client.get(url).content.decode()
    assert "<h1>Draft title</h1>" in html
    assert "By Ada Lovelace" in html


def test_autosave_with_an_empty_added_author_row_saves_the_draft_without_it(
    editor_client, make_post, author
):
    post = make_post()
    url = reverse("wagtailadmin_pages:edit", args=(post.pk,))

    response = editor_client.post(
        url, _edit_form(post, author, {"author": ""}, title="Autosaved title"), **AUTOSAVE
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    # Wagtail counts every row as saved now; the next post of the form says so.
    assert body["field_updates"] == {"post_authors-INITIAL_FORMS": "2"}
    draft = BlogPostPage.objects.get(pk=post.pk).get_latest_revision_as_object()
    assert draft.title == "Autosaved title"
    assert [row.author for row in draft.post_authors.all()] == [author]


def test_publishing_after_an_autosave_drops_the_row_still_empty(editor_client, make_post, author):
    post = make_post()
    url = reverse("wagtailadmin_pages:edit", args=(post.pk,))
    # After the autosave above, the empty row counts as an initial row without an id.
    data = _edit_form(post, author, {"author": "", "id": ""}, initial=2, title="Published title")

    response = editor_client.post(url, data | {"action-publish": "publish"})

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title == "Published title"
    assert [row.author for row in post.post_authors.all()] == [author]


def test_a_new_post_previews_before_its_first_author_is_chosen_but_cannot_be_published(
    editor_client, blog_index, author, settings
):
    settings.FRONTEND_PREVIEW_URL = ""
    empty_first_row = {"post_authors": _authors({"author": ""}, initial=0)}
    preview = reverse(
        "wagtailadmin_pages:preview_on_add", args=("blog", "blogpostpage", blog_index.pk)
    )

    posted = editor_client.post(preview, admin_post_form(author=author, **empty_first_row))

    assert posted.json() == {"is_valid": True, "is_available": True}
    add = reverse("wagtailadmin_pages:add", args=("blog", "blogpostpage", blog_index.pk))
    published = editor_client.post(
        add, admin_post_form(author=author, action="action-publish", **empty_first_row)
    )
    assert published.status_code == 200  # the form again, with the error
    errors = published.context["form"].formsets["post_authors"].errors
    assert errors[0] == {"author": ["This field is required."]}
    assert not BlogPostPage.objects.exists()


def test_a_filled_but_invalid_author_row_still_fails_the_save_with_its_error(
    editor_client, make_post, author
):
    """The row names an author deleted since the editor chose it (another tab, a colleague)."""
    post = make_post(title="Kept title")
    url = reverse("wagtailadmin_pages:edit", args=(post.pk,))
    stale = _edit_form(post, author, {"author": "999999"}, title="Not saved")

    autosaved = editor_client.post(url, stale, **AUTOSAVE)
    saved = editor_client.post(url, stale)
    published = editor_client.post(url, stale | {"action-publish": "publish"})

    assert autosaved.status_code == 400
    assert autosaved.json()["error_code"] == "validation_error"
    for response in (saved, published):
        assert response.status_code == 200  # the form again, with the row's error
        errors = response.context["form"].formsets["post_authors"].errors
        assert errors[1] == {
            "author": ["Select a valid choice. That choice is not one of the available choices."]
        }
    post.refresh_from_db()
    assert post.title == "Kept title"
    assert post.get_latest_revision_as_object().title == "Kept title"


def test_a_second_author_chosen_in_an_added_row_is_saved_in_order(editor_client, make_post, author):
    post = make_post()
    grace = second_author_make()
    url = reverse("wagtailadmin_pages:edit", args=(post.pk,))

    response = editor_client.post(
        url, _edit_form(post, author, {"author": str(grace.pk)}) | {"action-publish": "publish"}
    )

    assert response.status_code == 302
    assert [row.author for row in post.post_authors.order_by("sort_order")] == [author, grace]
