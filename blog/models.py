"""The blog's content model.

Three page types make the tree (``HomePage`` → ``BlogIndexPage`` → ``BlogPostPage``);
``Author`` and ``Category`` are snippets so they are edited once and shared by posts;
tags are free-form (taggit). Every page type carries wagtail-seo's fields and panels, so
marketing owns titles, descriptions, canonical URLs and social images on the Promote tab.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtailseo.models import SeoMixin, SeoType, TwitterCard

from blog.blocks import LinkBlock, MenuItemBlock, PostBodyBlock
from blog.editor_panels import PostFactsPanel
from blog.frontend import (
    frontend_configured,
    page_frontend_path,
    page_frontend_url,
    public_base_url,
    request_site_root_paths,
)
from blog.inline_rows import InlinePanelIgnoringEmptyRows
from blog.page_forms import BlogPageForm
from blog.preview import preview_response
from blog.services import post_excerpt, post_reading_time
from blog.social_preview import SocialPreviewPanel

STRUCTURED_DATA_TYPES = [
    ("", "Default for the page type"),
    ("BlogPosting", "Blog post"),
    ("Article", "Article"),
    ("NewsArticle", "News article"),
    ("TechArticle", "Technical article"),
    ("WebPage", "Web page"),
]
TWITTER_CARDS = [
    ("", "Default for the page type"),
    (TwitterCard.SUMMARY.value, "Summary"),
    (TwitterCard.LARGE.value, "Summary with large image"),
]


# The preview mode that frames the frontend's preview route (``FRONTEND_PREVIEW_URL``).
FRONTEND_PREVIEW_MODE = "frontend"


class SeoPage(SeoMixin, Page):
    """A page with wagtail-seo's fields plus per-page Twitter card and structured-data type.

    wagtail-seo declares the card and schema type as class constants; marketing asked to
    choose them per page, so these two fields override them when set.
    """

    twitter_card = models.CharField(
        max_length=32,
        choices=TWITTER_CARDS,
        blank=True,
        help_text="How the page looks when shared on X/Twitter.",
    )
    structured_data_type = models.CharField(
        max_length=32,
        choices=STRUCTURED_DATA_TYPES,
        blank=True,
        help_text="The schema.org type search engines are told this page is.",
    )

    base_form_class = BlogPageForm
    promote_panels = [
        MultiFieldPanel(SeoMixin.seo_meta_panels[0].children, heading="Search and social fields"),
        SocialPreviewPanel(heading="Search and social previews"),
        MultiFieldPanel(
            [FieldPanel("twitter_card"), FieldPanel("structured_data_type")],
            heading="Social and structured data",
        ),
        *SeoMixin.seo_menu_panels,
    ]

    class Meta:
        abstract = True

    @property
    def seo_twitter_card_content(self) -> str:
        return self.twitter_card or self.seo_twitter_card.value

    @property
    def preview_modes(self):
        """The reference theme always; the frontend first (the default) when one is set.

        The theme stays a mode beside the frontend because Wagtail's content checks and
        wagtail-seo's SEO Preview read a rendering served from this origin.
        """
        modes = [("", "Reference theme"), ("wagtail-seo", "SEO Preview")]
        if settings.FRONTEND_PREVIEW_URL:
            modes.insert(0, (FRONTEND_PREVIEW_MODE, "Frontend"))
        return modes

    def serve_preview(self, request, mode_name):
        """The frontend's rendering of this draft (``blog.preview``), or the reference theme.

        wagtail-seo's SEO Preview renders the default mode to read its ``<head>``: it gets
        the theme, since a redirect to another origin has nothing to read.
        """
        if mode_name == FRONTEND_PREVIEW_MODE:
            if not getattr(self, "_seo_preview_rendering", False):
                return preview_response(page=self)
            mode_name = ""
        return super().serve_preview(request, mode_name)

    def get_preview_context(self, request, mode_name):
        # wagtail-seo calls ``serve_preview(request, self.default_preview_mode)`` from here.
        self._seo_preview_rendering = mode_name == "wagtail-seo"
        try:
            return super().get_preview_context(request, mode_name)
        finally:
            self._seo_preview_rendering = False

    def _get_site_root_paths(self, request=None):
        """The request's one copy (``blog.frontend.request_site_root_paths``) rather than
        Wagtail's per-page (or per-request-object) one: a response reads them once."""
        paths = request_site_root_paths()
        return super()._get_site_root_paths(request) if paths is None else paths

    def get_url_parts(self, request=None):
        """Wagtail's URL for this page (LIVE link, ``full_url``, cache purges) is its one
        public address: on the frontend when there is one, else on this CMS."""
        parts = super().get_url_parts(request)
        if parts is None:
            return None
        return parts[0], public_base_url(), page_frontend_path(page=self)

    def get_url(self, request=None, current_site=None):
        """Absolute on the frontend (Wagtail shortens URLs on a single-site install to a
        path, which the admin would open on this host); a path on this host without one."""
        if not frontend_configured():
            return super().get_url(request=request, current_site=current_site)
        return self.get_full_url(request=request)

    url = property(get_url)  # Wagtail binds ``url`` to its own ``get_url``

    def get_context(self, request, *args, **kwargs):
        from blog.theme import page_theme_context  # blog.theme reads these models

        context = super().get_context(request, *args, **kwargs)
        context.update(page_theme_context(page=self, request=request))
        return context

    def get_sitemap_urls(self, request=None):
        """Sitemap entries on the frontend's domain: search engines must index the frontend.

        Wagtail's documented hook for sitemap entries:
        https://docs.wagtail.org/en/7.4/reference/contrib/sitemaps.html#urls
        """
        lastmod = self.last_published_at or self.latest_revision_created_at
        return [
            {
                "location": page_frontend_url(page=self),
                # W3C datetime to the second (https://www.sitemaps.org/protocol.html#lastmoddef)
                "lastmod": lastmod.replace(microsecond=0) if lastmod else None,
            }
        ]


