"""Admin sign-in is locked after LOGIN_FAILURE_LIMIT failures, per client IP and per
username; the right password does not get through a lockout, and the page says why."""

import pytest
from django.urls import reverse

from tests.factories import EDITOR_PASSWORD


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = 5


def sign_in(client, *, username="editor", password, ip="198.51.100.20"):
    return client.post(
        reverse("wagtailadmin_login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def assert_locked_out(response):
    assert response.status_code == 429
    assert 60 <= int(response["Retry-After"]) <= 24 * 3600
    page = response.content.decode()
    assert "Too many failed sign-in attempts" in page
    assert "Sign-in is locked for 15 minutes" in page


def test_fifteen_wrong_passwords_then_the_right_one_is_refused(client, editor):
    statuses = [sign_in(client, password=f"wrong-{n}").status_code for n in range(15)]
    # Wagtail re-renders the form (200) until the limit, then the lockout (429).
    assert statuses[:4] == [200] * 4
    assert set(statuses[4:]) == {429}
    response = sign_in(client, password=EDITOR_PASSWORD)
    assert_locked_out(response)
    assert "_auth_user_id" not in client.session


def test_username_is_locked_whichever_address_guesses(client, editor):
    for n in range(5):
        sign_in(client, password="wrong", ip=f"203.0.113.{n}")
    # A fresh address, the right password: the account itself is locked.
    assert_locked_out(sign_in(client, password=EDITOR_PASSWORD, ip="192.0.2.99"))


def test_address_is_locked_whichever_username_it_tries(client, editor):
    for n in range(5):
        sign_in(client, username=f"guess{n}", password="wrong", ip="203.0.113.77")
    assert_locked_out(sign_in(client, password=EDITOR_PASSWORD, ip="203.0.113.77"))
    # Others still sign in: the lockout is per address and per username, not global.
    response = sign_in(client, password=EDITOR_PASSWORD, ip="192.0.2.10")
    assert response.status_code == 302


def test_forged_forwarded_for_does_not_escape_the_address_lockout(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        client.post(
            reverse("wagtailadmin_login"),
            {"username": f"guess{n}", "password": "wrong"},
            REMOTE_ADDR="10.0.3.7",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.66",
        )
    response = client.post(
        reverse("wagtailadmin_login"),
        {"username": "editor", "password": EDITOR_PASSWORD},
        REMOTE_ADDR="10.0.3.7",
        HTTP_X_FORWARDED_FOR="192.0.2.200, 198.51.100.66",
    )
    assert_locked_out(response)


def test_a_success_before_the_limit_resets_the_count(client, editor):
    for _ in range(4):
        sign_in(client, password="wrong")
    assert sign_in(client, password=EDITOR_PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, password="wrong").status_code == 200
    assert sign_in(client, password=EDITOR_PASSWORD).status_code == 302


def test_weak_passwords_are_refused(editor):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("password", "12345678", "editor123", "short"):
        with pytest.raises(ValidationError):
            validate_password(weak, user=editor)
