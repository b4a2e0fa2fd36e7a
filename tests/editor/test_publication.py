"""Seeded and imported pages are real publications: a live revision and a first history
entry, so scheduling an update keeps them live until the new revision goes live."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageLogEntry

from blog.models import BlogPostPage
from blog.publication import pages_live_without_revision
from tests.admin_forms import admin_post_form

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_seed_demo_publishes_every_page_through_a_revision():
    call_command("seed_demo", posts=4, seed=3)

    live = Page.objects.live().filter(depth__gt=1)
    assert live.count() == 6  # home, blog index, four posts
    assert not pages_live_without_revision().exists()
    for page in live.specific():
        assert page.live_revision_id is not None
        assert page.latest_revision_id == page.live_revision_id
        assert page.live_revision.as_object().title == page.title
        actions = list(
            PageLogEntry.objects.filter(page=page)
            .order_by("timestamp", "pk")
            .values_list("action", flat=True)
        )
        assert actions == ["wagtail.create", "wagtail.publish"]


@pytest.mark.slow
def test_scheduling_an_update_to_a_seeded_post_keeps_it_live(client):
    call_command("seed_demo", posts=2, seed=3)
    post = BlogPostPage.objects.order_by("pk").first()
    editor = get_user_model().objects.create_superuser("editor", "e@example.com", "pw-123456")
    client.force_login(editor)
    author = post.post_authors.first().author
    go_live = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=(post.pk,)),
        admin_post_form(
            author=author,
            title="Scheduled new title",
            slug=post.slug,
            go_live_at=go_live,
            action="action-publish",
        ),
    )

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.live is True  # still served while the update waits
    assert post.title != "Scheduled new title"  # readers still get the live revision
    assert post.latest_revision.approved_go_live_at is not None
    detail = client.get(f"/api/v2/pages/{post.pk}/")
    assert detail.status_code == 200


def test_repair_command_fixes_pages_made_live_without_a_revision(site_tree, capsys):
    home, index = site_tree  # created with add_child(live=True), as an import would
    assert set(pages_live_without_revision().values_list("pk", flat=True)) == {
        home.pk,
        index.pk,
    }

    call_command("repair_live_revisions", dry_run=True)
    assert "2 live pages without a live revision." in capsys.readouterr().out
    assert pages_live_without_revision().count() == 2  # a dry run changes nothing

    call_command("repair_live_revisions")
    assert "Repaired 2 live pages." in capsys.readouterr().out
    assert not pages_live_without_revision().exists()
    index.refresh_from_db()
    assert index.live_revision.as_object().title == index.title
    assert PageLogEntry.objects.filter(page=index, action="wagtail.publish").exists()

    call_command("repair_live_revisions")  # nothing left to do
    assert "0 live pages without a live revision." in capsys.readouterr().out
