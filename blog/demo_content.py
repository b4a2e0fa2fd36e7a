"""Deterministic demo content: a realistic blog for local runs, tests and benchmarks.

Every value derives from ``(seed, post number)``, so a run with the same seed always makes
the same blog, a rerun adds only what is missing, and asking for more posts later extends
the same blog rather than reshuffling it.
"""

import io
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.db import connection, transaction
from django.db.models import F
from django.db.models.signals import post_save
from django.utils.text import slugify
from faker import Faker
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, ReferenceIndex, Site
from wagtail.search.backends import get_search_backends
from wagtail.search.signal_handlers import post_save_signal_handler
from wagtail.signal_handlers import disable_reference_index_auto_update

from blog.models import Author, BlogIndexPage, BlogPostAuthor, BlogPostPage, Category, HomePage
from blog.publication import live_revisions_ensure, live_revisions_repair

CATEGORIES = {
    "Engineering": "How we build and run software.",
    "Product": "What we ship and why.",
    "Design": "Interfaces, typography and the craft of making things clear.",
    "Data": "Analytics, measurement and machine learning in practice.",
    "Culture": "How the team works together.",
    "Announcements": "News from the company.",
}
TAGS = [
    "python",
    "django",
    "wagtail",
    "postgresql",
    "redis",
    "kubernetes",
    "aws",
    "helm",
    "observability",
    "performance",
    "security",
    "seo",
    "accessibility",
    "frontend",
    "nextjs",
    "api",
    "testing",
    "ci-cd",
    "devops",
    "career",
    "remote-work",
    "hiring",
    "open-source",
    "release",
    "roadmap",
    "ux",
    "typography",
    "analytics",
    "ml",
    "caching",
]
CODE_SAMPLES = [
    ("python", "def reading_time(words: int) -> int:\n    return max(1, round(words / 230))\n"),
    ("bash", "helm upgrade --install blog charts/blog -f values-production.yaml --atomic --wait\n"),
    ("json", '{"meta": {"total_count": 42}, "items": []}\n'),
    ("sql", "SELECT id, title FROM blog_blogpostpage ORDER BY publication_date DESC LIMIT 20;\n"),
]
IMAGE_COUNT = 12
AUTHOR_COUNT = 8
EPOCH = datetime(2020, 1, 1, 9, 0, tzinfo=UTC)
# Posts created per transaction, then indexed (search and references) together.
SEED_BATCH = 250


@dataclass(frozen=True)
class SeedResult:
    posts_created: int
    posts_total: int
    home: HomePage
    index: BlogIndexPage


def wagtail_roots_ensure() -> Page:
    """The rows Wagtail's migrations create (default locale, root page, root collection),
    made again if a database was emptied (``flush``, a partial import). Returns the root."""
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        # A flush emptied the content types too; the in-memory cache still names old ids.
        ContentType.objects.clear_cache()
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    return root


DEMO_SITE_NAME = "Demo blog"


def demo_site_ensure() -> tuple[HomePage, BlogIndexPage]:
    """A HomePage as the default site's root with a 'Blog' index beneath it."""
    root = wagtail_roots_ensure()
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's initial migration leaves a placeholder "Welcome" page; replace it.
        for placeholder in root.get_children().filter(content_type__model="page"):
            Site.objects.filter(root_page=placeholder).delete()
            placeholder.delete()
        root.refresh_from_db()
        home = root.add_child(
            instance=HomePage(title="Home", slug="home", intro="Writing from the team.")
        )
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name=DEMO_SITE_NAME,
        )
    elif site.root_page_id != home.pk or not site.site_name:
        site.root_page = home
        site.site_name = site.site_name or DEMO_SITE_NAME
        site.save()
    index = BlogIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(
            instance=BlogIndexPage(title="Blog", slug="blog", intro="Everything we have written.")
        )
    return home, index


