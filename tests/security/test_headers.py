"""Every response carries the security headers: API, admin, probes, errors."""

import pytest
from django.urls import reverse

from serving.models import BlockedNetwork

COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def csp(response) -> dict[str, str]:
    """The Content-Security-Policy as {directive: sources}."""
    directives = (part.strip() for part in response["Content-Security-Policy"].split(";"))
    return dict(([*d.split(" ", 1), ""])[:2] for d in directives if d)


def assert_common_headers(response):
    for header, value in COMMON.items():
        assert response[header] == value, header
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert csp(response)["frame-ancestors"] == "'none'"


@pytest.mark.parametrize(
    "path", ["/api/v2/pages/", "/api/v2/pages/999999/", "/api/v2/images/", "/api/v2/nope/"]
)
def test_api_responses_carry_a_policy_that_allows_nothing(client, site_tree, path):
    response = client.get(path)
    assert_common_headers(response)
    policy = csp(response)
    assert policy["default-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["form-action"] == "'none'"
    assert "script-src" not in policy


def test_admin_policy_keeps_to_this_origin(client, db):
    response = client.get(reverse("wagtailadmin_login"))
    assert response.status_code == 200
    assert_common_headers(response)
    policy = csp(response)
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert "*" not in policy["script-src"].split()


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_carry_the_headers(client, db, path):
    response = client.get(path)
    assert response.status_code < 500
    assert_common_headers(response)


def test_refusals_carry_the_headers_too(client, db):
    BlockedNetwork.objects.create(network="127.0.0.0/8")
    response = client.get("/api/v2/pages/")
    assert response.status_code == 403
    assert_common_headers(response)


def test_https_responses_carry_hsts(client, settings, site_tree):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    response = client.get("/api/v2/pages/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    # Never over plain HTTP (browsers ignore it there, and it would pin a wrong host).
    assert "Strict-Transport-Security" not in client.get("/api/v2/pages/")


def test_wagtail_preview_may_be_framed_by_the_admin_only(client, editor, make_post):
    post = make_post(title="Framed preview")
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(post.pk,))
    response = client.get(url)
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert csp(response)["frame-ancestors"] == "'self'"


def test_a_policy_set_on_an_inner_pass_follows_the_final_framing(rf):
    """Wagtail's preview renders the page through the middleware stack once more inside
    the admin's preview view, then marks the outer response SAMEORIGIN."""
    from django.http import HttpResponse

    from serving.security_headers import SecurityHeadersMiddleware

    inner = SecurityHeadersMiddleware(lambda request: HttpResponse("page"))
    response = inner(rf.get("/blog/a-post/"))
    assert csp(response)["frame-ancestors"] == "'none'"

    def preview_view(request):
        response["X-Frame-Options"] = "SAMEORIGIN"  # what Wagtail's decorator does
        return response

    outer = SecurityHeadersMiddleware(preview_view)
    final = outer(rf.get("/admin/pages/3/edit/preview/"))
    assert csp(final)["frame-ancestors"] == "'self'"
    # A policy a view sets itself is kept as it is.
    own = HttpResponse("x", headers={"Content-Security-Policy": "default-src 'none'"})
    assert (
        SecurityHeadersMiddleware(lambda request: own)(rf.get("/x/"))["Content-Security-Policy"]
        == "default-src 'none'"
    )


def test_api_docs_may_run_their_own_scripts_only(client, db):
    """Swagger UI at /api/v2/docs/ loads its bundle and init script from this origin;
    inline scripts stay forbidden."""
    response = client.get("/api/v2/docs/")
    policy = csp(response)
    assert policy["script-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'none'"
