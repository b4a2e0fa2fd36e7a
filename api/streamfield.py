"""A post body as typed JSON blocks, built from the stored JSON so it costs no query.

Stock Wagtail returns StreamField blocks in their stored form: images as bare ids, rich text
in the internal format. Reading ``StreamValue.raw_data`` (instead of ``block.value``, which
loads each block type's objects per page) lets a listing resolve every image, page link,
document and embed of all its posts with one query per kind (``api.prefetch``).

Block shapes (``type`` → ``value``) are documented in the OpenAPI schema (``api.schema``).
"""

from api.renditions import image_representation
from api.richtext import References, Resolved, richtext_expand, richtext_references
from blog.frontend import page_frontend_url


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
    for block in stream_raw_blocks(stream=stream):
        kind, value = block["type"], block.get("value")
        if kind == "paragraph" and isinstance(value, str):
            refs.update(richtext_references(html=value))
        elif kind == "image" and isinstance(value, dict):
            image_id = _as_id(value.get("image"))
            if image_id:
                refs.image_ids.add(image_id)
        elif kind == "call_to_action" and isinstance(value, dict):
            page_id = _as_id(value.get("page"))
            if page_id:
                refs.page_ids.add(page_id)
        elif kind == "embed" and isinstance(value, str) and value:
            refs.embed_urls.add(value)
    return refs


def _link_target(*, value: dict, resolved: Resolved) -> dict:
    """A page-or-URL link: a visible page becomes its frontend URL, else the URL given."""
    page = resolved.pages.get(_as_id(value.get("page")))
    if page is not None:
        return {"url": page_frontend_url(page=page), "page": {"id": page.pk, "title": page.title}}
    return {"url": value.get("url") or None, "page": None}


def _block_value(*, kind: str, value, resolved: Resolved):
    if kind == "heading":
        return {"text": value.get("text", ""), "level": value.get("level") or "h2"}
    if kind == "paragraph":
        return {"html": richtext_expand(html=value, resolved=resolved)}
    if kind == "image":
        image = resolved.images.get(_as_id(value.get("image")))
        return {
            "image": image_representation(image=image, alt=value.get("alt_text"))
            if image is not None
            else None,
            "alt": value.get("alt_text", ""),
            "caption": value.get("caption", ""),
        }
    if kind == "quote":
        return {"text": value.get("text", ""), "attribution": value.get("attribution", "")}
    if kind == "code":
        return {"language": value.get("language") or "text", "code": value.get("code", "")}
    if kind == "embed":
        embed = resolved.embeds.get(value)
        return {
            "url": value,
            "html": embed.html if embed is not None and embed.html else None,
            "title": embed.title if embed is not None else "",
            "provider_name": embed.provider_name if embed is not None else "",
            "width": embed.width if embed is not None else None,
            "height": embed.height if embed is not None else None,
        }
    if kind == "call_to_action":
        return {"text": value.get("text", ""), **_link_target(value=value, resolved=resolved)}
    return None


_VALUE_TYPES = {"paragraph": str, "embed": str}


def body_representation(*, stream, resolved: Resolved) -> list[dict]:
    """Typed blocks ``{"type", "id", "value"}``; blocks of unknown or broken shape are left out."""
    blocks = []
    for block in stream_raw_blocks(stream=stream):
        kind, value = block["type"], block.get("value")
        if not isinstance(value, _VALUE_TYPES.get(kind, dict)):
            continue
        rendered = _block_value(kind=kind, value=value, resolved=resolved)
        if rendered is None:
            continue
        blocks.append({"type": kind, "id": block.get("id") or "", "value": rendered})
    return blocks


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
