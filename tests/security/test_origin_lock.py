"""The edge lock: a request that went around the CDN is refused; the probes still answer."""

import pytest

from serving.origin_lock import OriginLockMiddleware


@pytest.fixture
def locked(settings):
    settings.ORIGIN_SECRET = "current-value, next-value"
    settings.ORIGIN_SECRET_HEADER = "X-Origin-Verify"


def test_a_request_without_the_origin_header_is_refused_with_json(locked, client, db):
    response = client.get("/api/v2/pages/")
    assert response.status_code == 403
    assert response.json() == {"message": "Requests must come through the site's CDN."}


@pytest.mark.parametrize("value", ["", "wrong", "current-value,next-value", "current-valu"])
def test_a_wrong_origin_header_is_refused(locked, client, db, value):
    assert client.get("/api/v2/pages/", HTTP_X_ORIGIN_VERIFY=value).status_code == 403


@pytest.mark.parametrize("value", ["current-value", "next-value"])
def test_either_value_of_a_rotation_is_served(locked, client, site_tree, value):
    assert client.get("/api/v2/pages/", HTTP_X_ORIGIN_VERIFY=value).status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_the_probes_answer_without_the_header(locked, client, db, path):
    assert client.get(path).status_code == 200


def test_the_header_is_removed_once_checked(locked, rf):
    seen = {}

    def view(request):
        seen.update(request.META)
        from django.http import HttpResponse

        return HttpResponse("ok")

    request = rf.get("/", HTTP_X_ORIGIN_VERIFY="current-value")
    assert OriginLockMiddleware(view)(request).status_code == 200
    assert "HTTP_X_ORIGIN_VERIFY" not in seen


def test_the_lock_is_off_without_a_secret(settings, client, site_tree):
    settings.ORIGIN_SECRET = ""
    assert client.get("/api/v2/pages/").status_code == 200
