"""OpenAPI at /api/v2/schema/: a valid document that describes the real responses."""

import re

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.paths import API


@pytest.fixture
def spec(api, db):
    response = api.get(f"{API}/schema/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def response_validator(spec: dict, path: str, status: int):
    def escape(part: str) -> str:
        return part.replace("~", "~0").replace("/", "~1")

    pointer = "/".join(
        escape(part)
        for part in (
            *("paths", path, "get", "responses", str(status)),
            *("content", "application/json", "schema"),
        )
    )
    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:spec", resource)
    return Draft202012Validator({"$ref": f"urn:spec#/{pointer}"}, registry=registry)


def _template_for(spec: dict, url: str) -> str:
    path = url.split("?")[0]
    for template in spec["paths"]:
        if re.fullmatch(re.sub(r"\{[^}]+\}", r"[0-9]+", template), path):
            return template
    raise AssertionError(f"{path} is not in the schema")


def test_schema_is_valid_openapi_3_1(spec):
    validate(spec)
    assert spec["openapi"] == "3.1.0"
    assert {
        "/api/v2/pages/",
        "/api/v2/pages/{id}/",
        "/api/v2/pages/find/",
        "/api/v2/images/",
        "/api/v2/documents/",
        "/api/v2/authors/",
        "/api/v2/categories/",
        "/api/v2/tags/",
        "/api/v2/redirects/",
        "/api/v2/site/",
        "/api/v2/path/",
        "/api/v2/preview/",
    } <= set(spec["paths"])


def test_every_endpoint_answers_inside_the_schema(api, spec, blog, image, document):
    from blog.preview import preview_token_make

    token = preview_token_make(page=blog["full"])
    full = blog["full"].pk
    author = blog["full"].post_authors.first().author_id
    checks = [
        (f"{API}/pages/?type=blog.BlogPostPage&fields=*", 200),
        (f"{API}/pages/?type=blog.BlogPostPage", 200),
        (f"{API}/pages/?fields=*", 200),
        (f"{API}/pages/?type=blog.BlogPostPage&fields=authors(name),tags(slug)", 200),
        (f"{API}/pages/?search=post&search_operator=or", 200),
        (f"{API}/pages/{full}/", 200),
        (f"{API}/pages/{blog['first'].get_parent().pk}/", 200),
        (f"{API}/pages/{blog['first'].get_parent().get_parent().pk}/", 200),
        (f"{API}/pages/?limit=1000", 400),
        (f"{API}/pages/999999/", 404),
        (f"{API}/path/?html_path=/blog/full-post/", 200),
        (f"{API}/path/?html_path=/nope/", 404),
        (f"{API}/preview/?token={token}", 200),
        (f"{API}/preview/?token=forged", 403),
        (f"{API}/images/", 200),
        (f"{API}/images/{image.pk}/", 200),
        (f"{API}/documents/", 200),
        (f"{API}/documents/{document.pk}/", 200),
        (f"{API}/authors/", 200),
        (f"{API}/authors/{author}/", 200),
        (f"{API}/categories/", 200),
        (f"{API}/tags/", 200),
        (f"{API}/redirects/", 200),
        (f"{API}/site/", 200),
    ]
    for url, status in checks:
        response = api.get(url)
        assert response.status_code == status, (url, response.content)
        validator = response_validator(spec, _template_for(spec, url), status)
        errors = [error.message for error in validator.iter_errors(response.json())]
        assert errors == [], (url, errors[:3])


def test_schema_rejects_an_undocumented_field(spec):
    validator = response_validator(spec, "/api/v2/site/", 200)

    assert not validator.is_valid(
        {
            "site_name": "x",
            "frontend_base_url": "https://x.example",
            "tagline": "",
            "root_page": None,
            "menu": [],
            "social_profiles": [],
            "surprise": 1,
        }
    )


def test_swagger_ui_is_served_from_local_static_files(api, db):
    response = api.get(f"{API}/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-schema-url="/api/v2/schema/"' in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert len(assets) == 5
    for asset in assets:
        static = api.get(asset)
        assert static.status_code == 200, asset
        b"".join(static.streaming_content) if static.streaming else static.content
