"""Derived values of posts: reading time and excerpt.

Pure, keyword-only functions over StreamField values so models, the API and the seeding
command share one definition.
"""

import math
import re
from html import unescape

from django.utils.html import strip_tags

WORDS_PER_MINUTE = 230
_WORD = re.compile(r"\w+", re.UNICODE)
_SPACE = re.compile(r"\s+")


def body_text(*, body) -> str:
    """Plain text of a post body (headings, paragraphs, quotes and captions; not code)."""
    parts: list[str] = []
    for block in body:
        value = block.value
        if block.block_type == "paragraph":
            parts.append(unescape(strip_tags(value.source)))
        elif block.block_type == "heading" or block.block_type == "quote":
            parts.append(value["text"])
        elif block.block_type == "image" and value.get("caption"):
            parts.append(value["caption"])
        elif block.block_type == "code":
            parts.append(value["code"])
    return _SPACE.sub(" ", " ".join(parts)).strip()


def post_reading_time(*, body) -> int:
    """Minutes to read a body at 230 words a minute, at least one."""
    words = len(_WORD.findall(body_text(body=body)))
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def post_excerpt(*, intro: str, body, length: int = 155) -> str:
    """The intro, else the first paragraph, cut at a word boundary near ``length`` chars."""
    text = _SPACE.sub(" ", intro or "").strip()
    if not text:
        for block in body:
            if block.block_type == "paragraph":
                text = _SPACE.sub(" ", unescape(strip_tags(block.value.source))).strip()
                if text:
                    break
    return truncate_at_word(text=text, length=length)


def truncate_at_word(*, text: str, length: int) -> str:
    """Cut ``text`` at the last word boundary within ``length`` characters, adding '…'."""
    if len(text) <= length:
        return text
    cut = text[: length + 1].rsplit(" ", 1)[0] if " " in text[:length] else text[:length]
    return cut.rstrip(" ,.;:-\u2013\u2014") + "…"  # also strip en and em dashes
