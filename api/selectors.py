"""What the public API may show: the one definition of a visible page, and counts over it.

Every endpoint, listing, search, count and tag count starts from ``pages_public``, so a
draft, a scheduled or expired page, or a page in a password-, login- or group-restricted
section (and everything beneath it) never leaks through one endpoint that forgot a filter.
The definition ignores who is asking: the public API takes no credentials, so a CDN may
cache any answer for everyone.
"""

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction, Site

from blog.models import Author, BlogPostAuthor, BlogPostTag, Category


def pages_hidden_roots() -> list[str]:
    """Paths of the roots of every hidden branch, in one query.

    Hidden: an unpublished or expired page with children (a partial index holds only pages
    with children, see blog migration 0003), or a restricted page.
    """
    now = timezone.now()
    unpublished_parents = Page.objects.filter(numchild__gt=0).filter(
        Q(live=False) | Q(expire_at__lte=now)
    )
    restricted = Page.objects.filter(pk__in=PageViewRestriction.objects.values("page_id"))
    # Unordered parts: SQLite allows no ORDER BY inside a compound statement.
    return list(
        unpublished_parents.order_by()
        .values_list("path", flat=True)
        .union(restricted.order_by().values_list("path", flat=True))
        .order_by("path")
    )


def pages_hidden_q(roots: list[str] | None = None) -> Q:
    """Pages beneath a hidden ancestor: an unpublished or expired page, or a restriction.

    Wagtail's own ``live()`` checks a page, not its ancestors; a post stays ``live`` when its
    section is unpublished or made private, yet a reader can no longer reach it. ``roots``
    is ``pages_hidden_roots()`` when the caller already has it.
    """
    q = Q()
    for path in pages_hidden_roots() if roots is None else roots:
        q |= Q(path__startswith=path)
    return q


def pages_public(*, site: Site, model=Page, hidden: Q | None = None) -> QuerySet:
    """Live, unexpired pages of ``site`` with no hidden ancestor (see ``pages_hidden_q``).

    ``model`` narrows to one page type with the same conditions on its own rows (a join
    to the page table, not an ``IN`` over every public page). ``hidden`` is a
    ``pages_hidden_q()`` already read in this request (it costs a query).
    """
    queryset = (
        model.objects.live()
        .filter(path__startswith=site.root_page.path, depth__gte=site.root_page.depth)
        .exclude(expire_at__lte=timezone.now())
    )
    if hidden is None:
        hidden = pages_hidden_q()
    if hidden:
        queryset = queryset.exclude(hidden)
    return queryset


def authors_with_post_counts(*, visible_pages: QuerySet) -> QuerySet:
    """Authors with ``post_count``: their visible posts only (drafts never count)."""
    links = BlogPostAuthor.objects.filter(post__in=visible_pages.values("pk"))
    return Author.objects.annotate(
        post_count=Count("post_links", filter=Q(post_links__in=links.values("pk")), distinct=True)
    ).order_by("name", "id")


def categories_with_post_counts(*, visible_pages: QuerySet) -> QuerySet:
    posts = visible_pages.values("pk")
    return Category.objects.annotate(
        post_count=Count("posts", filter=Q(posts__in=posts), distinct=True)
    ).order_by("name", "id")


def tags_with_post_counts(*, visible_pages: QuerySet) -> QuerySet:
    """Tags of at least one visible post, with that count; a draft's tags stay unlisted."""
    tagged = BlogPostTag.objects.filter(content_object__in=visible_pages.values("pk"))
    return (
        Tag.objects.annotate(
            post_count=Count(
                "blog_blogposttag_items",
                filter=Q(blog_blogposttag_items__in=tagged.values("pk")),
                distinct=True,
            )
        )
        .filter(post_count__gt=0)
        .order_by("name", "id")
    )


def collections_restricted_ids() -> set[int]:
    """Collections under any view restriction (and their descendants), whoever asks.

    Wagtail's API asks each restriction whether this request passes it (a session that
    entered the password does); the public API serves everyone the same answer.
    """
    paths = list(
        Collection.objects.filter(
            Exists(CollectionViewRestriction.objects.filter(collection=OuterRef("pk")))
        ).values_list("path", flat=True)
    )
    if not paths:
        return set()
    q = Q()
    for path in paths:
        q |= Q(path__startswith=path)
    return set(Collection.objects.filter(q).values_list("id", flat=True))


def redirects_public(*, site: Site, visible_pages: QuerySet) -> QuerySet:
    """Redirects of ``site`` (or of every site) to a visible page or an external link."""
    return Redirect.objects.filter(Q(site=site) | Q(site__isnull=True)).filter(
        Q(redirect_page__in=visible_pages.values("pk"))
        | (Q(redirect_page__isnull=True) & ~Q(redirect_link=""))
    )


def redirect_for_path(*, site: Site, html_path: str, visible_pages: QuerySet) -> Redirect | None:
    """The redirect Wagtail's middleware would follow for ``html_path`` (site-specific first)."""
    old_path = Redirect.normalise_path(html_path)
    return (
        redirects_public(site=site, visible_pages=visible_pages)
        .filter(old_path=old_path)
        .order_by(F("site").asc(nulls_last=True), "id")
        .first()
    )
