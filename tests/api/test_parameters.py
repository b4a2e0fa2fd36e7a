"""The parameter table (``api.parameters``) agrees with the OpenAPI schema and the parser.

For every endpoint, the schema declares exactly the table's parameters. For every
parameter of every endpoint, each valid sample is valid against the schema's declaration
and the endpoint answers it; each invalid sample (some written here, some derived from
the declared bounds) is invalid against the schema and a 400 whose message names the
parameter.
"""

import re

import pytest
from jsonschema import Draft202012Validator
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Site

from api.parameters import OPERATIONS, PARAMETERS, endpoint_parameters
from api.schema import api_schema
from blog.preview import preview_token_make
from tests.paths import API

# Valid samples per parameter; a function of the operation where it depends on the endpoint.
# Each sample is the parameters sent: some need a companion (``search_operator``).
VALID = {
    "fields": lambda op, ctx: [
        "*",
        "_,id",
        *(
            ["_,title,featured_image(alt,srcset(320,640))"]
            if op in ("pages_detail", "pages_find")
            else []
        ),
        # ``path/``'s card selection (``posts(...)``), whatever the route turns out to be.
        *(
            ["_,title,posts(title,html_path,featured_image(srcset(320)))"]
            if op == "path_lookup"
            else []
        ),
    ],
    "site": lambda op, ctx: [ctx["site"]],
    "body_format": lambda op, ctx: ["html", "ast"],
    "limit": lambda op, ctx: ["0", "1", "100"],
    "offset": lambda op, ctx: ["0", "1", "1000000"],
    "page": lambda op, ctx: ["1", "2"],
    "order": lambda op, ctx: {
        "pages": ["title", "-id,first_published_at"],
        "images": ["-created_at,title"],
        "documents": ["id"],
    }.get(op.split("_")[0], ["-post_count,name"]),
    "search": lambda op, ctx: ["post", "ünïcode words"],
    "search_operator": lambda op, ctx: [{"search": "post", "search_operator": "or"}],
    "type": lambda op, ctx: ["blog.BlogPostPage", "wagtailcore.Page"],
    "child_of": lambda op, ctx: ["root", str(ctx["blog_index"])],
    "descendant_of": lambda op, ctx: ["root", str(ctx["blog_index"])],
    "ancestor_of": lambda op, ctx: [str(ctx["full"])],
    "locale": lambda op, ctx: ["en"],
    "slug": lambda op, ctx: [ctx["slugs"].get(op.split("_")[0], "full-post")],
    "show_in_menus": lambda op, ctx: ["true", "false"],
    "tag": lambda op, ctx: ["python", "python,django"],
    "tag_all": lambda op, ctx: ["python,django"],
    "exclude_tag": lambda op, ctx: ["wagtail", "a,b"],
    "category": lambda op, ctx: ["engineering", "engineering,design"],
    "category_all": lambda op, ctx: ["engineering"],
    "exclude_category": lambda op, ctx: ["design"],
    "author": lambda op, ctx: ["ada-lovelace"],
    "author_all": lambda op, ctx: ["ada-lovelace,grace-hopper"],
    "exclude_author": lambda op, ctx: ["grace-hopper"],
    "published_after": lambda op, ctx: ["2026-01-01", "2020-01-01T10:00:00+02:00"],
    "published_before": lambda op, ctx: ["2099-12-31", "2099-12-31T23:59:59Z"],
    "id": lambda op, ctx: [str(ctx["ids"][op.split("_")[0]])],
    "html_path": lambda op, ctx: ["/blog/full-post/"],
    "title": lambda op, ctx: ["Test image"],
    "token": lambda op, ctx: [ctx["token"]],
}
# Written invalid samples; the bounds' neighbours are added from each declaration.
INVALID = {
    "fields": ["Title!", "a b"],
    "site": ["bad host", "-x"],
    "order": ["random", "title,", "-"],
    "search": [" "],
    "child_of": ["roots", "0", "-1"],
    "descendant_of": ["ROOT", "0"],
    "ancestor_of": ["root"],
    # Page slugs may be Unicode (Wagtail's ``WAGTAIL_ALLOW_UNICODE_SLUGS``): only the length
    # is declared; taxonomy slugs are ASCII.
    "slug": lambda op: [] if op.startswith("pages") else ["no spaces"],
    "tag": ["no spaces", "", "a,,b", "python,"],
    "tag_all": ["a b"],
    "exclude_tag": [","],
    "category": ["a/b"],
    "category_all": ["é"],
    "exclude_category": ["a;b"],
    "author": ["ada lovelace"],
    "author_all": ["a,b c"],
    "exclude_author": ["x" * 101],
    "published_after": ["yesterday", "2026-02-30"],
    "published_before": ["2026-13-01"],
    "html_path": ["no-slash"],
}


def _base(op: str, ctx: dict) -> tuple[str, dict]:
    """The URL of ``op`` and the parameters it needs to succeed."""
    resource, action = op.rsplit("_", 1) if op not in ("site", "preview") else (op, "")
    if op == "path_lookup":
        return f"{API}/path/", {"html_path": "/blog/full-post/"}
    if op == "preview":
        return f"{API}/preview/", {"token": ctx["token"]}
    if op == "site":
        return f"{API}/site/", {}
    if action == "list":
        return f"{API}/{resource}/", {}
    if action == "detail":
        return f"{API}/{resource}/{ctx['ids'][resource]}/", {}
    return f"{API}/{resource}/find/", {"id": str(ctx["ids"][resource])}


