"""HTTPS behind the ALB: redirect (probes exempt), cookies, session lifetime, CSRF."""

import pytest
from django.urls import reverse

from tests.factories import EDITOR_PASSWORD


@pytest.fixture
def https_on(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True


def test_plain_http_is_redirected_to_https(client, site_tree, https_on):
    response = client.get("/api/v2/pages/?limit=1")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/api/v2/pages/?limit=1"


def test_https_from_the_alb_is_served(client, site_tree, https_on):
    response = client.get("/api/v2/pages/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/healthz/"])
def test_probes_are_not_redirected_to_https(client, db, https_on, path):
    response = client.get(path)
    assert not response.get("Location", "").startswith("https://")
    # The same request to any other path is redirected.
    assert client.get(f"/api{path}")["Location"].startswith("https://")


def test_redirect_never_goes_to_a_host_we_do_not_serve(client, db, https_on):
    response = client.get("/admin/", headers={"host": "evil.example.net"})
    assert response.status_code == 400
    assert "Location" not in response


def test_session_cookie_is_secure_httponly_lax_and_dies_with_the_browser(
    client, editor, https_on, settings
):
    response = client.post(
        reverse("wagtailadmin_login"),
        {"username": "editor", "password": EDITOR_PASSWORD},
        headers={"x-forwarded-proto": "https"},
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    # Expires at browser close: no Max-Age or Expires on the cookie...
    assert not session["max-age"] and not session["expires"]
    # ...and at most an hour of inactivity on the server side.
    assert client.session.get_expiry_age() == 3600
    assert client.session.get_expire_at_browser_close() is True
    csrf = response.cookies.get(settings.CSRF_COOKIE_NAME)
    if csrf is not None:
        assert csrf["secure"] is True
        assert csrf["httponly"] is True
        assert csrf["samesite"] == "Lax"


def test_admin_posts_need_a_csrf_token_from_a_trusted_origin(editor, settings):
    from django.test import Client

    settings.CSRF_TRUSTED_ORIGINS = ["https://cms.example.com"]
    settings.ALLOWED_HOSTS = ["cms.example.com", "testserver"]
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("wagtailadmin_login"),
        {"username": "editor", "password": EDITOR_PASSWORD},
        headers={"host": "cms.example.com", "x-forwarded-proto": "https"},
    )
    assert response.status_code == 403
    # With the token and a trusted origin the same sign-in works.
    page = client.get(
        reverse("wagtailadmin_login"),
        headers={"host": "cms.example.com", "x-forwarded-proto": "https"},
    )
    token = page.context["csrf_token"]
    response = client.post(
        reverse("wagtailadmin_login"),
        {"username": "editor", "password": EDITOR_PASSWORD, "csrfmiddlewaretoken": str(token)},
        headers={
            "host": "cms.example.com",
            "x-forwarded-proto": "https",
            "origin": "https://cms.example.com",
            "referer": "https://cms.example.com/admin/login/",
        },
    )
    assert response.status_code == 302
    # A foreign origin with a valid token is still refused.
    client.logout()
    response = client.post(
        reverse("wagtailadmin_login"),
        {"username": "editor", "password": EDITOR_PASSWORD, "csrfmiddlewaretoken": str(token)},
        headers={
            "host": "cms.example.com",
            "x-forwarded-proto": "https",
            "origin": "https://evil.example.net",
        },
    )
    assert response.status_code == 403
