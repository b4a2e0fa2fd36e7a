"""One declaration per body block type (``blog.blocks.BODY_BLOCK_TYPES``) drives the
editor's blocks, the plain text, the API value and the schema: each derived form covers
every block type the editor offers."""

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from api.richtext import Resolved
from api.schema import api_schema, block_schema_name
from api.streamfield import FIELD_REPRESENTATIONS, block_value_representation
from blog.blocks import BODY_BLOCK_TYPES, BODY_BLOCKS, TextValue
from blog.models import BlogPostPage
from blog.services import block_text, body_text
from tests.factories import rich_body
from tests.paths import API


def _editor_blocks() -> dict:
    return BlogPostPage._meta.get_field("body").stream_block.child_blocks


def test_the_editor_offers_exactly_the_declared_block_types_in_their_order():
    editor = _editor_blocks()

    assert list(editor) == [block_type.name for block_type in BODY_BLOCK_TYPES]
    for name, block in editor.items():
        assert type(block) is type(BODY_BLOCKS[name].block), name


def test_every_declared_field_kind_has_an_api_form_and_a_schema():
    schemas = api_schema()["components"]["schemas"]
    for block_type in BODY_BLOCK_TYPES:
        for field in block_type.fields:
            assert type(field) in FIELD_REPRESENTATIONS, field
        assert block_schema_name(block_type=block_type) in schemas


def test_the_schema_block_union_lists_every_block_type():
    block = api_schema()["components"]["schemas"]["Block"]
    names = {ref["$ref"].rsplit("/", 1)[1] for ref in block["oneOf"]}

    assert names == {block_schema_name(block_type=kind) for kind in BODY_BLOCK_TYPES}


def test_the_sample_body_has_one_block_of_every_type(image):
    body = rich_body(image=image)

    assert [block["type"] for block in body] == list(_editor_blocks())


def test_every_block_type_reaches_the_api_and_matches_its_own_schema(api, blog):
    spec = api_schema()
    registry = Registry().with_resource(
        "urn:spec", Resource.from_contents(spec, default_specification=DRAFT202012)
    )
    for body_format in ("html", "ast"):
        body = api.get(f"{API}/pages/{blog['full'].pk}/", {"body_format": body_format}).json()[
            "body"
        ]
        assert [block["type"] for block in body] == list(_editor_blocks())
        for block in body:
            name = block_schema_name(block_type=BODY_BLOCKS[block["type"]])
            validator = Draft202012Validator(
                {"$ref": f"urn:spec#/components/schemas/{name}"}, registry=registry
            )
            errors = [e.message for e in validator.iter_errors(block)]
            assert errors == [], (body_format, block["type"], errors[:2])


def test_text_fields_of_every_block_type_reach_the_plain_text(image):
    body = rich_body(image=image)
    text = body_text(body=body)
    for block in body:
        block_type = BODY_BLOCKS[block["type"]]
        for field in block_type.fields:
            if isinstance(field, TextValue) and field.text:
                assert block["value"][field.key] in text, (block["type"], field.name)
    assert "Hello world." in text  # rich text, without its tags
    assert "Tim" not in text  # an attribution is not part of the reading


@pytest.mark.parametrize("block_type", BODY_BLOCK_TYPES, ids=lambda kind: kind.name)
def test_an_empty_stored_value_still_renders_every_declared_key(block_type):
    value = "" if block_type.stored_as_text else {}

    rendered = block_value_representation(block_type=block_type, value=value, resolved=Resolved())
    schema = api_schema()["components"]["schemas"][block_schema_name(block_type=block_type)]
    value_schema = schema["properties"]["value"]
    variants = value_schema.get("oneOf", [value_schema])
    assert any(set(rendered) == set(variant["required"]) for variant in variants)
    assert block_text(block_type=block_type, value=value) == []
