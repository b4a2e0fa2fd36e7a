"""CORS (django-cors-headers): allowed origins from CORS_ALLOWED_ORIGINS, on /api/ only."""

import pytest

from tests.paths import API

FRONTEND = "https://www.example.com"


@pytest.fixture(autouse=True)
def _origins(settings):
    settings.CORS_ALLOWED_ORIGINS = [FRONTEND]


def test_allowed_origin_may_read_the_api(api, site_tree):
    response = api.get(f"{API}/pages/", HTTP_ORIGIN=FRONTEND)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FRONTEND
    assert "Access-Control-Allow-Credentials" not in response


def test_other_origins_get_no_cors_headers(api, site_tree):
    response = api.get(f"{API}/pages/", HTTP_ORIGIN="https://evil.example")

    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_preflight_allows_only_reads(api, site_tree):
    response = api.options(
        f"{API}/pages/",
        HTTP_ORIGIN=FRONTEND,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FRONTEND
    assert set(response["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_cors_is_limited_to_the_api(api, site_tree):
    response = api.get("/admin/login/", HTTP_ORIGIN=FRONTEND)

    assert "Access-Control-Allow-Origin" not in response


def test_no_wildcard_in_production(settings):
    assert settings.DEBUG is False
    assert "*" not in settings.CORS_ALLOWED_ORIGINS
    assert not getattr(settings, "CORS_ALLOW_ALL_ORIGINS", False)