def _declared(spec: dict) -> dict[str, dict[str, dict]]:
    """operationId → query parameter name → its declaration, from the served schema."""
    found = {}
    for item in spec["paths"].values():
        operation = item["get"]
        found[operation["operationId"]] = {
            parameter["name"]: parameter
            for parameter in operation["parameters"]
            if parameter["in"] == "query"
        }
    return found


def _typed(schema: dict, raw: str):
    """A query string value as JSON Schema sees it: digits are a number where the schema
    takes integers."""
    takes_integer = '"integer"' in repr(schema).replace("'", '"')
    return int(raw) if takes_integer and re.fullmatch(r"-?[0-9]+", raw) else raw


def _schema_accepts(declaration: dict, raw: str) -> bool:
    schema = declaration["schema"]
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    if schema.get("type") == "array":
        return validator.is_valid([_typed(schema["items"], item) for item in raw.split(",")])
    return validator.is_valid(_typed(schema, raw))


def _bound_neighbours(schema: dict) -> list[str]:
    """Values just outside what ``schema`` declares."""
    if schema.get("type") == "array":
        return [",".join(["a"] * (schema["maxItems"] + 1)), *_bound_neighbours(schema["items"])]
    if schema.get("type") == "integer":
        return [str(schema["maximum"] + 1), "x", "1.5", "١٢", *([str(schema["minimum"] - 1)])]
    if "enum" in schema:
        return ["nope", schema["enum"][0].upper()]
    if schema.get("type") == "string":
        return ["a" * (schema["maxLength"] + 1)]
    return []


@pytest.fixture
def spec(db):
    return api_schema()


@pytest.fixture
def ctx(api, blog, image, document, author, category, site_tree):
    site = Site.objects.get(is_default_site=True)
    redirect = Redirect.add_redirect(old_path="/old-post", redirect_to=blog["full"], site=site)
    tag = api.get(f"{API}/tags/", {"limit": 1}).json()["items"][0]
    return {
        "site": site.hostname,
        "blog_index": site_tree[1].pk,
        "full": blog["full"].pk,
        "token": preview_token_make(page=blog["full"]),
        "ids": {
            "pages": blog["full"].pk,
            "preview": blog["full"].pk,
            "images": image.pk,
            "documents": document.pk,
            "authors": author.pk,
            "categories": category.pk,
            "tags": tag["id"],
            "redirects": redirect.pk,
        },
        "slugs": {"authors": author.slug, "categories": category.slug, "tags": tag["slug"]},
    }


def test_every_endpoint_declares_exactly_the_tables_parameters(spec):
    declared = _declared(spec)

    assert set(declared) == set(OPERATIONS)
    for operation in OPERATIONS:
        table = endpoint_parameters(operation=operation)
        assert list(declared[operation]) == list(table), operation
        for name, row in table.items():
            assert declared[operation][name]["required"] == (operation in row.required_on)


def test_every_parameter_has_samples():
    assert {row.name for row in PARAMETERS} <= set(VALID)


def test_child_of_root_is_valid_in_the_schema_and_the_parser(api, spec, ctx):
    declaration = _declared(spec)["pages_list"]["child_of"]

    assert _schema_accepts(declaration, "root")
    response = api.get(f"{API}/pages/", {"child_of": "root"})
    assert response.status_code == 200, response.content
    assert [item["title"] for item in response.json()["items"]] == ["Blog"]


CASES = [(op, name) for op in OPERATIONS for name in endpoint_parameters(operation=op)]


@pytest.mark.parametrize(("operation", "name"), CASES, ids=[f"{op}-{n}" for op, n in CASES])
def test_valid_values_are_answered_and_invalid_ones_are_400_naming_the_parameter(
    api, spec, ctx, operation, name
):
    declaration = _declared(spec)[operation][name]
    url, base = _base(operation, ctx)
    success = api.get(url, base).status_code
    assert success in (200, 302)

    for sample in VALID[name](operation, ctx):
        params = sample if isinstance(sample, dict) else {name: sample}
        assert _schema_accepts(declaration, params[name]), (name, sample)
        response = api.get(url, {**base, **params})
        assert response.status_code == success, (name, sample, response.content)

    written = INVALID.get(name, [])
    written = written(operation) if callable(written) else written
    invalid = [*written, *_bound_neighbours(declaration["schema"]), "a\x00"]
    for value in invalid:
        assert not _schema_accepts(declaration, value) or "\x00" in value, (name, value)
        response = api.get(url, {**base, name: value})
        assert response.status_code == 400, (name, value, response.content)
        assert response.json()["message"].startswith(name), (name, value, response.json())


@pytest.mark.parametrize(
    ("operation", "name"),
    [(op, row.name) for op in OPERATIONS for row in PARAMETERS if op in row.required_on],
)
def test_a_missing_required_parameter_is_400_naming_it(api, ctx, operation, name):
    url, base = _base(operation, ctx)
    base.pop(name, None)

    response = api.get(url, base)

    assert response.status_code == 400
    assert response.json() == {"message": f"{name} is required"}