class HomePage(SeoPage):
    """The site root: one per site; its children are blog indexes."""

    intro = models.TextField(
        blank=True, max_length=500, help_text="A sentence or two shown on the home page."
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = []

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["blog.BlogIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = "home page"

    def get_context(self, request, *args, **kwargs):
        """The blog indexes, each with its three newest posts: a useful front page."""
        context = super().get_context(request, *args, **kwargs)
        indexes = list(BlogIndexPage.objects.child_of(self).live().public())
        for blog_index in indexes:
            blog_index.latest_posts = blog_index.live_posts()[:3]
        context["indexes"] = indexes
        return context


class BlogIndexPage(SeoPage):
    """A paginated listing of the posts beneath it, newest first."""

    intro = models.TextField(blank=True, max_length=500, help_text="Shown above the list of posts.")
    posts_per_page = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="How many posts one page of the listing shows (1 to 100).",
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("posts_per_page")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["blog.HomePage"]
    subpage_types = ["blog.BlogPostPage"]

    class Meta:
        verbose_name = "blog index"

    def live_posts(self):
        """Live, public posts beneath this index, newest first."""
        return (
            BlogPostPage.objects.child_of(self).live().public().order_by("-publication_date", "-pk")
        )

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(self.live_posts(), self.posts_per_page)
        context["posts"] = paginator.get_page(request.GET.get("page"))
        return context


class Author(index.Indexed, models.Model):
    """A person who writes posts; shared by posts and listed at /api/v2/authors/."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=120,
        unique=True,
        blank=True,
        help_text="Used in URLs such as /authors/<slug>/. Leave blank to make it from the name.",
    )
    job_title = models.CharField(max_length=120, blank=True)
    bio = RichTextField(blank=True, features=["bold", "italic", "link"], max_length=2000)
    avatar = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    links = StreamField(
        [("link", LinkBlock())], blank=True, help_text="Website and social profiles."
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
        FieldPanel("job_title"),
        FieldPanel("avatar"),
        FieldPanel("bio"),
        FieldPanel("links"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("bio"),
        index.FilterField("slug"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:120]
        super().save(*args, **kwargs)


class Category(index.Indexed, models.Model):
    """A broad section of the blog (few, curated); tags are the fine-grained labels."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(
        max_length=80, unique=True, blank=True, help_text="Leave blank to make it from the name."
    )
    description = models.TextField(blank=True, max_length=500)

    panels = [FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]), FieldPanel("description")]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("description"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:80]
        super().save(*args, **kwargs)


class BlogPostTag(TaggedItemBase):
    content_object = ParentalKey(
        "blog.BlogPostPage", related_name="tagged_items", on_delete=models.CASCADE
    )

    class Meta:
        # Posts by tag (the API's tag filter) without touching the table.
        indexes = [models.Index(fields=["tag", "content_object"], name="blog_posttag_tag_post")]


