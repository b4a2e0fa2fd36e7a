"""Derived values of posts: reading time and excerpt.

Pure, keyword-only functions over StreamField values so models, the API and the seeding
command share one definition.
"""

import math
import re
from html import unescape

from django.utils.html import strip_tags

from blog.blocks import BODY_BLOCKS, BodyBlockType, RichTextValue, TextValue

WORDS_PER_MINUTE = 230
_WORD = re.compile(r"\w+", re.UNICODE)
_SPACE = re.compile(r"\s+")


def body_text(*, body) -> str:
    """Plain text of a post body: the fields ``blog.blocks.BODY_BLOCK_TYPES`` marks as text
    (headings, paragraphs, quotes, captions and code), in order."""
    parts: list[str] = []
    for block in getattr(body, "raw_data", body) or []:
        block_type = BODY_BLOCKS.get(block.get("type")) if isinstance(block, dict) else None
        if block_type is not None:
            parts.extend(block_text(block_type=block_type, value=block.get("value")))
    return _SPACE.sub(" ", " ".join(parts)).strip()


def block_text(*, block_type: BodyBlockType, value) -> list[str]:
    """The text of one stored block value (rich text without its tags)."""
    if block_type.stored_as_text:
        if not isinstance(value, str):
            return []
        rich = any(isinstance(field, RichTextValue) and field.text for field in block_type.fields)
        return [unescape(strip_tags(value))] if rich and value else []
    if not isinstance(value, dict):
        return []
    return [
        str(value.get(field.key) or "")
        for field in block_type.fields
        if isinstance(field, TextValue) and field.text and value.get(field.key)
    ]


def post_reading_time(*, body) -> int:
    """Minutes to read a body at 230 words a minute, at least one."""
    words = len(_WORD.findall(body_text(body=body)))
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def post_excerpt(*, intro: str, body, length: int = 155) -> str:
    """The intro, else the first paragraph, cut at a word boundary near ``length`` chars."""
    text = _SPACE.sub(" ", intro or "").strip()
    if not text:
        for block in getattr(body, "raw_data", body) or []:
            block_type = BODY_BLOCKS.get(block.get("type")) if isinstance(block, dict) else None
            if block_type is not None and block_type.stored_as_text:
                text = _SPACE.sub(
                    " ", " ".join(block_text(block_type=block_type, value=block.get("value")))
                ).strip()
                if text:
                    break
    return truncate_at_word(text=text, length=length)


def truncate_at_word(*, text: str, length: int) -> str:
    """Cut ``text`` at the last word boundary within ``length`` characters, adding '…'."""
    if len(text) <= length:
        return text
    cut = text[: length + 1].rsplit(" ", 1)[0] if " " in text[:length] else text[:length]
    return cut.rstrip(" ,.;:-\u2013\u2014") + "…"  # also strip en and em dashes
