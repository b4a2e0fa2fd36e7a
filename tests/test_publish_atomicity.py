"""A publish and its audit entry commit together: a failure between them (a database restart
after the page is saved) leaves the page as it was, with its history intact."""

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError
from django.db.models.signals import pre_save
from django.urls import reverse
from wagtail.models import PageLogEntry

from blog.models import BlogPostPage
from tests.admin_forms import admin_post_form

PASSWORD = "correct-horse-battery-staple-42"


@pytest.fixture
def editor(client, db):
    get_user_model().objects.create_superuser("editor", "editor@example.com", PASSWORD)
    client.post(reverse("wagtailadmin_login"), {"username": "editor", "password": PASSWORD})
    client.raise_request_exception = False  # the editor sees the 500 page, as in production
    return client


def _publish(client, post, author, category):
    data = admin_post_form(
        author=author, category=category, action="action-publish", title="Retitled"
    )
    data["post_authors-INITIAL_FORMS"] = "1"
    data["post_authors-0-id"] = str(post.post_authors.get().pk)
    return client.post(reverse("wagtailadmin_pages:edit", args=(post.pk,)), data)


def _lose_the_connection_before_the_audit_entry(sender, instance, **kwargs):
    raise DatabaseError("server closed the connection unexpectedly")


def test_a_publish_interrupted_before_its_audit_entry_changes_nothing(
    editor, blog_index, author, category, make_post
):
    post = make_post(title="Original", slug="shipping-the-headless-blog", live=False)
    pre_save.connect(_lose_the_connection_before_the_audit_entry, sender=PageLogEntry)
    try:
        response = _publish(editor, post, author, category)
    finally:
        pre_save.disconnect(_lose_the_connection_before_the_audit_entry, sender=PageLogEntry)
    assert response.status_code == 503  # a database error: serving/server_errors.py
    post = BlogPostPage.objects.get(pk=post.pk)
    assert not post.live and post.live_revision is None and post.title == "Original"
    assert not PageLogEntry.objects.filter(page=post, action="wagtail.publish").exists()


def test_a_whole_publish_goes_live_with_its_audit_entry(
    editor, blog_index, author, category, make_post
):
    post = make_post(title="Original", slug="shipping-the-headless-blog", live=False)
    assert _publish(editor, post, author, category).status_code == 302
    post = BlogPostPage.objects.get(pk=post.pk)
    assert post.live and post.title == "Retitled"
    entry = PageLogEntry.objects.get(page=post, action="wagtail.publish")
    assert entry.revision_id == post.live_revision_id
