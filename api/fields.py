"""Serializer fields for what a frontend renders, one small class per field (as Wagtail does).

Each field reads the ``RenderContext`` the view preloaded (``api.prefetch``) from the
serializer context under ``"render"``, so no field queries the database per object.
Composite fields accept nested selection (``fields=authors(name,slug)``); the view checks
the names against ``sub_fields`` and each field keeps only those keys.
"""

from rest_framework.fields import DateTimeField, Field
from wagtail.api.v2.serializers import PageParentField

from api.renditions import (
    SRCSET_WIDTHS,
    image_alt,
    image_card_representation,
    image_representation,
    srcset_widths_keep,
)
from api.richtext import richtext_expand
from api.streamfield import body_representation, link_blocks_representation
from blog.frontend import (
    frontend_url,
    page_frontend_path,
    page_frontend_url,
    request_site_root_paths,
)
from blog.seo import page_seo


def _project(data: dict, keys: list[str] | None) -> dict:
    if not keys or data is None:
        return data
    return {key: data[key] for key in data if key in keys}


class ContextField(Field):
    """A read-only field that renders the whole object from the preloaded context."""

    sub_fields: tuple[str, ...] = ()
    # Sub-fields that take a selection of their own → the names it may hold
    # (``featured_image(srcset(320,640))``); the view keeps it under ``"<field>.<sub>"``.
    sub_selections: dict[str, tuple[str, ...]] = {}

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return instance

    @property
    def render(self):
        return self.context["render"]

    @property
    def selected(self) -> list[str] | None:
        """Nested selection for this field: the view puts this request's ``fields=`` in the
        serializer context."""
        return self.context.get("nested_selection", {}).get(self.field_name)

    def sub_selected(self, sub_field: str) -> list[str] | None:
        """The selection of one sub-field (``srcset(320,640)`` → ``["320", "640"]``)."""
        return self.context.get("nested_selection", {}).get(f"{self.field_name}.{sub_field}")


class FrontendUrlField(ContextField):
    """``html_url``: where the page lives on the frontend, e.g. ``https://www.example.com/blog/a-post/``."""

    def to_representation(self, page):
        return page_frontend_url(page=page)


class FrontendPathField(ContextField):
    """``html_path``: the frontend path, e.g. ``/blog/a-post/`` (``find/?html_path=`` takes it)."""

    def to_representation(self, page):
        return page_frontend_path(page=page)


class ImageField(ContextField):
    """An image with renditions; ``null`` when unset. Example: ``featured_image``."""

    sub_fields = (
        "id",
        "title",
        "alt",
        "width",
        "height",
        "download_url",
        "focal_point",
        "srcset",
        "placeholder",
        "renditions",
    )

    sub_selections = {"srcset": tuple(str(width) for width in SRCSET_WIDTHS)}

    def to_representation(self, instance):
        image = getattr(instance, self.field_name)
        if image is None:
            return None
        data = _project(image_representation(image=image), self.selected)
        widths = self.sub_selected("srcset")
        if widths and "srcset" in data:
            srcset = srcset_widths_keep(srcset=data["srcset"], widths=[int(w) for w in widths])
            data = {**data, "srcset": srcset}
        return data


class PostBodyField(ContextField):
    """``body``: typed blocks with rich text as HTML (or a tree, ``body_format=ast``) and
    images with renditions."""

    def to_representation(self, post):
        return body_representation(
            stream=post.body,
            resolved=self.render.resolved,
            body_format=self.context.get("body_format", "html"),
        )


def author_representation(*, author, resolved) -> dict:
    """An author as the API shows it; kept per response (``resolved``) by author id, since a
    listing shows the same authors on many posts."""
    key = ("author", author.pk)
    if key not in resolved.memo:
        resolved.memo[key] = _author_representation(author=author, resolved=resolved)
    return resolved.memo[key]


def _author_representation(*, author, resolved) -> dict:
    return {
        "id": author.pk,
        "name": author.name,
        "slug": author.slug,
        "job_title": author.job_title,
        "bio": richtext_expand(html=author.bio or "", resolved=resolved),
        "avatar": image_representation(image=author.avatar) if author.avatar_id else None,
        "links": link_blocks_representation(stream=author.links, resolved=resolved),
        **taxonomy_urls(prefix="authors", slug=author.slug),
    }


class AuthorsField(ContextField):
    """``authors``: in byline order, each with bio HTML, avatar and profile links."""

    sub_fields = (
        "id",
        "name",
        "slug",
        "job_title",
        "bio",
        "avatar",
        "links",
        "url",
        "html_url",
        "html_path",
    )

    def to_representation(self, post):
        return [
            _project(
                author_representation(author=link.author, resolved=self.render.resolved),
                self.selected,
            )
            for link in post.post_authors.all()
        ]


def taxonomy_urls(*, prefix: str, slug: str) -> dict:
    """Where an author, category or tag page lives on the frontend: ``html_url`` and
    ``html_path`` as pages have them (``/tags/<slug>/``); ``url`` is the same as
    ``html_url``, kept for clients written before."""
    html_path = f"/{prefix}/{slug}/"
    html_url = frontend_url(path=html_path)
    return {"url": html_url, "html_url": html_url, "html_path": html_path}


def category_representation(*, category) -> dict:
    return {
        "id": category.pk,
        "name": category.name,
        "slug": category.slug,
        **taxonomy_urls(prefix="categories", slug=category.slug),
    }


class CategoriesField(ContextField):
    """``categories``: ``[{"id", "name", "slug", "url"}]`` ordered by name."""

    sub_fields = ("id", "name", "slug", "url", "html_url", "html_path")

    def to_representation(self, post):
        categories = sorted(post.categories.all(), key=lambda item: (item.name, item.pk))
        return [
            _project(category_representation(category=category), self.selected)
            for category in categories
        ]