def _demo_image_bytes(*, rng: random.Random, number: int) -> bytes:
    width, height = 1600, 900
    start = [rng.randrange(30, 200) for _ in range(3)]
    end = [rng.randrange(60, 255) for _ in range(3)]
    image = PILImage.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(0, height, 4):
        t = y / height
        colour = tuple(int(a + (b - a) * t) for a, b in zip(start, end, strict=True))
        draw.rectangle([0, y, width, y + 4], fill=colour)
    for _ in range(6):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(40, 220)
        draw.ellipse([x - r, y - r, x + r, y + r], outline=(255, 255, 255), width=6)
    draw.text((60, height - 120), f"Demo image {number}", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


DEMO_IMAGE_ALT = "Abstract pattern of coloured shapes"


def demo_images_ensure(*, seed: int) -> list:
    image_model = get_image_model()
    images = []
    for number in range(1, IMAGE_COUNT + 1):
        title = f"Demo image {number}"
        image = image_model.objects.filter(title=title).first()
        if image is not None and not image.description:
            image.description = DEMO_IMAGE_ALT
            image.save(update_fields=["description"])
        if image is None:
            data = _demo_image_bytes(rng=random.Random(seed * 7919 + number), number=number)
            # The description is the image's alt text wherever it is shown without one of
            # its own (Wagtail falls back to the title otherwise, a file name to a reader).
            image = image_model(title=title, description=DEMO_IMAGE_ALT)
            image.file = ImageFile(io.BytesIO(data), name=f"demo-{number}.jpg")
            image.save()
        images.append(image)
    return images


def demo_authors_ensure(*, seed: int, images: list) -> list[Author]:
    fake = Faker("en_GB")
    authors = []
    for number in range(AUTHOR_COUNT):
        fake.seed_instance(seed * 104729 + number)
        name = fake.name()
        slug = slugify(name)
        author = Author.objects.filter(slug=slug).first()
        if author is None:
            author = Author.objects.create(
                name=name,
                slug=slug,
                job_title=fake.job()[:120],
                bio=f"<p>{fake.paragraph(nb_sentences=3)}</p>",
                avatar=images[number % len(images)],
                links=[("link", {"label": "Website", "url": f"https://{slug}.example.com/"})],
            )
        authors.append(author)
    return authors


def demo_categories_ensure() -> list[Category]:
    return [
        Category.objects.get_or_create(
            slug=slugify(name), defaults={"name": name, "description": text}
        )[0]
        for name, text in CATEGORIES.items()
    ]


def _demo_body(*, fake: Faker, rng: random.Random, images: list, linkable_ids: list[int]) -> list:
    body = []
    for section in range(rng.randint(2, 4)):
        body.append(
            {
                "type": "heading",
                "value": {"text": fake.sentence(nb_words=5).rstrip("."), "level": "h2"},
            }
        )
        for _ in range(rng.randint(1, 3)):
            text = fake.paragraph(nb_sentences=rng.randint(4, 8))
            if linkable_ids and rng.random() < 0.3:
                target = rng.choice(linkable_ids)
                text += f' See also <a linktype="page" id="{target}">this earlier post</a>.'
            body.append({"type": "paragraph", "value": f"<p>{text}</p>"})
        if section == 0 and rng.random() < 0.6:
            image = rng.choice(images)
            body.append(
                {
                    "type": "image",
                    "value": {
                        "image": image.pk,
                        "alt_text": fake.sentence(nb_words=6),
                        "caption": fake.sentence(nb_words=8),
                    },
                }
            )
        if rng.random() < 0.25:
            body.append(
                {
                    "type": "quote",
                    "value": {"text": fake.sentence(nb_words=14), "attribution": fake.name()},
                }
            )
        if rng.random() < 0.25:
            language, code = rng.choice(CODE_SAMPLES)
            body.append({"type": "code", "value": {"language": language, "code": code}})
    if rng.random() < 0.2:
        body.append(
            {
                "type": "call_to_action",
                "value": {
                    "text": "Subscribe",
                    "page": None,
                    "url": "https://example.com/subscribe",
                },
            }
        )
    return body


@contextmanager
def _per_save_indexing_paused(model) -> Iterator[None]:
    """Skip Wagtail's per-save search and reference indexing for ``model``.

    Each save would otherwise index the post on its own, and the PostgreSQL search
    backend recomputes title norms across the whole index after every insert, which makes
    seeding quadratic. ``_posts_index`` indexes a whole batch at once instead.
    """
    disconnected = post_save.disconnect(post_save_signal_handler, sender=model)
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        if disconnected:
            post_save.connect(post_save_signal_handler, sender=model)


def _posts_index(*, post_ids: list[int]) -> None:
    """Index a batch of new posts for search and in the reference index, in bulk."""
    if not post_ids:
        return
    posts = list(BlogPostPage.get_indexed_objects().filter(pk__in=post_ids).order_by("pk"))
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(BlogPostPage, posts)
    for post in posts:
        ReferenceIndex.create_or_update_for_object(post)


def demo_posts_ensure(
    *,
    posts: int,
    seed: int,
    index: BlogIndexPage,
    images: list,
    authors: list[Author],
    categories: list[Category],
    progress=None,
) -> int:
    """Create posts 1..``posts`` that do not exist yet beneath ``index``; return how many.

    Posts are created ``SEED_BATCH`` to a transaction and indexed per batch, so 10,000
    posts take minutes, not hours; an interrupted run keeps every finished batch and a
    rerun adds the rest.
    """
    existing = set(BlogPostPage.objects.child_of(index).values_list("slug", flat=True))
    fake = Faker("en_US")
    created = 0
    linkable_ids = list(
        BlogPostPage.objects.child_of(index).order_by("pk").values_list("pk", flat=True)[:200]
    )
    numbers = [n for n in range(1, posts + 1) if f"demo-post-{n}" not in existing]
    with _per_save_indexing_paused(BlogPostPage):
        for start in range(0, len(numbers), SEED_BATCH):
            batch_ids = []
            batch_posts = []
            with transaction.atomic():
                # Lock the index as treebeard's add_child does, once per batch.
                last = Page.objects.select_for_update().get(pk=index.pk).get_last_child()
                previous_path = last.path if last else None
                for number in numbers[start : start + SEED_BATCH]:
                    post = _demo_post(
                        number=number,
                        seed=seed,
                        fake=fake,
                        images=images,
                        authors=authors,
                        categories=categories,
                        linkable_ids=linkable_ids,
                    )
                    _page_append(parent=index, page=post, previous_path=previous_path)
                    previous_path = post.path
                    batch_ids.append(post.pk)
                    batch_posts.append(post)
                    if len(linkable_ids) < 200:
                        linkable_ids.append(post.pk)
                    created += 1
                    if progress and created % 500 == 0:
                        progress(created)
                # Published through revisions, as the admin does: scheduling an update to a
                # demo post keeps it live, and its history starts with its publication.
                live_revisions_ensure(pages=batch_posts)
                Page.objects.filter(pk=index.pk).update(numchild=F("numchild") + len(batch_ids))
                index.numchild += len(batch_ids)
                _posts_index(post_ids=batch_ids)
    return created


def _page_append(*, parent: Page, page: Page, previous_path: str | None) -> None:
    """treebeard's ``add_child`` for a page this module generated, minus per-page overhead.

    ``add_child`` locks the parent, finds its last child and bumps ``numchild`` for every
    page, and ``Page.save`` re-validates each one (about a dozen queries). The batch does
    the lock and the count once; the page gets the defaults ``full_clean`` would have set
    (draft title, the parent's locale) and is saved without re-validation, because every
    value here is generated and known to be valid. Paths follow treebeard's scheme.
    https://django-treebeard.readthedocs.io/en/latest/mp_tree.html
    """
    page.depth = parent.depth + 1
    if previous_path is None:
        page.path = Page._get_path(parent.path, page.depth, 1)
    else:
        page.path = previous_path
        page.path = page._inc_path()
    page.numchild = 0
    page.draft_title = page.title
    page.locale_id = parent.locale_id
    page._cached_parent_obj = parent  # Page.save builds url_path from it
    page.save(clean=False)


def _demo_post(
    *,
    number: int,
    seed: int,
    fake: Faker,
    images: list,
    authors: list[Author],
    categories: list[Category],
    linkable_ids: list[int],
) -> BlogPostPage:
    """Post ``number`` of the demo blog, unsaved; every value derives from (seed, number)."""
    rng = random.Random(seed * 1_000_003 + number)
    fake.seed_instance(seed * 1_000_003 + number)
    published = EPOCH + timedelta(minutes=number * 137 + rng.randrange(0, 120))
    title = fake.sentence(nb_words=rng.randint(4, 9)).rstrip(".")
    post = BlogPostPage(
        title=title,
        slug=f"demo-post-{number}",
        intro=fake.paragraph(nb_sentences=2)[:500],
        featured_image=rng.choice(images),
        body=_demo_body(fake=fake, rng=rng, images=images, linkable_ids=linkable_ids),
        publication_date=published,
        first_published_at=published,
        last_published_at=published,
        live=True,
        has_unpublished_changes=False,
    )
    post.categories = rng.sample(categories, k=rng.randint(1, 2))
    post.tags.add(*rng.sample(TAGS, k=rng.randint(2, 4)))
    post.post_authors = [
        BlogPostAuthor(author=a, sort_order=i)
        for i, a in enumerate(rng.sample(authors, k=rng.choice([1, 1, 1, 2])))
    ]
    return post


def statistics_refresh() -> None:
    """Refresh PostgreSQL's planner statistics after a bulk load.

    Autovacuum gets there eventually; until then the planner believes the freshly filled
    tables are nearly empty and picks nested loops and on-disk sorts (a 20-post listing at
    offset 6,500 of 10,000 took 52 ms instead of 10 ms).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def seed_demo(*, posts: int, seed: int = 1, progress=None) -> SeedResult:
    """Make sure the demo blog with ``posts`` posts exists; idempotent."""
    with transaction.atomic():
        home, index = demo_site_ensure()
        images = demo_images_ensure(seed=seed)
        authors = demo_authors_ensure(seed=seed, images=images)
        categories = demo_categories_ensure()
    created = demo_posts_ensure(
        posts=posts,
        seed=seed,
        index=index,
        images=images,
        authors=authors,
        categories=categories,
        progress=progress,
    )
    # The home page, the index and posts seeded by older releases.
    live_revisions_repair()
    if created:
        statistics_refresh()
    total = BlogPostPage.objects.child_of(index).count()
    return SeedResult(posts_created=created, posts_total=total, home=home, index=index)
