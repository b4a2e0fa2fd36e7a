"""RSS 2.0 and Atom feeds of the latest posts: all posts, one category, or one tag.

Django's syndication framework writes the XML; these classes say what goes in it. Every
link (the feed's own, each post's) points at ``FRONTEND_BASE_URL``, where readers go, and
the frontend proxies ``/feeds/...`` here. A feed holds the newest ``SEO_FEED_ITEMS`` live,
public posts of the request's site.

Django: https://docs.djangoproject.com/en/5.2/ref/contrib/syndication/
RSS 2.0: https://www.rssboard.org/rss-specification  Atom: https://www.rfc-editor.org/rfc/rfc4287
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from taggit.models import Tag
from wagtail.models import Site

from blog.frontend import (
    author_frontend_url,
    category_frontend_url,
    frontend_url,
    page_frontend_url,
    tag_frontend_url,
)
from blog.models import BlogPostAuthor, BlogPostPage, Category, SiteSettings
from blog.seo import page_seo_description, page_seo_title
from blog.seo_surfaces import seo_surface_view


@dataclass(frozen=True)
class FeedScope:
    """What one feed covers: its title and description, where it lives, and its posts."""

    title: str
    description: str
    link: str
    feed_url: str
    posts: QuerySet


def feed_site(*, request: HttpRequest) -> Site:
    """The request's Wagtail site, else the default one (the frontend proxies with its host)."""
    site = Site.find_for_request(request)
    if site is None:
        raise Http404("No site is configured.")
    return site


def feed_posts(*, site: Site) -> QuerySet:
    """Live, public posts of a site, newest first, with what a feed item shows prefetched."""
    return (
        BlogPostPage.objects.live()
        .public()
        .descendant_of(site.root_page)
        .defer_streamfields()
        .order_by("-publication_date", "-pk")
        .prefetch_related(
            Prefetch(
                "post_authors",
                queryset=BlogPostAuthor.objects.select_related("author").order_by("sort_order"),
            ),
            "categories",
            "tags",
        )
    )


def feed_scope_build(
    *, request: HttpRequest, category_slug: str = "", tag_slug: str = ""
) -> FeedScope:
    """The scope of the site-wide feed, or of one category's or tag's feed (404 if unknown)."""
    site = feed_site(request=request)
    site_name = site.site_name or settings.WAGTAIL_SITE_NAME
    posts = feed_posts(site=site)
    feed_url = frontend_url(path=request.path)
    if category_slug:
        category = Category.objects.filter(slug=category_slug).first()
        if category is None:
            raise Http404(f"No category with the slug {category_slug!r}.")
        return FeedScope(
            title=f"{site_name}: {category.name}",
            description=category.description or f"The latest {category.name} posts.",
            link=category_frontend_url(slug=category.slug),
            feed_url=feed_url,
            posts=posts.filter(categories=category),
        )
    if tag_slug:
        tag = Tag.objects.filter(slug=tag_slug).first()
        if tag is None:
            raise Http404(f"No tag with the slug {tag_slug!r}.")
        return FeedScope(
            title=f"{site_name}: #{tag.name}",
            description=f"The latest posts tagged {tag.name}.",
            link=tag_frontend_url(slug=tag.slug),
            feed_url=feed_url,
            posts=posts.filter(tags=tag),
        )
    tagline = SiteSettings.for_site(site).tagline
    return FeedScope(
        title=site_name,
        description=tagline or f"The latest posts from {site_name}.",
        link=frontend_url(path="/"),
        feed_url=feed_url,
        posts=posts,
    )


class LatestPostsRssFeed(Feed):
    """RSS 2.0: the newest posts, each with its excerpt, authors, categories and tags."""

    feed_type = Rss201rev2Feed

    def get_object(self, request, **kwargs) -> FeedScope:
        return feed_scope_build(request=request, **kwargs)

    def title(self, scope: FeedScope) -> str:
        return scope.title

    def description(self, scope: FeedScope) -> str:
        return scope.description

    def subtitle(self, scope: FeedScope) -> str:
        return scope.description

    def link(self, scope: FeedScope) -> str:
        return scope.link

    def feed_url(self, scope: FeedScope) -> str:
        return scope.feed_url

    def items(self, scope: FeedScope):
        return scope.posts[: settings.SEO_FEED_ITEMS]

    def item_title(self, post: BlogPostPage) -> str:
        # The feed generator escapes XML itself; Django's default pre-escapes for HTML.
        return page_seo_title(page=post)

    def item_description(self, post: BlogPostPage) -> str:
        return page_seo_description(page=post)

    def item_link(self, post: BlogPostPage) -> str:
        return page_frontend_url(page=post)

    def item_pubdate(self, post: BlogPostPage):
        return post.publication_date or post.first_published_at

    def item_updateddate(self, post: BlogPostPage):
        return post.last_published_at

    def item_author_name(self, post: BlogPostPage) -> str | None:
        names = [link.author.name for link in post.post_authors.all()]
        return ", ".join(names) or None

    def item_author_link(self, post: BlogPostPage) -> str | None:
        links = list(post.post_authors.all())
        return author_frontend_url(slug=links[0].author.slug) if links else None

    def item_categories(self, post: BlogPostPage) -> list[str]:
        return [category.name for category in post.categories.all()] + [
            tag.name for tag in post.tags.all()
        ]


class LatestPostsAtomFeed(LatestPostsRssFeed):
    """The same posts as Atom 1.0 (its ``<subtitle>`` is the RSS description)."""

    feed_type = Atom1Feed


rss_feed = seo_surface_view(LatestPostsRssFeed())
atom_feed = seo_surface_view(LatestPostsAtomFeed())
