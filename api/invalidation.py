"""What each change invalidates in the API response cache and the CDN, and when.

Receivers stay thin: each names the objects a change affects, works out their cache tags
(``cachetags.vocabulary``) and hands them to ``cache_invalidate_after_commit``
(``cachetags.commit``), which replaces their tokens once the change's transaction has
committed; the outbox's ``cache.invalidated`` event (``propagation``) purges the CDN for
the same tags from the worker. Doing it after the commit is
what keeps reads exact: a reader that sees the new token also sees the committed rows.

Fan-out is computed from the database, so it is exact rather than "flush everything":

- a page (publish, unpublish, direct save of a live page, move, delete, privacy change):
  page listings and searches, the page's detail, its descendants' details (their URLs,
  privacy and parent change with it), and the details of pages that link to it (related
  posts, rich-text and StreamField links, through Wagtail's reference index);
- an author, category or tag: its own endpoint, page listings, and the details of the
  posts that use it;
- an image or document: its endpoint, page listings and the pages that show it
  (featured and social images, body blocks), authors whose avatar it is and their posts;
  everything when it is the site's default social image or logo;
- site settings, SEO settings or a site: everything (every response carries them);
- a redirect: path lookups, page listings and the redirects endpoint.
"""

import logging
from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.db.models.signals import post_save, pre_delete
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, ReferenceIndex, Site, get_page_models
from wagtail.signals import post_page_move
from wagtailseo.models import SeoSettings

from blog.images import image_renditions_ready
from blog.models import (
    Author,
    BlogPostAuthor,
    BlogPostPage,
    BlogPostTag,
    Category,
    RelatedPost,
)
from cachetags.commit import tags_invalidate_after_commit
from cachetags.vocabulary import TAG_ALL, tag_endpoint, tag_object

logger = logging.getLogger(__name__)

# Endpoints whose responses summarise or point at pages: authors, categories and tags
# (visible-post counts), the site (root page, navigation), path lookups and redirects
# (target URLs). Any page change invalidates them; a name without an endpoint is harmless.
PAGE_SUMMARY_ENDPOINTS = ("authors", "categories", "tags", "site", "path", "redirects")
# Page saves that only move the draft pointer do not change what the API serves.
DRAFT_ONLY_FIELDS = frozenset(
    {
        "draft_title",
        "has_unpublished_changes",
        "latest_revision",
        "latest_revision_created_at",
        "locked",
        "locked_at",
        "locked_by",
    }
)
IMAGE_BOOKKEEPING_FIELDS = frozenset({"file_size", "file_hash"})
# Above this many page details, the CDN gets one wildcard instead of a path each
# (CloudFront bills invalidation paths; a wildcard counts as one).
CDN_DETAIL_PATHS_MAX = 50


def pages_referencing(*, objects: Iterable) -> set[int]:
    """Ids of pages whose fields, StreamField blocks or rich text point at ``objects``."""
    objects = [o for o in objects if o is not None and o.pk is not None]
    if not objects:
        return set()
    page_type = ContentType.objects.get_for_model(Page)
    references = ReferenceIndex.get_references_to_in_bulk(objects).filter(
        base_content_type=page_type
    )
    return {int(object_id) for object_id in references.values_list("object_id", flat=True)}


def page_invalidation_tags(*, pages: Iterable[Page], descendants: bool = True) -> set[str]:
    """Tags a change to these pages affects (see the module docstring)."""
    pages = [p for p in pages if p.pk is not None]
    page_ids = {p.pk for p in pages}
    affected = set(page_ids)
    if descendants:
        for page in pages:
            if page.numchild:
                affected.update(
                    Page.objects.descendant_of(page).values_list("pk", flat=True).iterator()
                )
    affected.update(pages_referencing(objects=pages))
    affected.update(
        RelatedPost.objects.filter(page_id__in=page_ids).values_list("post_id", flat=True)
    )
    # A post's related_posts suggest the newest posts sharing a category, so a change to one
    # post can change the suggestions of every post in its categories.
    post_categories = BlogPostPage.categories.through.objects
    affected.update(
        post_categories.filter(
            category_id__in=post_categories.filter(blogpostpage_id__in=page_ids).values(
                "category_id"
            )
        ).values_list("blogpostpage_id", flat=True)
    )
    tags = page_summary_tags()
    tags.update(tag_object(endpoint="pages", key=pk) for pk in affected)
    return tags


