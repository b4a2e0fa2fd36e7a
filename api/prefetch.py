"""Load everything a response renders in a fixed number of queries, whatever its length.

The serializer fields (``api.fields``) read only from the ``RenderContext`` built here:
authors, categories and tags are prefetched per relation; images (featured, Open Graph,
avatars, body and rich-text images, the site's default social image and logo) are loaded
together with their renditions; linked pages, documents and stored embeds are loaded once
per kind; and the ancestors of every page (for breadcrumbs) in one query. Listing 20 posts
with every field therefore costs the same number of queries as listing one.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from wagtail.documents import get_document_model
from wagtail.embeds.models import Embed
from wagtail.images import get_image_model
from wagtail.models import Page, Site
from wagtailseo.models import SeoSettings

from api.related import posts_related
from api.renditions import PREFETCH_SPECS
from api.richtext import References, Resolved, richtext_references
from api.streamfield import body_references, link_blocks_references
from blog.models import BlogPostAuthor, BlogPostPage, SiteSettings

# Post fields that need each relation loaded (``seo`` reads authors, tags and categories).
NEEDS_AUTHORS = {"authors", "seo"}
NEEDS_CATEGORIES = {"categories", "seo", "related_posts"}
NEEDS_TAGS = {"tags", "seo"}


@dataclass
class RenderContext:
    site: Site
    resolved: Resolved = field(default_factory=Resolved)
    seo_settings: SeoSettings | None = None
    same_as: list[str] = field(default_factory=list)
    ancestors: dict[int, list] = field(default_factory=dict)
    related: dict[int, list] = field(default_factory=dict)


@dataclass
class SiteSeo:
    """What every SEO object of a site shares: its SEO settings and social profile URLs."""

    seo_settings: SeoSettings | None
    same_as: tuple[str, ...] = ()


def site_seo_load(*, site: Site | None) -> SiteSeo:
    """The site's SEO settings and social profiles (two queries)."""
    if site is None:
        return SiteSeo(seo_settings=None)
    site_settings = SiteSettings.objects.filter(site=site).order_by("pk").first()
    same_as = ()
    if site_settings is not None:
        same_as = tuple(
            block["value"]["url"]
            for block in site_settings.social_profiles.raw_data
            if isinstance(block.get("value"), dict) and block["value"].get("url")
        )
    return SiteSeo(
        seo_settings=SeoSettings.objects.filter(site=site).order_by("pk").first(),
        same_as=same_as,
    )


def _posts_prefetch(*, posts: list, fields: set[str]) -> None:
    lookups = []
    if fields & NEEDS_AUTHORS:
        lookups.append(
            Prefetch(
                "post_authors",
                queryset=BlogPostAuthor.objects.select_related("author").order_by(
                    "sort_order", "id"
                ),
            )
        )
    if fields & NEEDS_CATEGORIES:
        lookups.append("categories")
    if fields & NEEDS_TAGS:
        # taggit's own prefetch fills the cache ``post.tags.all()`` reads (the SEO object too).
        lookups.append("tags")
    if lookups:
        prefetch_related_objects(posts, *lookups)


def _ancestor_paths(*, path: str) -> list[str]:
    step = Page.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def ancestors_load(*, pages: list) -> dict[int, list]:
    """Each page's live ancestors (root first, the page itself last) in one query."""
    paths = {path for page in pages for path in _ancestor_paths(path=page.path or "")}
    by_path = {
        ancestor.path: ancestor
        for ancestor in Page.objects.filter(path__in=paths).live().order_by("path")
    }
    result = {}
    for page in pages:
        chain = [by_path[p] for p in _ancestor_paths(path=page.path or "")[:-1] if p in by_path]
        # A page previewed before its first save has no place in the tree yet.
        result[page.pk] = [*chain, page] if page.depth else []
    return result


def images_load(*, ids: Iterable[int]) -> dict[int, object]:
    """Images with their placeholders and every rendition a read may show, in two queries."""
    images = (
        get_image_model()
        .objects.filter(pk__in=list(ids))
        .select_related("placeholder")
        .prefetch_renditions(*PREFETCH_SPECS)
    )
    return {image.pk: image for image in images}


ImagesLoader = Callable[[set[int]], dict[int, object]]
CandidatesLoader = Callable[[list[int]], dict[int, list]]


def references_resolve(
    *, refs: References, visible_pages: QuerySet, images: ImagesLoader | None = None
) -> Resolved:
    """Load what ``refs`` names: one query per kind that is referenced at all. ``images``
    loads images when the caller keeps them (``api.kept``); by default ``images_load``."""
    resolved = Resolved()
    if refs.page_ids:
        resolved.pages = {page.pk: page for page in visible_pages.filter(pk__in=refs.page_ids)}
    if refs.document_ids:
        documents = get_document_model().objects.filter(pk__in=refs.document_ids)
        resolved.documents = {document.pk: document for document in documents}
    if refs.image_ids:
        resolved.images = (
            images(set(refs.image_ids)) if images is not None else images_load(ids=refs.image_ids)
        )
    if refs.embed_urls:
        # Several rows may exist per URL (one per max_width); take the plain one first.
        for embed in Embed.objects.filter(url__in=refs.embed_urls).order_by(
            "url", "-max_width", "id"
        ):
            resolved.embeds.setdefault(embed.url, embed)
    return resolved