def tag_representation(*, tag) -> dict:
    return {
        "id": tag.pk,
        "name": tag.name,
        "slug": tag.slug,
        **taxonomy_urls(prefix="tags", slug=tag.slug),
    }


class PostTagsField(ContextField):
    """``tags``: ``[{"name", "slug", "url"}]`` ordered by name (stock Wagtail: bare names)."""

    sub_fields = ("id", "name", "slug", "url", "html_url", "html_path")

    def to_representation(self, post):
        tags = sorted(post.tags.all(), key=lambda tag: (tag.name, tag.pk))
        return [_project(tag_representation(tag=tag), self.selected) for tag in tags]


def related_post_representation(*, post) -> dict:
    """A suggested post: a small card, its image as a card shows it (loaded by
    ``api.prefetch``). The image's crops and original are on ``/api/v2/images/<id>/``."""
    image = getattr(post, "featured_image", None) if post.featured_image_id else None
    return {
        "id": post.pk,
        "title": post.title,
        "html_url": page_frontend_url(page=post),
        "html_path": page_frontend_path(page=post),
        "publication_date": DateTimeField().to_representation(post.publication_date)
        if post.publication_date
        else None,
        "intro": post.intro,
        "featured_image": image_card_representation(image=image) if image is not None else None,
    }


class RelatedPostsField(ContextField):
    """``related_posts``: editor-picked posts first, then the newest sharing a category
    (``api.related``); the post itself never."""

    sub_fields = (
        "id",
        "title",
        "html_url",
        "html_path",
        "publication_date",
        "intro",
        "featured_image",
    )

    def to_representation(self, post):
        return [
            _project(related_post_representation(post=related), self.selected)
            for related in self.render.related.get(post.pk, [])
        ]


class SeoField(ContextField):
    """``seo``: title, description, canonical URL, Open Graph, Twitter card, JSON-LD and
    ``head``, the same as ready-to-render ``<head>`` elements."""

    sub_fields = ("title", "description", "canonical_url", "og", "twitter", "json_ld", "head")

    def to_representation(self, page):
        render = self.render
        data = page_seo(
            page=page,
            site=render.site,
            site_name=render.site.site_name if render.site else "",
            same_as=render.same_as,
            seo_settings=render.seo_settings,
            ancestors=render.ancestors.get(page.pk),
        )
        return _project(data, self.selected)


class ExcerptField(ContextField):
    """``excerpt``: the intro, else the first paragraph, cut at a word near 155 characters."""

    def to_representation(self, post):
        return post.excerpt


class ImageAltField(ContextField):
    """``alt`` of an image: its default alt text, else its title."""

    def to_representation(self, image):
        return image_alt(image=image)


class ImagePartField(ContextField):
    """One part of an image's representation on ``/api/v2/images/``, named as the field:
    ``renditions``, ``srcset``, ``placeholder``, ``focal_point`` or ``download_url``."""

    def to_representation(self, image):
        return image_representation(image=image)[self.field_name]


class RichTextHtmlField(ContextField):
    """A rich-text model field as frontend HTML (links resolved). Example: an author's ``bio``."""

    def to_representation(self, instance):
        html = getattr(instance, self.field_name) or ""
        return richtext_expand(html=html, resolved=self.render.resolved)


class LinkListField(ContextField):
    """A StreamField of labelled links: ``[{"label", "url", "page"}]``."""

    def to_representation(self, instance):
        stream = getattr(instance, self.field_name)
        return link_blocks_representation(stream=stream, resolved=self.render.resolved)


class SnippetUrlField(ContextField):
    """``url``, ``html_url`` or ``html_path`` (the field's name): the snippet's page on the
    frontend, e.g. ``https://www.example.com/authors/<slug>/``."""

    def __init__(self, *, prefix: str, **kwargs):
        self.prefix = prefix
        super().__init__(**kwargs)

    def to_representation(self, instance):
        return taxonomy_urls(prefix=self.prefix, slug=instance.slug)[self.field_name]


class RedirectLocationField(ContextField):
    """``location``: the frontend URL of the target page, or the external link."""

    def to_representation(self, redirect):
        page = self.render.resolved.pages.get(redirect.redirect_page_id)
        if page is not None:
            return page_frontend_url(page=page)
        return redirect.redirect_link


class ParentField(PageParentField):
    """``parent`` (details only): the parent page when the public API shows it.

    Read from the ancestors the view preloaded (``RenderContext.ancestors``); Wagtail's own
    field asks the database twice per page (the parent, then whether it is visible). A
    page's parent is visible when the page is, unless it lies above the site's root.
    """

    def get_attribute(self, instance):
        render = self.context.get("render")
        chain = render.ancestors.get(instance.pk) if render is not None else None
        if not chain:  # not preloaded (e.g. a draft with no place in the tree yet)
            return super().get_attribute(instance)
        parent = chain[-2] if len(chain) >= 2 else None
        root = render.site.root_page
        if parent is None or parent.depth != instance.depth - 1 or parent.depth < root.depth:
            return None
        return parent

    def to_representation(self, value):
        """Wagtail's ``{id, meta: {type, detail_url, html_url}, title}``, with ``html_url``
        on the frontend (Wagtail's points at this backend's host) and ``html_path``."""
        paths = request_site_root_paths()
        if paths is not None:  # Wagtail's own memo on the object: no second read
            value._wagtail_cached_site_root_paths = paths
        data = super().to_representation(value)
        data["meta"]["html_url"] = page_frontend_url(page=value)
        data["meta"]["html_path"] = page_frontend_path(page=value)
        return data
