"""Rich text as a JSON tree (``body_format=ast``), for frontends that render with their own
components rather than inserting HTML (as Contentful's, Sanity's and Payload's rich text do).

The tree is built from the stored (internal) format, so a link knows what it points at, and
resolved against the same preloaded ``Resolved`` maps as the HTML (``api.richtext``): no
query per link. Its shape, documented in the OpenAPI schema (``RichTextNode``)::

    block:  {"type": "paragraph", "children": [inline...]}
            {"type": "heading", "level": 2, "children": [inline...]}
            {"type": "list", "ordered": true, "children": [{"type": "list_item",
             "children": [inline or list...]}]}
    inline: {"type": "text", "text": "...", "marks": ["bold", "italic", ...]}
            {"type": "link", "href": "...", "kind": "page" | "document" | "external",
             "page": {"id", "title"} | null, "children": [inline...]}
            {"type": "break"}

Marks are ``bold``, ``italic``, ``code``, ``superscript``, ``subscript`` and
``strikethrough``, always in that order. A link to a page that is not visible (a draft, a
private or deleted page) keeps its text and loses the link, as in the HTML. Elements the
editor cannot produce (stray embeds, unknown tags) keep their text.
https://docs.wagtail.org/en/7.4/extending/rich_text_internals.html
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from api.renditions import absolute_media_url
from api.richtext import Resolved, _as_id
from blog.frontend import page_frontend_url

MARKS = ("bold", "italic", "code", "superscript", "subscript", "strikethrough")
_MARK_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "code": "code",
    "sup": "superscript",
    "sub": "subscript",
    "s": "strikethrough",
    "del": "strikethrough",
}
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_BLOCK_TAGS = {"p", "ul", "ol", "li", "blockquote", "div", *_HEADINGS}
_VOID_TAGS = {"br", "embed", "img", "hr", "wbr"}


@dataclass
class _Element:
    tag: str
    attrs: dict
    children: list = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """A forgiving element tree: unclosed tags close with their parent."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Element("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = _Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        if tag not in _VOID_TAGS:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(_Element(tag, dict(attrs)))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _link(attrs: dict, resolved: Resolved) -> dict | None:
    """The link node's target, or None when the target is not visible (text kept, link lost)."""
    kind = attrs.get("linktype")
    if kind == "page":
        page = resolved.pages.get(_as_id(attrs.get("id")))
        if page is None:
            return None
        href = page_frontend_url(page=page)
        return {"href": href, "kind": "page", "page": {"id": page.pk, "title": page.title}}
    if kind == "document":
        document = resolved.documents.get(_as_id(attrs.get("id")))
        if document is None:
            return None
        return {"href": absolute_media_url(url=document.url), "kind": "document", "page": None}
    href = attrs.get("href")
    if not href:
        return None
    return {"href": href, "kind": "external", "page": None}


def _inline(nodes: list, *, marks: tuple[str, ...], resolved: Resolved) -> list[dict]:
    out: list[dict] = []
    for node in nodes:
        if isinstance(node, str):
            if not node:
                continue
            previous = out[-1] if out else None
            if previous and previous["type"] == "text" and previous["marks"] == list(marks):
                previous["text"] += node  # adjacent runs with the same marks are one run
            else:
                out.append({"type": "text", "text": node, "marks": list(marks)})
        elif node.tag == "br":
            out.append({"type": "break"})
        elif node.tag in _MARK_TAGS:
            added = set(marks) | {_MARK_TAGS[node.tag]}
            ordered = tuple(mark for mark in MARKS if mark in added)
            out.extend(_inline(node.children, marks=ordered, resolved=resolved))
        elif node.tag == "a":
            children = _inline(node.children, marks=marks, resolved=resolved)
            target = _link(node.attrs, resolved)
            if target is None:
                out.extend(children)
            else:
                out.append({"type": "link", **target, "children": children})
        else:  # an element the editor does not produce: keep its text
            out.extend(_inline(node.children, marks=marks, resolved=resolved))
    return out


def _blocks(nodes: list, *, resolved: Resolved) -> list[dict]:
    out: list[dict] = []
    loose: list = []  # inline content outside any block element becomes a paragraph

    def flush():
        children = _inline(loose, marks=(), resolved=resolved)
        if any(child["type"] != "text" or child["text"].strip() for child in children):
            out.append({"type": "paragraph", "children": children})
        loose.clear()

    for node in nodes:
        if isinstance(node, str) or node.tag not in _BLOCK_TAGS:
            loose.append(node)
            continue
        flush()
        if node.tag == "p":
            out.append(
                {
                    "type": "paragraph",
                    "children": _inline(node.children, marks=(), resolved=resolved),
                }
            )
        elif node.tag in _HEADINGS:
            out.append(
                {
                    "type": "heading",
                    "level": _HEADINGS[node.tag],
                    "children": _inline(node.children, marks=(), resolved=resolved),
                }
            )
        elif node.tag in ("ul", "ol"):
            out.append(_list(node, resolved=resolved))
        else:  # li outside a list, blockquote, div: their content
            out.extend(_blocks(node.children, resolved=resolved))
    flush()
    return out


def _list(element: _Element, *, resolved: Resolved) -> dict:
    items = []
    for node in element.children:
        if isinstance(node, str):
            continue  # whitespace between items
        children: list[dict] = []
        inline: list = []
        for child in node.children if node.tag == "li" else [node]:
            if not isinstance(child, str) and child.tag in ("ul", "ol"):
                children.extend(_inline(inline, marks=(), resolved=resolved))
                inline.clear()
                children.append(_list(child, resolved=resolved))
            else:
                inline.append(child)
        children.extend(_inline(inline, marks=(), resolved=resolved))
        items.append({"type": "list_item", "children": children})
    return {"type": "list", "ordered": element.tag == "ol", "children": items}


def richtext_ast(*, html: str, resolved: Resolved) -> list[dict]:
    """One stored rich-text string as a list of block nodes, using only ``resolved``."""
    builder = _TreeBuilder()
    builder.feed(html or "")
    builder.close()
    return _blocks(builder.root.children, resolved=resolved)
