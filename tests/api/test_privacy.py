"""Drafts, scheduled, expired and restricted pages never appear, whoever asks."""

import base64
import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import PageViewRestriction

from tests.paths import API

POSTS = f"{API}/pages/"


def _titles(api, **params):
    response = api.get(POSTS, {"type": "blog.BlogPostPage", "limit": 100, **params})
    assert response.status_code == 200
    return {item["title"] for item in response.json()["items"]}


def _visible_everywhere(api, post) -> dict:
    """Where a post can be seen: listing, detail, find, search, tag counts."""
    tag_slugs = [tag.slug for tag in post.tags.all()]
    tags = api.get(f"{API}/tags/", {"limit": 100}).json()["items"] if tag_slugs else []
    return {
        "listing": post.title in _titles(api),
        "detail": api.get(f"{POSTS}{post.pk}/").status_code == 200,
        "find": api.get(f"{POSTS}find/", {"html_path": post.url_path[len("/home") :]}).status_code
        == 302,
        "search": post.title in _titles(api, search=post.title.split()[0]),
        "tag_listing": any(tag["slug"] in tag_slugs for tag in tags),
    }


def _hidden(api, post):
    seen = _visible_everywhere(api, post)
    assert not any(seen.values()), seen


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("editor", "e@example.com", "pw-123456")


def test_live_post_is_visible_everywhere(api, make_post):
    post = make_post(title="Visible post", tags=("shown",))

    assert all(_visible_everywhere(api, post).values())


def test_draft_is_hidden(api, make_post):
    _hidden(api, make_post(title="Draft post", live=False, tags=("drafty",)))


def test_scheduled_post_is_hidden(api, make_post):
    post = make_post(title="Scheduled post", live=False, tags=("later",))
    post.go_live_at = timezone.now() + datetime.timedelta(days=1)
    post.save_revision().publish()
    post.refresh_from_db()
    assert not post.live

    _hidden(api, post)


def test_expired_post_is_hidden_before_the_expiry_job_runs(api, make_post):
    post = make_post(title="Expired post", tags=("old",))
    post.expire_at = timezone.now() - datetime.timedelta(minutes=1)
    post.save(update_fields=["expire_at"])

    _hidden(api, post)


def test_password_restricted_post_is_hidden(api, make_post):
    post = make_post(title="Password post", tags=("locked",))
    PageViewRestriction.objects.create(page=post, restriction_type="password", password="x")

    _hidden(api, post)


def test_login_restricted_section_hides_its_descendants(api, make_post, blog_index):
    post = make_post(title="Members post", tags=("members",))
    PageViewRestriction.objects.create(page=blog_index, restriction_type="login")

    _hidden(api, post)
    assert api.get(f"{POSTS}{blog_index.pk}/").status_code == 404


def test_group_restricted_post_is_hidden(api, make_post):
    from django.contrib.auth.models import Group

    post = make_post(title="Group post", tags=("staff",))
    restriction = PageViewRestriction.objects.create(page=post, restriction_type="groups")
    restriction.groups.set([Group.objects.create(name="Staff")])

    _hidden(api, post)


def test_posts_under_an_unpublished_section_are_hidden(api, make_post, blog_index):
    post = make_post(title="Orphan post", tags=("orphan",))
    blog_index.unpublish()

    _hidden(api, post)


def test_session_cookie_and_basic_auth_change_nothing(api, make_post, editor):
    public = make_post(title="Public post")
    private = make_post(title="Private post")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    draft = make_post(title="Draft post", live=False)
    anonymous = api.get(POSTS, {"type": "blog.BlogPostPage"}).content

    api.force_login(editor)
    logged_in = api.get(POSTS, {"type": "blog.BlogPostPage"})
    basic = api.get(
        POSTS,
        {"type": "blog.BlogPostPage"},
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"editor:pw-123456").decode(),
    )

    assert logged_in.content == anonymous == basic.content
    assert {item["title"] for item in logged_in.json()["items"]} == {"Public post"}
    assert api.get(f"{POSTS}{private.pk}/").status_code == 404
    assert api.get(f"{POSTS}{draft.pk}/").status_code == 404
    assert public.live


def test_password_entered_in_the_session_changes_nothing(api, make_post):
    post = make_post(title="Password post")
    restriction = PageViewRestriction.objects.create(
        page=post, restriction_type="password", password="x"
    )
    session = api.session
    session[PageViewRestriction.passed_view_restrictions_session_key] = [restriction.pk]
    session.save()

    assert api.get(f"{POSTS}{post.pk}/").status_code == 404


def test_images_in_private_collections_are_hidden(api, image):
    from wagtail.models import Collection, CollectionViewRestriction

    private = Collection.get_first_root_node().add_child(name="Private")
    image.collection = private
    image.save()
    CollectionViewRestriction.objects.create(collection=private, restriction_type="login")

    assert api.get(f"{API}/images/").json()["meta"]["total_count"] == 0
    assert api.get(f"{API}/images/{image.pk}/").status_code == 404
