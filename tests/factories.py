"""Builders of test data shared by fixtures and tests (plain functions, no fixtures)."""

import io

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from blog.models import BlogPostAuthor, BlogPostPage

EDITOR_PASSWORD = "correct-horse-battery-staple-42"


def image_make(
    *,
    title: str,
    size: tuple[int, int] = (1600, 900),
    color: tuple[int, int, int] = (200, 80, 40),
    image_format: str = "PNG",
    file_name: str = "",
):
    """A saved Wagtail image of one colour."""
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, format=image_format)
    extension = "jpg" if image_format == "JPEG" else image_format.lower()
    image = get_image_model()(title=title)
    name = file_name or f"{title.lower()}.{extension}"
    image.file = ImageFile(io.BytesIO(buffer.getvalue()), name=name)
    image.save()
    return image


def post_make(
    *,
    blog_index,
    author,
    category,
    title: str = "A post",
    live: bool = True,
    body=None,
    tags=("python",),
    **fields,
) -> BlogPostPage:
    """A post beneath ``blog_index``, published through a revision unless ``live`` is off."""
    post = BlogPostPage(
        title=title,
        intro=fields.pop("intro", "An introduction."),
        body=body
        if body is not None
        else [{"type": "paragraph", "value": "<p>Hello world, this is a post.</p>"}],
        live=False,
        **fields,
    )
    post.post_authors = [BlogPostAuthor(author=author, sort_order=0)]
    post.categories = [category]
    post.tags.add(*tags)
    blog_index.add_child(instance=post)
    if live:
        post.save_revision().publish()
    else:
        post.save_revision()
    post.refresh_from_db()
    return post


def rich_body(*, image, link_page_id=None, document_id=None, embed_url="", cta_page_id=None):
    """A body with one block of every type, referencing pages, documents, images, embeds."""
    links = ""
    if link_page_id:
        links += f' See <a linktype="page" id="{link_page_id}">the earlier post</a>.'
    if document_id:
        links += f' Get <a linktype="document" id="{document_id}">the prices</a>.'
    return [
        {"type": "heading", "value": {"text": "Why", "level": "h2"}},
        {"type": "paragraph", "value": f"<p>Hello <b>world</b>.{links}</p>"},
        {"type": "image", "value": {"image": image.pk, "alt_text": "A blue box", "caption": "Box"}},
        {"type": "quote", "value": {"text": "Simple is better.", "attribution": "Tim"}},
        {"type": "code", "value": {"language": "python", "code": "print('hi')"}},
        {"type": "embed", "value": embed_url or "https://vimeo.com/unknown"},
        {
            "type": "call_to_action",
            "value": {
                "text": "Read more",
                "page": cta_page_id,
                "url": "" if cta_page_id else "https://example.org/",
            },
        },
    ]
