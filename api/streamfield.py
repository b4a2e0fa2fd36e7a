"""A post body as typed JSON blocks, built from the stored JSON so it costs no query.

Stock Wagtail returns StreamField blocks in their stored form: images as bare ids, rich text
in the internal format. Reading ``StreamValue.raw_data`` (instead of ``block.value``, which
loads each block type's objects per page) lets a listing resolve every image, page link,
document and embed of all its posts with one query per kind (``api.prefetch``).

Which blocks exist and which fields their values have is declared once, in
``blog.blocks.BODY_BLOCK_TYPES``; this module turns each kind of declared field into JSON,
and ``api.schema`` describes the same kinds.
"""

from api.renditions import image_representation
from api.richtext import References, Resolved, richtext_expand, richtext_references
from api.richtext_ast import richtext_ast
from blog.blocks import (
    BODY_BLOCKS,
    BodyBlockType,
    ChoiceValue,
    EmbedValue,
    ImageValue,
    PageOrUrlValue,
    RichTextValue,
    TextValue,
)
from blog.frontend import page_frontend_url

# ``body_format``: rich text in a body as HTML (the default) or as a tree (``api.richtext_ast``).
BODY_FORMATS = ("html", "ast")


def _as_id(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and 0 < value < 2**31:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return _as_id(int(value))
    return None


def stream_raw_blocks(*, stream) -> list[dict]:
    """The stored blocks (``type``, ``value``, ``id``) of a StreamField value."""
    raw = getattr(stream, "raw_data", stream) or []
    return [block for block in raw if isinstance(block, dict) and "type" in block]


def body_references(*, stream) -> References:
    """Everything a body refers to, for ``api.prefetch`` to load in bulk."""
    refs = References()
    for block_type, value, _block_id in _body_blocks(stream=stream):
        for field in block_type.fields:
            if isinstance(field, RichTextValue):
                refs.update(richtext_references(html=value))
            elif isinstance(field, EmbedValue) and value:
                refs.embed_urls.add(value)
            elif isinstance(field, ImageValue) and _as_id(value.get(field.key)):
                refs.image_ids.add(_as_id(value.get(field.key)))
            elif isinstance(field, PageOrUrlValue) and _as_id(value.get("page")):
                refs.page_ids.add(_as_id(value.get("page")))
    return refs


def _body_blocks(*, stream):
    """``(block type, stored value, id)`` of each block of a declared type and sound shape."""
    for block in stream_raw_blocks(stream=stream):
        block_type = BODY_BLOCKS.get(block["type"])
        value = block.get("value")
        if block_type is None:
            continue
        if not isinstance(value, str if block_type.stored_as_text else dict):
            continue
        yield block_type, value, block.get("id") or ""


def _link_target(*, value: dict, resolved: Resolved) -> dict:
    """A page-or-URL link: a visible page becomes its frontend URL, else the URL given."""
    page = resolved.pages.get(_as_id(value.get("page")))
    if page is not None:
        return {"url": page_frontend_url(page=page), "page": {"id": page.pk, "title": page.title}}
    return {"url": value.get("url") or None, "page": None}


def _text(field: TextValue, value, resolved, body_format):
    return {field.name: value.get(field.key) or field.default}


def _choice(field: ChoiceValue, value, resolved, body_format):
    return {field.name: value.get(field.key) or field.default}


def _rich_text(field: RichTextValue, value, resolved, body_format):
    if body_format == "ast":
        return {"ast": richtext_ast(html=value, resolved=resolved)}
    return {"html": richtext_expand(html=value, resolved=resolved)}


def _image(field: ImageValue, value, resolved, body_format):
    image = resolved.images.get(_as_id(value.get(field.key)))
    alt = value.get(field.alt) if field.alt else None
    return {field.name: image_representation(image=image, alt=alt) if image else None}


def _embed(field: EmbedValue, value, resolved, body_format):
    embed = resolved.embeds.get(value)
    return {
        "url": value,
        "html": embed.html if embed is not None and embed.html else None,
        "title": embed.title if embed is not None else "",
        "provider_name": embed.provider_name if embed is not None else "",
        "width": embed.width if embed is not None else None,
        "height": embed.height if embed is not None else None,
    }


def _page_or_url(field: PageOrUrlValue, value, resolved, body_format):
    return _link_target(value=value, resolved=resolved)


# How each kind of declared field becomes JSON; ``api.schema`` describes the same kinds.
FIELD_REPRESENTATIONS = {
    TextValue: _text,
    ChoiceValue: _choice,
    RichTextValue: _rich_text,
    ImageValue: _image,
    EmbedValue: _embed,
    PageOrUrlValue: _page_or_url,
}


def block_value_representation(
    *, block_type: BodyBlockType, value, resolved: Resolved, body_format: str = "html"
) -> dict:
    """One stored block value as the API's ``value`` object, field by declared field."""
    rendered: dict = {}
    for field in block_type.fields:
        represent = FIELD_REPRESENTATIONS[type(field)]
        rendered.update(represent(field, value, resolved, body_format))
    return rendered


def body_representation(*, stream, resolved: Resolved, body_format: str = "html") -> list[dict]:
    """Typed blocks ``{"type", "id", "value"}``; blocks of unknown or broken shape are left out.

    ``body_format="ast"`` gives rich text as a tree (``api.richtext_ast``) instead of HTML.
    """
    return [
        {
            "type": block_type.name,
            "id": block_id,
            "value": block_value_representation(
                block_type=block_type, value=value, resolved=resolved, body_format=body_format
            ),
        }
        for block_type, value, block_id in _body_blocks(stream=stream)
    ]


def link_blocks_representation(*, stream, resolved: Resolved) -> list[dict]:
    """Menu items and profile links: ``label`` plus a resolved ``url`` (and ``page``)."""
    items = []
    for block in stream_raw_blocks(stream=stream):
        value = block.get("value")
        if not isinstance(value, dict):
            continue
        target = _link_target(value=value, resolved=resolved)
        if not target["url"]:  # a menu link to a page that is no longer visible
            continue
        items.append({"label": value.get("label", ""), **target})
    return items


def link_blocks_references(*, stream) -> References:
    refs = References()
    for block in stream_raw_blocks(stream=stream):
        value = block.get("value")
        if isinstance(value, dict) and _as_id(value.get("page")):
            refs.page_ids.add(_as_id(value.get("page")))
    return refs
