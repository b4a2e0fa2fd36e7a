"""CORS: the API answers the configured frontends only, and nothing else is shared."""

import pytest

ALLOWED = "https://www.example.com"
FOREIGN = "https://evil.example.net"


@pytest.fixture(autouse=True)
def _origins(settings):
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED]


def test_allowed_origin_may_read_the_api(client, site_tree):
    response = client.get("/api/v2/pages/", headers={"origin": ALLOWED})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    # Never with credentials: the API is public and ignores cookies.
    assert "Access-Control-Allow-Credentials" not in response


def test_foreign_origin_gets_no_cors_grant(client, site_tree):
    response = client.get("/api/v2/pages/", headers={"origin": FOREIGN})
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize(("origin", "granted"), [(ALLOWED, True), (FOREIGN, False)])
def test_preflight_grants_reads_only_to_allowed_origins(client, site_tree, origin, granted):
    response = client.options(
        "/api/v2/pages/",
        headers={"origin": origin, "access-control-request-method": "GET"},
    )
    assert response.status_code == 200
    assert ("Access-Control-Allow-Origin" in response) is granted
    if granted:
        methods = {m.strip() for m in response["Access-Control-Allow-Methods"].split(",")}
        assert methods == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.parametrize("path", ["/admin/login/", "/documents/1/x.pdf", "/"])
def test_nothing_outside_the_api_is_shared_cross_origin(client, site_tree, path):
    response = client.get(path, headers={"origin": ALLOWED})
    assert "Access-Control-Allow-Origin" not in response


def test_origin_lookalikes_are_refused(client, site_tree):
    for origin in (f"{ALLOWED}.evil.net", "http://www.example.com", "null", ALLOWED + ":8443"):
        response = client.get("/api/v2/pages/", headers={"origin": origin})
        assert "Access-Control-Allow-Origin" not in response, origin
