"""The strict contract: full page details match one ``meta.type`` shape with every key
required, the seo object is typed down to its leaves and ``head``, and every error
response the schema declares has a body."""

import json

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from api.schema import PAGE_TYPE_FIELDS, PAGE_TYPES, api_schema
from api.views import PagesViewSet
from blog.models import BlogIndexPage, BlogPostPage, HomePage
from tests.paths import API

MODELS = {"blog.HomePage": HomePage, "blog.BlogIndexPage": BlogIndexPage}
MODELS["blog.BlogPostPage"] = BlogPostPage


@pytest.fixture(scope="module")
def spec():
    return api_schema()


def component_validator(spec: dict, name: str) -> Draft202012Validator:
    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:spec", resource)
    return Draft202012Validator({"$ref": f"urn:spec#/components/schemas/{name}"}, registry=registry)


def _errors(validator, instance) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


def test_each_page_type_detail_matches_its_own_strict_shape_and_no_other(api, spec, blog):
    pages = {
        "blog.BlogPostPage": blog["full"],
        "blog.BlogIndexPage": blog["full"].get_parent(),
        "blog.HomePage": blog["full"].get_parent().get_parent(),
    }
    for page_type, page in pages.items():
        data = api.get(f"{API}/pages/{page.pk}/").json()
        assert data["meta"]["type"] == page_type
        name = page_type.split(".")[1]
        assert _errors(component_validator(spec, name), data) == []
        assert _errors(component_validator(spec, "PageDetail"), data) == []
        for other in PAGE_TYPES:
            if other != page_type:
                assert not component_validator(spec, other.split(".")[1]).is_valid(data)


def test_a_full_detail_missing_a_required_key_is_outside_the_strict_shape(api, spec, blog):
    data = api.get(f"{API}/pages/{blog['full'].pk}/").json()
    validator = component_validator(spec, "BlogPostPage")
    for path in (
        ("seo",),
        ("title",),
        ("seo", "og", "title"),
        ("seo", "head"),
        ("meta", "html_url"),
    ):
        broken = json.loads(json.dumps(data))
        parent = broken
        for key in path[:-1]:
            parent = parent[key]
        del parent[path[-1]]
        assert not validator.is_valid(broken), path


def test_strict_page_shapes_list_exactly_the_fields_the_api_serves(spec):
    for page_type, model in MODELS.items():
        served = {
            field.name
            for field in PagesViewSet.get_body_fields(model)
            if field.name not in ("id", "title")
        }
        assert set(PAGE_TYPE_FIELDS[page_type]) == served - {"type"}, page_type
        schema = spec["components"]["schemas"][page_type.split(".")[1]]
        assert set(schema["required"]) == set(schema["properties"])


def test_narrowed_responses_match_the_selection_shape(api, spec, blog):
    for params in (
        {"fields": "_,title"},
        {"fields": "-seo"},
        {"fields": "authors(name),seo(title)"},
    ):
        data = api.get(f"{API}/pages/{blog['full'].pk}/", params).json()
        assert _errors(component_validator(spec, "Page"), data) == [], params
        assert _errors(component_validator(spec, "PageSelection"), data) == [], params
        assert not component_validator(spec, "PageDetail").is_valid(data), params


def test_every_declared_error_response_has_a_message_body(spec):
    declared = 0
    for path, item in spec["paths"].items():
        for status, response in item["get"]["responses"].items():
            if status == "414":  # gunicorn's, before the API: no JSON body to promise
                assert "content" not in response, path
            elif status.startswith("4"):
                declared += 1
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (path, status)
    assert declared > 40
    error = spec["components"]["schemas"]["Error"]
    assert error["required"] == ["message"]
    for path, item in spec["paths"].items():
        assert "Retry-After" in item["get"]["responses"]["429"]["headers"], path


def test_seo_sub_objects_are_typed_to_their_leaves(spec):
    schemas = spec["components"]["schemas"]
    for name in ("SeoOpenGraph", "SeoTwitter", "JsonLdArticle", "JsonLdWebPage"):
        schema = schemas[name]
        assert schema["additionalProperties"] is False
        assert schema["required"], name
        for key, value in schema["properties"].items():
            assert value.get("type") or value.get("anyOf") or "const" in value or "enum" in value, (
                name,
                key,
            )


def test_seo_head_renders_every_seo_value_as_a_head_element(api, spec, blog):
    seo = api.get(f"{API}/pages/{blog['full'].pk}/").json()["seo"]
    head = seo["head"]

    assert head[0] == {"tag": "title", "content": seo["title"]}
    assert {"tag": "link", "rel": "canonical", "href": seo["canonical_url"]} in head
    assert {"tag": "meta", "name": "description", "content": seo["description"]} in head
    meta = {
        (tag.get("property") or tag.get("name")): tag["content"]
        for tag in head
        if tag["tag"] == "meta"
    }
    assert meta["og:image:width"] == "1200"
    assert meta["og:image:height"] == "630"
    assert meta["og:title"] == seo["og"]["title"]
    assert meta["og:type"] == "article"
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["twitter:image:alt"] == seo["twitter"]["image_alt"]
    assert "twitter:site" not in meta  # null values are left out
    tags = [t["content"] for t in head if t.get("property") == "article:tag"]
    assert tags == seo["og"]["article_tags"] == ["python"]
    scripts = [t for t in head if t["tag"] == "script"]
    assert [json.loads(t["content"]) for t in scripts] == seo["json_ld"]
    validator = component_validator(spec, "HeadTag")
    for tag in head:
        assert _errors(validator, tag) == [], tag


def test_json_ld_in_head_cannot_close_its_script_element(api, blog):
    post = blog["full"]
    post.title = "Tags </script><script>alert(1)</script> & more"
    post.save_revision().publish()

    head = api.get(f"{API}/pages/{post.pk}/").json()["seo"]["head"]

    scripts = [t["content"] for t in head if t["tag"] == "script"]
    assert scripts and all("<" not in s and ">" not in s and "&" not in s for s in scripts)
    assert json.loads(scripts[0])["headline"].startswith("Tags </script>")


def test_seo_head_can_be_selected_alone(api, blog):
    data = api.get(f"{API}/pages/{blog['full'].pk}/", {"fields": "_,seo(head)"}).json()

    assert list(data) == ["seo"] and list(data["seo"]) == ["head"]


def test_a_real_429_matches_its_declared_body_and_header(api, spec, blog, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}),
            "api": "1/min",
        },
    }
    api.get(f"{API}/pages/", REMOTE_ADDR="198.51.100.77")

    response = api.get(f"{API}/pages/", REMOTE_ADDR="198.51.100.77")

    assert response.status_code == 429
    declared = spec["paths"]["/api/v2/pages/"]["get"]["responses"]["429"]
    assert "Retry-After" in declared["headers"] and int(response["Retry-After"]) >= 0
    assert _errors(component_validator(spec, "Error"), response.json()) == []