def page_summary_tags() -> set[str]:
    """Page listings and every endpoint that summarises pages."""
    return {tag_endpoint(endpoint=e) for e in ("pages", *PAGE_SUMMARY_ENDPOINTS)}


def snippet_invalidation_tags(*, endpoint: str, instance, post_ids: Iterable[int]) -> set[str]:
    """An author, category, tag, image or document and the posts that use it."""
    tags = {
        tag_endpoint(endpoint=endpoint),
        tag_object(endpoint=endpoint, key=instance.pk),
        tag_endpoint(endpoint="pages"),
    }
    slug = getattr(instance, "slug", "")
    if slug:
        tags.add(tag_object(endpoint=endpoint, key=slug))
    post_ids = set(post_ids) | pages_referencing(objects=[instance])
    tags.update(tag_object(endpoint="pages", key=pk) for pk in post_ids)
    return tags


def cdn_urls_for_tags(*, tags: Iterable[str]) -> list[str]:
    """The CDN URLs behind a set of tags: exact paths plus wildcards for listings."""
    base = f"{settings.API_CDN_BASE_URL}/api/v2"
    urls: list[str] = []
    details: list[str] = []
    for tag in sorted(tags):
        parts = tag.split(":")
        if tag == "all":
            urls.append(f"{base}/*")
        elif len(parts) == 2:
            urls += [f"{base}/{parts[1]}/", f"{base}/{parts[1]}/*"]
        elif len(parts) == 3:
            details.append(f"{base}/{parts[1]}/{parts[2]}/")
    if len(details) <= CDN_DETAIL_PATHS_MAX:
        urls += details
    if "ep:pages" in tags:
        # Feeds and the sitemap list the newest posts.
        origin = settings.API_CDN_BASE_URL
        urls += [f"{origin}/feeds/*", f"{origin}/sitemap.xml"]
    return urls


def cache_invalidate_after_commit(*, tags: set[str], first: Iterable[str] = ()) -> None:
    """Replace the tags' tokens once the current transaction commits. The CDN is purged
    and the hottest responses re-warmed for the same tags by the outbox's
    ``cache.invalidated`` event (``propagation``); ``first`` names the changed object's own
    tags, re-warmed before the rest."""
    tags_invalidate_after_commit(tags=tags, first=first)


# --- receivers ------------------------------------------------------------------------
# Saves are handled after the save (post_save), deletions before the rows and their
# relations vanish (pre_delete); the invalidation itself always waits for the commit.


def page_saved(sender, instance, created, update_fields=None, raw=False, **kwargs):
    if raw or (created and not instance.live):
        return
    if update_fields and set(update_fields) <= DRAFT_ONLY_FIELDS:
        return
    own = tag_object(endpoint="pages", key=instance.pk)
    # A new page has no descendants and nothing links to it yet.
    tags = page_summary_tags() | {own} if created else page_invalidation_tags(pages=[instance])
    cache_invalidate_after_commit(tags=tags, first=[own])


def page_deleting(sender, instance, **kwargs):
    cache_invalidate_after_commit(tags=page_invalidation_tags(pages=[instance]))


def page_moved(sender, instance, **kwargs):
    cache_invalidate_after_commit(
        tags=page_invalidation_tags(pages=[instance]),
        first=[tag_object(endpoint="pages", key=instance.pk)],
    )


def page_privacy_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        cache_invalidate_after_commit(tags=page_invalidation_tags(pages=[page]))


