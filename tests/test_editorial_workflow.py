"""Wagtail's editorial machinery on blog posts: revisions, scheduling and locking."""

import datetime

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from blog.models import BlogPostPage
from tests.admin_forms import admin_post_form


def test_revisions_keep_every_saved_version(make_post):
    post = make_post(title="First title")
    post.title = "Second title"
    post.save_revision()
    titles = [rev.as_object().title for rev in post.revisions.order_by("created_at")]
    assert titles == ["First title", "Second title"]
    post.refresh_from_db()
    assert post.title == "First title"  # the live version is unchanged until published
    assert post.has_unpublished_changes


def test_scheduled_post_goes_live_only_when_due_and_expires(make_post):
    post = make_post(title="Scheduled", live=False)
    go_live = timezone.now() + datetime.timedelta(hours=1)
    post.go_live_at = go_live
    post.save_revision().publish()
    post.refresh_from_db()
    assert not post.live  # publishing a future go-live date schedules it
    assert not BlogPostPage.objects.live().filter(pk=post.pk).exists()

    call_command("publish_scheduled")
    post.refresh_from_db()
    assert not post.live

    # Time passes: the go-live moment is now in the past.
    past = timezone.now() - datetime.timedelta(seconds=1)
    revision = post.scheduled_revision
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save(update_fields=["approved_go_live_at", "content"])
    call_command("publish_scheduled")
    post.refresh_from_db()
    assert post.live

    BlogPostPage.objects.filter(pk=post.pk).update(
        expire_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    call_command("publish_scheduled")
    post.refresh_from_db()
    assert not post.live
    assert post.expired


def test_locked_post_cannot_be_edited_by_another_editor(client, make_post, author, category):
    post = make_post(title="Locked")
    user_model = get_user_model()
    owner = user_model.objects.create_superuser("owner", "o@example.com", "pw-owner-123456")
    other = user_model.objects.create_superuser("other", "x@example.com", "pw-other-123456")
    post.locked = True
    post.locked_by = owner
    post.locked_at = timezone.now()
    post.save()
    lock = post.get_lock()
    assert lock is not None
    assert lock.for_user(other)
    assert not lock.for_user(owner)

    client.force_login(other)
    assert "locked" in client.get(f"/admin/pages/{post.pk}/edit/").content.decode().lower()
    data = admin_post_form(author=author, category=category, action="action-publish")
    data["title"] = "Hijacked"
    data["slug"] = post.slug
    data["post_authors-INITIAL_FORMS"] = "1"
    data["post_authors-0-id"] = str(post.post_authors.get().pk)
    client.post(f"/admin/pages/{post.pk}/edit/", data)
    post.refresh_from_db()
    assert post.title == "Locked"
    assert not post.revisions.filter(content__title="Hijacked").exists()
