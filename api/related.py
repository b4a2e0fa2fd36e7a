"""``related_posts``: the posts a frontend suggests after a post, for many posts at once.

Editors pick related posts on the post (``RelatedPost``, at most ``MAX_PICKED``); they
come first, in the editor's order. The rest of the ``RELATED_POSTS_LIMIT`` places go to
the newest posts sharing a category with it. Only visible posts are suggested, never the
post itself, never one twice. A whole listing costs three queries, whatever its length:
the picks, the newest posts of each category involved (a window function keeps the
first few per category), and the suggested posts themselves.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from blog.models import BlogPostPage, RelatedPost

RELATED_POSTS_LIMIT = 4
MAX_PICKED = 6  # the editor's InlinePanel allows six
# Per category, enough candidates for any post: its own places, plus every candidate it
# may have to skip (itself and its picks).
CANDIDATES_PER_CATEGORY = RELATED_POSTS_LIMIT + MAX_PICKED + 1


@dataclass(frozen=True)
class RelatedPostsLoaded:
    by_post: dict[int, list[BlogPostPage]]

    def featured_image_ids(self) -> set[int]:
        return {
            related.featured_image_id
            for posts in self.by_post.values()
            for related in posts
            if related.featured_image_id
        }


# What a suggestion renders (``api.fields.related_post_representation``), and when it
# stops being visible.
SUGGESTION_FIELDS = (
    "id",
    "title",
    "slug",
    "url_path",
    "path",
    "depth",
    "publication_date",
    "featured_image_id",
    "intro",
    "expire_at",
)


def related_candidates_load(
    *, category_ids: list[int], visible_pages: QuerySet
) -> dict[int, list[BlogPostPage]]:
    """The newest visible posts of each category (``{category id: [post, ...]}``, newest
    first, at most ``CANDIDATES_PER_CATEGORY``), in two queries: a window function keeps
    the first few per category, then the posts themselves."""
    if not category_ids:
        return {}
    newest: dict[int, list[int]] = {pk: [] for pk in category_ids}
    through = BlogPostPage.categories.through
    ranked = (
        through.objects.filter(
            category_id__in=category_ids, blogpostpage_id__in=visible_pages.values("pk")
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("category_id")],
                order_by=[
                    F("blogpostpage__publication_date").desc(nulls_last=True),
                    F("blogpostpage_id").desc(),
                ],
            )
        )
        .filter(rank__lte=CANDIDATES_PER_CATEGORY)
        .order_by("category_id", "rank")
        .values_list("category_id", "blogpostpage_id")
    )
    for category_id, page_id in ranked:
        newest[category_id].append(page_id)
    wanted = {pk for ids in newest.values() for pk in ids}
    loaded = _suggestions_load(ids=wanted, visible_pages=visible_pages)
    return {
        category_id: [loaded[pk] for pk in ids if pk in loaded]
        for category_id, ids in newest.items()
    }


def _suggestions_load(*, ids: set[int], visible_pages: QuerySet) -> dict[int, BlogPostPage]:
    if not ids:
        return {}
    return {
        page.pk: page
        for page in BlogPostPage.objects.filter(pk__in=ids)
        .filter(pk__in=visible_pages.values("pk"))
        .only(*SUGGESTION_FIELDS)
    }


def posts_related(
    *,
    posts: list,
    visible_pages: QuerySet,
    candidates: Callable[[list[int]], dict[int, list[BlogPostPage]]] | None = None,
) -> RelatedPostsLoaded:
    """Each post's related posts (``{post id: [post, ...]}``); ``posts`` have their
    categories prefetched. ``candidates`` gives each category's newest visible posts when
    the caller keeps them (``api.kept``); by default they are read here
    (``related_candidates_load``)."""
    if not posts:
        return RelatedPostsLoaded(by_post={})
    post_ids = [post.pk for post in posts]
    picked: dict[int, list[int]] = {pk: [] for pk in post_ids}
    for post_id, page_id in (
        RelatedPost.objects.filter(post_id__in=post_ids)
        .order_by("post_id", "sort_order", "id")
        .values_list("post_id", "page_id")
    ):
        picked[post_id].append(page_id)

    categories = {post.pk: [c.pk for c in post.categories.all()] for post in posts}
    category_ids = sorted({pk for ids in categories.values() for pk in ids})
    if candidates is None:
        found = related_candidates_load(category_ids=category_ids, visible_pages=visible_pages)
    else:
        found = candidates(category_ids) if category_ids else {}
    # Kept candidates were visible when they were read; one whose expiry has passed since
    # (no save replaced their token yet) is hidden as a fresh read would hide it.
    now = timezone.now()
    newest: dict[int, list[int]] = {}
    loaded: dict[int, BlogPostPage] = {}
    for category_id in category_ids:
        newest[category_id] = []
        for page in found.get(category_id, []):
            if page.expire_at is not None and page.expire_at <= now:
                continue
            newest[category_id].append(page.pk)
            loaded.setdefault(page.pk, page)
    picks = {pk for ids in picked.values() for pk in ids} - loaded.keys()
    loaded.update(_suggestions_load(ids=picks, visible_pages=visible_pages))

    by_post = {}
    for post in posts:
        chosen: list[BlogPostPage] = []
        seen = {post.pk}
        for page_id in picked[post.pk]:
            if page_id in loaded and page_id not in seen:
                chosen.append(loaded[page_id])
                seen.add(page_id)
        by_date = sorted(
            {
                page_id
                for category_id in categories[post.pk]
                for page_id in newest[category_id]
                if page_id in loaded and page_id not in seen
            },
            key=lambda pk: (
                loaded[pk].publication_date is not None,
                loaded[pk].publication_date,
                pk,
            ),
            reverse=True,
        )
        chosen.extend(loaded[pk] for pk in by_date)
        by_post[post.pk] = chosen[:RELATED_POSTS_LIMIT]
    return RelatedPostsLoaded(by_post=by_post)