def render_context_build(
    *,
    site: Site,
    pages: list,
    fields: set[str],
    visible_pages: QuerySet,
    from_database: bool = True,
    site_seo: Callable[[], "SiteSeo"] | None = None,
    images: ImagesLoader | None = None,
    related_candidates: CandidatesLoader | None = None,
) -> RenderContext:
    """Preload what ``fields`` of ``pages`` render; attach loaded images to their pages.

    ``from_database=False`` is for drafts built in memory (preview): their authors, tags
    and categories live in the object itself and must not be replaced by stored rows.
    ``site_seo`` supplies the site's SEO settings when the caller keeps them (called only
    when ``seo`` is rendered); by default they are read here. ``images`` and
    ``related_candidates`` load images and each category's newest posts when the caller
    keeps them between responses (``api.kept``).
    """
    context = RenderContext(site=site)
    posts = [page for page in pages if isinstance(page, BlogPostPage)]
    if from_database:
        if "locale" in fields:  # search results and ``.specific`` drop ``select_related``
            prefetch_related_objects(pages, "locale")
        _posts_prefetch(posts=posts, fields=fields)

    refs = References()
    wants_seo = "seo" in fields
    if wants_seo:
        seo = site_seo() if site_seo is not None else site_seo_load(site=site)
        context.seo_settings, context.same_as = seo.seo_settings, list(seo.same_as)
        if context.seo_settings is not None:
            for image_id in (
                context.seo_settings.og_image_default_id,
                context.seo_settings.struct_org_logo_id,
            ):
                if image_id:
                    refs.image_ids.add(image_id)
        for page in pages:
            if getattr(page, "og_image_id", None):
                refs.image_ids.add(page.og_image_id)
    if wants_seo or "parent" in fields:  # breadcrumbs and the ``parent`` field
        context.ancestors = ancestors_load(pages=pages)
    for post in posts:
        if post.featured_image_id and ({"featured_image"} | {"seo"}) & fields:
            refs.image_ids.add(post.featured_image_id)
        if "body" in fields:
            refs.update(body_references(stream=post.body))
        if "authors" in fields:
            for link in post.post_authors.all():
                if link.author.avatar_id:
                    refs.image_ids.add(link.author.avatar_id)
                refs.update(richtext_references(html=link.author.bio or ""))

    if "related_posts" in fields and posts:
        related = posts_related(
            posts=posts, visible_pages=visible_pages, candidates=related_candidates
        )
        context.related = related.by_post
        refs.image_ids.update(related.featured_image_ids())

    context.resolved = references_resolve(refs=refs, visible_pages=visible_pages, images=images)
    images = context.resolved.images
    for suggestions in context.related.values():
        for suggested in suggestions:
            suggested.featured_image = images.get(suggested.featured_image_id)
    for page in pages:
        og_image_id = getattr(page, "og_image_id", None)
        if og_image_id in images:
            page.og_image = images[og_image_id]
    for post in posts:
        if post.featured_image_id in images:
            post.featured_image = images[post.featured_image_id]
        if "authors" in fields:
            for link in post.post_authors.all():
                if link.author.avatar_id in images:
                    link.author.avatar = images[link.author.avatar_id]
    if context.seo_settings is not None:
        seo = context.seo_settings
        if seo.og_image_default_id in images:
            seo.og_image_default = images[seo.og_image_default_id]
        if seo.struct_org_logo_id in images:
            seo.struct_org_logo = images[seo.struct_org_logo_id]
    return context


def link_blocks_context(
    *, site: Site, streams: list, visible_pages: QuerySet, page_ids: set[int] = frozenset()
) -> RenderContext:
    """A context for menus and link lists: their pages (and ``page_ids``) are loaded."""
    refs = References(page_ids=set(page_ids))
    for stream in streams:
        refs.update(link_blocks_references(stream=stream))
    return RenderContext(
        site=site, resolved=references_resolve(refs=refs, visible_pages=visible_pages)
    )


def authors_context(*, site: Site, authors: list, visible_pages: QuerySet) -> RenderContext:
    """Avatars with renditions and the links in bios and profile lists, for many authors."""
    refs = References()
    for author in authors:
        if author.avatar_id:
            refs.image_ids.add(author.avatar_id)
        refs.update(richtext_references(html=author.bio or ""))
        refs.update(link_blocks_references(stream=author.links))
    resolved = references_resolve(refs=refs, visible_pages=visible_pages)
    for author in authors:
        if author.avatar_id in resolved.images:
            author.avatar = resolved.images[author.avatar_id]
    return RenderContext(site=site, resolved=resolved)


def redirects_context(*, site: Site, redirects: list, visible_pages: QuerySet) -> RenderContext:
    refs = References(page_ids={r.redirect_page_id for r in redirects if r.redirect_page_id})
    return RenderContext(
        site=site, resolved=references_resolve(refs=refs, visible_pages=visible_pages)
    )
