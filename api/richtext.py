"""Rich text as HTML a frontend can insert: links and embeds resolved without a query each.

Wagtail stores rich text with references (``<a linktype="page" id="3">``, ``<embed
embedtype="image" id="5" .../>``) and its API returns that internal format. Its own
``expand_db_html`` resolves them with queries per string; a listing of 20 posts has
hundreds of strings. So the API first collects the references of the whole response
(``richtext_references``), loads each kind once (``api.prefetch``), then rewrites every
string with Wagtail's own ``LinkRewriter``/``EmbedRewriter`` against those preloaded maps
(``richtext_expand``). Internal page links point at the frontend (``FRONTEND_BASE_URL``).
https://docs.wagtail.org/en/7.4/extending/rich_text_internals.html
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.html import escape
from wagtail.rich_text.rewriters import EmbedRewriter, LinkRewriter, MultiRuleRewriter

from api.renditions import RENDITION_SPECS, image_alt
from blog.frontend import absolute_media_url, page_frontend_url
from blog.images import image_file_for

# Rich-text image formats mapped onto the prefetched renditions (no extra query).
RICH_TEXT_IMAGE_SPECS = {"fullwidth": RENDITION_SPECS["large"]}
RICH_TEXT_IMAGE_DEFAULT_SPEC = RENDITION_SPECS["medium"]


@dataclass
class References:
    """Ids and URLs a set of rich-text strings refers to."""

    page_ids: set[int] = field(default_factory=set)
    document_ids: set[int] = field(default_factory=set)
    image_ids: set[int] = field(default_factory=set)
    embed_urls: set[str] = field(default_factory=set)

    def update(self, other: "References") -> None:
        self.page_ids |= other.page_ids
        self.document_ids |= other.document_ids
        self.image_ids |= other.image_ids
        self.embed_urls |= other.embed_urls


@dataclass
class Resolved:
    """What the references resolved to. Pages hold only visible pages."""

    pages: dict[int, object] = field(default_factory=dict)
    documents: dict[int, object] = field(default_factory=dict)
    images: dict[int, object] = field(default_factory=dict)
    embeds: dict[str, object] = field(default_factory=dict)
    # Representations already built for this response, e.g. ``("author", 3)``.
    memo: dict = field(default_factory=dict)


def _as_id(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


_LINKS = LinkRewriter()
_EMBEDS = EmbedRewriter()


def richtext_references(*, html: str) -> References:
    refs = References()
    for tag_type, matches in _LINKS.extract_tags(html).items():
        for match in matches:
            ident = _as_id(match.attrs.get("id"))
            if ident is not None and tag_type == "page":
                refs.page_ids.add(ident)
            elif ident is not None and tag_type == "document":
                refs.document_ids.add(ident)
    for tag_type, matches in _EMBEDS.extract_tags(html).items():
        for match in matches:
            if tag_type == "image":
                ident = _as_id(match.attrs.get("id"))
                if ident is not None:
                    refs.image_ids.add(ident)
            elif tag_type == "media" and match.attrs.get("url"):
                refs.embed_urls.add(match.attrs["url"])
    return refs


def richtexts_references(*, htmls: Iterable[str]) -> References:
    refs = References()
    for html in htmls:
        refs.update(richtext_references(html=html))
    return refs


def _page_link(resolved: Resolved):
    def rule(attrs: dict) -> str:
        page = resolved.pages.get(_as_id(attrs.get("id")))
        if page is None:  # deleted, draft or private: keep the text, drop the link
            return "<a>"
        return f'<a href="{escape(page_frontend_url(page=page))}">'

    return rule


def _document_link(resolved: Resolved):
    def rule(attrs: dict) -> str:
        document = resolved.documents.get(_as_id(attrs.get("id")))
        if document is None:
            return "<a>"
        return f'<a href="{escape(absolute_media_url(url=document.url))}">'

    return rule


def _image_embed(resolved: Resolved):
    def rule(attrs: dict) -> str:
        image = resolved.images.get(_as_id(attrs.get("id")))
        if image is None:
            return ""
        image_format = attrs.get("format", "")
        spec = RICH_TEXT_IMAGE_SPECS.get(image_format, RICH_TEXT_IMAGE_DEFAULT_SPEC)
        rendition = image_file_for(image=image, spec=spec)
        if rendition is None:  # the file is gone: no broken <img>
            return ""
        alt = attrs.get("alt") or image_alt(image=image)
        return (
            f'<img src="{escape(absolute_media_url(url=rendition.url))}" '
            f'width="{rendition.width}" height="{rendition.height}" alt="{escape(alt)}" '
            f'class="richtext-image {escape(image_format)}">'
        )

    return rule


def _media_embed(resolved: Resolved):
    def rule(attrs: dict) -> str:
        url = attrs.get("url", "")
        embed = resolved.embeds.get(url)
        if embed is not None and embed.html:
            return f'<div class="responsive-object">{embed.html}</div>'
        # Never fetched during a request: without a stored embed, a plain link.
        return f'<p><a href="{escape(url)}">{escape(url)}</a></p>'

    return rule


def richtext_expand(*, html: str, resolved: Resolved) -> str:
    """Rewrite one rich-text string to frontend HTML using only ``resolved``."""
    links = {"page": _page_link(resolved), "document": _document_link(resolved)}
    embeds = {"image": _image_embed(resolved), "media": _media_embed(resolved)}
    rewriter = MultiRuleRewriter([LinkRewriter(rules=links), EmbedRewriter(rules=embeds)])
    return rewriter(html)