def author_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    post_ids = BlogPostAuthor.objects.filter(author_id=instance.pk).values_list(
        "post_id", flat=True
    )
    cache_invalidate_after_commit(
        tags=snippet_invalidation_tags(endpoint="authors", instance=instance, post_ids=post_ids)
    )


def category_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    post_ids = BlogPostPage.categories.through.objects.filter(category_id=instance.pk).values_list(
        "blogpostpage_id", flat=True
    )
    cache_invalidate_after_commit(
        tags=snippet_invalidation_tags(endpoint="categories", instance=instance, post_ids=post_ids)
    )


def tag_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    post_ids = BlogPostTag.objects.filter(tag_id=instance.pk).values_list(
        "content_object_id", flat=True
    )
    cache_invalidate_after_commit(
        tags=snippet_invalidation_tags(endpoint="tags", instance=instance, post_ids=post_ids)
    )


def image_changed(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or (update_fields and set(update_fields) <= IMAGE_BOOKKEEPING_FIELDS):
        return
    post_ids = BlogPostPage.objects.filter(featured_image_id=instance.pk).values_list(
        "pk", flat=True
    )
    tags = snippet_invalidation_tags(endpoint="images", instance=instance, post_ids=post_ids)
    avatar_of = list(Author.objects.filter(avatar_id=instance.pk).values_list("pk", flat=True))
    if avatar_of:
        tags.add(tag_endpoint(endpoint="authors"))
        tags.update(tag_object(endpoint="authors", key=pk) for pk in avatar_of)
        # Their posts show the avatar in their bylines.
        bylines = BlogPostAuthor.objects.filter(author_id__in=avatar_of).values_list(
            "post_id", flat=True
        )
        tags.update(tag_object(endpoint="pages", key=pk) for pk in bylines)
    # The default social image and the organisation logo appear in every page's SEO object.
    if SeoSettings.objects.filter(
        Q(og_image_default_id=instance.pk) | Q(struct_org_logo_id=instance.pk)
    ).exists():
        tags.add(TAG_ALL)
    cache_invalidate_after_commit(tags=tags)


def document_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    cache_invalidate_after_commit(
        tags=snippet_invalidation_tags(endpoint="documents", instance=instance, post_ids=())
    )


def site_wide_changed(sender, instance=None, raw=False, **kwargs):
    if raw:
        return
    cache_invalidate_after_commit(tags={TAG_ALL})


def redirect_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    cache_invalidate_after_commit(
        tags={tag_endpoint(endpoint=e) for e in ("pages", "redirects", "path")}
    )


def signal_receivers_connect() -> None:
    """Connect every receiver above; called from ``ApiConfig.ready()``."""
    uid = "api.invalidation"
    for model in {Page, *get_page_models()}:
        post_save.connect(page_saved, sender=model, dispatch_uid=f"{uid}.page.save.{model}")
        pre_delete.connect(page_deleting, sender=model, dispatch_uid=f"{uid}.page.del.{model}")
    post_page_move.connect(page_moved, dispatch_uid=f"{uid}.page.move")
    # Responses that showed an original until its renditions were made.
    image_renditions_ready.connect(image_changed, dispatch_uid=f"{uid}.image.renditions")
    settings_models = [
        m for m in apps.get_models() if issubclass(m, BaseSiteSetting | BaseGenericSetting)
    ]
    receivers = [
        (page_privacy_changed, [PageViewRestriction]),
        (author_changed, [Author]),
        (category_changed, [Category]),
        (tag_changed, [Tag]),
        (image_changed, [get_image_model()]),
        (document_changed, [get_document_model()]),
        (redirect_changed, [Redirect]),
        (site_wide_changed, [Site, *settings_models]),
    ]
    for receiver, models in receivers:
        for model in models:
            label = f"{uid}.{receiver.__name__}.{model._meta.label}"
            post_save.connect(receiver, sender=model, dispatch_uid=f"{label}.save")
            pre_delete.connect(receiver, sender=model, dispatch_uid=f"{label}.delete")
