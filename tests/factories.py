"""Builders of test data shared by fixtures and tests (plain functions, no fixtures)."""

import io

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.embeds.models import Embed
from wagtail.images import get_image_model

from blog.demo_content import demo_site_ensure
from blog.models import Author, BlogPostAuthor, BlogPostPage, Category, SiteSettings

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


def document_make():
    from django.core.files.base import ContentFile

    document = get_document_model()(title="Price list")
    document.file.save("prices.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    return document


def stored_embed_make():
    return Embed.objects.create(
        url="https://www.youtube.com/watch?v=stored",
        hash="stored-embed-hash",
        type="video",
        html='<iframe src="https://www.youtube.com/embed/stored"></iframe>',
        title="A stored video",
        provider_name="YouTube",
        width=480,
        height=270,
    )


def second_author_make():
    return Author.objects.create(name="Grace Hopper", job_title="Admiral", bio="<p>Compilers.</p>")


def site_settings_make(*, blog_index):
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    settings_obj, _ = SiteSettings.objects.get_or_create(site=site)
    settings_obj.tagline = "Notes from the team"
    settings_obj.menu = [
        {"type": "item", "value": {"label": "Blog", "page": blog_index.pk, "url": ""}},
        {"type": "item", "value": {"label": "GitHub", "page": None, "url": "https://github.com/"}},
    ]
    settings_obj.social_profiles = [
        {"type": "profile", "value": {"label": "Mastodon", "url": "https://mastodon.social/@b"}}
    ]
    settings_obj.save()
    return settings_obj


def blog_build() -> dict:
    """Three live posts (one with every block), a draft, a category of its own, and
    everything they reference."""
    _home, blog_index = demo_site_ensure()
    author = Author.objects.create(name="Ada Lovelace")
    category = Category.objects.create(name="Engineering")
    image = image_make(
        title="Test image", color=(40, 90, 160), image_format="JPEG", file_name="test.jpg"
    )
    document, stored_embed = document_make(), stored_embed_make()
    second_author = second_author_make()
    site_settings = site_settings_make(blog_index=blog_index)

    def make(**fields):
        return post_make(blog_index=blog_index, author=author, category=category, **fields)

    first = make(title="First post", tags=("python", "django"), featured_image=image)
    full = make(
        title="Full post",
        tags=("python",),
        featured_image=image,
        body=rich_body(
            image=image,
            link_page_id=first.pk,
            document_id=document.pk,
            embed_url=stored_embed.url,
            cta_page_id=first.pk,
        ),
    )
    BlogPostAuthor.objects.create(post=full, author=second_author, sort_order=1)
    third = make(title="Third post", tags=("wagtail",))
    draft = make(title="Secret draft", live=False, tags=("unreleased",))
    design = Category.objects.create(name="Design")
    return {
        "blog": {"first": first, "full": full, "third": third, "draft": draft, "design": design},
        "author": author,
        "category": category,
        "image": image,
        "document": document,
        "stored_embed": stored_embed,
        "second_author": second_author,
        "site_settings": site_settings,
    }