class BlogPostPage(SeoPage):
    """A blog post.

    ``publication_date`` is what readers see; it defaults to the first publish and stays
    editable so an imported or back-dated post keeps its real date. ``reading_time`` is
    derived from the body on every save, so listings never compute it per request.
    """

    publication_date = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="Shown to readers. Leave blank to use the moment the post is first published.",
    )
    intro = models.TextField(
        max_length=500,
        help_text="One or two sentences that sum up the post. Shown in listings and used as "
        "the search description when that is blank. 500 characters at most.",
    )
    featured_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown at the top of the post and, unless the Promote tab says otherwise, "
        "when the post is shared.",
    )
    body = StreamField(PostBodyBlock(), help_text="The post itself. Add blocks with the + button.")
    categories = ParentalManyToManyField("blog.Category", blank=True, related_name="posts")
    tags = ClusterTaggableManager(through=BlogPostTag, blank=True)
    reading_time = models.PositiveSmallIntegerField(
        default=1, editable=False, help_text="Minutes, derived from the body."
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("intro"), FieldPanel("featured_image"), FieldPanel("publication_date")],
            heading="Summary",
        ),
        FieldPanel("body"),
        PostFactsPanel(heading="Reading time and excerpt"),
        MultiFieldPanel(
            [
                InlinePanelIgnoringEmptyRows(
                    "post_authors", label="Author", min_num=1, heading="Authors"
                ),
                FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
                FieldPanel("tags"),
            ],
            heading="Authors, categories and tags",
        ),
        InlinePanelIgnoringEmptyRows(
            "related_links",
            label="Related post",
            heading="Related posts",
            help_text="Pick posts to suggest after this one. Left empty, posts sharing a "
            "category are suggested.",
            max_num=6,
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.RelatedFields(
            "post_authors", [index.RelatedFields("author", [index.SearchField("name")])]
        ),
        index.FilterField("publication_date"),
    ]

    parent_page_types = ["blog.BlogIndexPage"]
    subpage_types = []

    seo_content_type = SeoType.ARTICLE
    seo_twitter_card = TwitterCard.LARGE
    seo_description_sources = ["search_description", "intro"]
    seo_image_sources = ["og_image", "featured_image"]

    class Meta:
        verbose_name = "blog post"
        indexes = [models.Index(fields=["-publication_date"], name="blog_post_pubdate_desc")]

    @property
    def excerpt(self) -> str:
        return post_excerpt(intro=self.intro, body=self.body)

    def clean(self):
        super().clean()
        if not self.body:
            raise ValidationError({"body": "Add at least one block to the body before saving."})
        if self.publication_date and self.publication_date > timezone.now() + timezone.timedelta(
            days=3650
        ):
            raise ValidationError(
                {"publication_date": "That date is more than ten years ahead: check the year."}
            )

    def save(self, *args, **kwargs):
        self.reading_time = post_reading_time(body=self.body)
        if self.live and self.publication_date is None:
            self.publication_date = self.first_published_at or timezone.now()
        super().save(*args, **kwargs)

    def related_posts(self, *, limit: int = 3):
        """Editor-picked related posts, else the newest live posts sharing a category."""
        picked = [
            link.page
            for link in self.related_links.select_related("page")
            if link.page and link.page.live
        ]
        if picked:
            return picked[:limit]
        return list(
            BlogPostPage.objects.live()
            .public()
            .filter(categories__in=self.categories.all())
            .exclude(pk=self.pk)
            .distinct()
            .order_by("-publication_date")[:limit]
        )


class BlogPostAuthor(Orderable):
    """The ordered authors of a post (the first is the byline)."""

    post = ParentalKey(BlogPostPage, related_name="post_authors", on_delete=models.CASCADE)
    author = models.ForeignKey(Author, related_name="post_links", on_delete=models.CASCADE)

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        unique_together = [("post", "author")]
        # A post's authors in byline order.
        indexes = [models.Index(fields=["post", "sort_order"], name="blog_postauthor_post_order")]


class RelatedPost(Orderable):
    """An editor-picked related post."""

    post = ParentalKey(BlogPostPage, related_name="related_links", on_delete=models.CASCADE)
    page = models.ForeignKey(BlogPostPage, related_name="+", on_delete=models.CASCADE)

    panels = [FieldPanel("page")]


@register_setting(icon="list-ul")
class SiteSettings(BaseSiteSetting):
    """Per-site settings a frontend needs: tagline, navigation menu and social profiles."""

    tagline = models.CharField(max_length=200, blank=True)
    menu = StreamField(
        [("item", MenuItemBlock())], blank=True, help_text="The main navigation, in order."
    )
    social_profiles = StreamField(
        [("profile", LinkBlock())],
        blank=True,
        help_text="The organisation's social accounts; also used as schema.org 'sameAs'.",
    )

    edit_handler = TabbedInterface(
        [
            ObjectList([FieldPanel("tagline"), FieldPanel("menu")], heading="Navigation"),
            ObjectList([FieldPanel("social_profiles")], heading="Social profiles"),
        ]
    )

    class Meta:
        verbose_name = "site settings"


class ImagePlaceholder(models.Model):
    """What a frontend paints while an image loads: a blurhash and the dominant colour.

    Computed with the image's renditions (``blog.images``), never during a read; a read
    loads it with the image (``select_related("placeholder")``).
    """

    image = models.OneToOneField(
        "wagtailimages.Image",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="placeholder",
    )
    blurhash = models.CharField(max_length=64)
    color = models.CharField(max_length=7, help_text="The dominant colour, as #rrggbb.")

    def __str__(self) -> str:
        return f"{self.blurhash} {self.color}"


class ImageRenditionRequest(models.Model):
    """An image a read found without some of its renditions: ``manage.py image_renditions``
    makes them (reads never decode an original)."""

    image = models.OneToOneField(
        "wagtailimages.Image", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"image {self.image_id}"
