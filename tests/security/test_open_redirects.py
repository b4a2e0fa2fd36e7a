"""No redirect sends a visitor to a site we do not serve."""

import pytest
from django.urls import reverse
from wagtail.models import PageViewRestriction

from tests.factories import EDITOR_PASSWORD

FOREIGN_TARGETS = [
    "https://evil.example.net/",
    "//evil.example.net/",
    "/\\evil.example.net/",
    "https:evil.example.net",
    "javascript:alert(1)",
]


def assert_stays_home(response):
    assert response.status_code == 302
    location = response["Location"]
    assert "evil.example.net" not in location
    assert not location.startswith(("//", "/\\", "javascript:"))


@pytest.mark.parametrize("target", FOREIGN_TARGETS)
def test_sign_in_next_never_leaves_the_site(client, editor, target):
    response = client.post(
        f"{reverse('wagtailadmin_login')}?next={target}",
        {"username": "editor", "password": EDITOR_PASSWORD, "next": target},
    )
    assert_stays_home(response)
    assert response["Location"] == reverse("wagtailadmin_home")


@pytest.mark.parametrize("target", FOREIGN_TARGETS)
def test_page_password_form_never_returns_to_a_foreign_site(client, make_post, target):
    post = make_post(title="Members only")
    restriction = PageViewRestriction.objects.create(
        page=post, restriction_type=PageViewRestriction.PASSWORD, password="letmein-123"
    )
    response = client.post(
        reverse("wagtailcore_authenticate_with_password", args=(restriction.pk, post.pk)),
        {"password": "letmein-123", "return_url": target},
    )
    assert_stays_home(response)


@pytest.mark.parametrize("path", ["//evil.example.net", "//evil.example.net/admin", "/\\evil"])
def test_slash_tricks_in_the_path_do_not_redirect_off_site(client, site_tree, path):
    response = client.get(path)
    assert "evil.example.net" not in response.get("Location", "").replace(
        "/%2Fevil.example.net", ""
    )
    assert not response.get("Location", "").startswith(("//", "/\\"))
