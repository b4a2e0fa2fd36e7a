"""The API's ``seo`` object: every fallback, Open Graph, Twitter and JSON-LD rule.

JSON-LD is checked against Google's article and breadcrumb requirements:
https://developers.google.com/search/docs/appearance/structured-data/article
https://developers.google.com/search/docs/appearance/structured-data/breadcrumb
"""

import json
from datetime import UTC, datetime

import pytest
from wagtail.models import Site

from blog.models import BlogPostPage
from blog.seo import page_seo, page_seo_description, post_authors
from blog.services import truncate_at_word
from tests.factories import image_make
from tests.paths import FRONTEND

LONG_INTRO = (
    "Headless content management separates the editing experience from the presentation "
    "layer, so every frontend can render the same posts in its own way while editors keep "
    "one familiar place to write."
)


def _seo(page, site=None, **kwargs):
    return page_seo(page=page, site=site or Site.objects.get(is_default_site=True), **kwargs)


def _json_ld(seo: dict, type_: str) -> dict:
    return next(item for item in seo["json_ld"] if item["@type"] == type_)


# --- title ---------------------------------------------------------------------------


def test_title_falls_back_to_the_page_title(make_post):
    assert _seo(make_post(title="Plain title"))["title"] == "Plain title"


def test_seo_title_wins_over_the_page_title(make_post):
    post = make_post(title="Plain title", seo_title="Marketing title")
    seo = _seo(post)
    assert seo["title"] == seo["og"]["title"] == seo["twitter"]["title"] == "Marketing title"


def test_blank_seo_title_of_spaces_falls_back_to_the_page_title(make_post):
    assert _seo(make_post(title="Plain title", seo_title="   "))["title"] == "Plain title"


# --- description ---------------------------------------------------------------------


def test_written_description_is_kept_as_written(make_post):
    written = "A description marketing wrote, longer than the fallback cut. " * 3
    seo = _seo(make_post(search_description=written))
    assert seo["description"] == written.strip()
    assert seo["og"]["description"] == seo["twitter"]["description"] == written.strip()


def test_description_falls_back_to_the_intro_cut_at_a_word_near_155(make_post):
    description = _seo(make_post(intro=LONG_INTRO))["description"]
    assert len(LONG_INTRO) > 155
    assert description.endswith("…")
    kept = description.removesuffix("…")
    assert len(kept) <= 155
    assert LONG_INTRO.startswith(kept)
    assert LONG_INTRO[len(kept)] in " ,.;:", "cut at a word boundary"
    assert len(kept) > 140, "near 155, not far below"


def test_short_intro_is_the_whole_description(make_post):
    assert _seo(make_post(intro="Short and sweet."))["description"] == "Short and sweet."


def test_description_falls_back_to_the_first_paragraph_without_an_intro():
    # The intro is required on save; a page built in memory (a preview) may lack one.
    post = BlogPostPage(
        title="No intro",
        intro="",
        body=[
            {"type": "heading", "value": {"text": "Not this heading", "level": "h2"}},
            {"type": "paragraph", "value": "<p>The <b>first</b> paragraph &amp; its words.</p>"},
            {"type": "paragraph", "value": "<p>Not the second.</p>"},
        ],
    )
    assert page_seo_description(page=post) == "The first paragraph & its words."


def test_index_page_description_falls_back_to_its_intro(blog_index):
    assert page_seo_description(page=blog_index) == "Everything we have written."


def test_truncate_at_word_never_cuts_inside_a_word():
    assert truncate_at_word(text="alpha beta gamma", length=12) == "alpha beta…"
    assert truncate_at_word(text="alpha beta gamma", length=100) == "alpha beta gamma"
    assert truncate_at_word(text="x" * 20, length=10) == "x" * 10 + "…"


# --- canonical URL -------------------------------------------------------------------


def test_canonical_falls_back_to_the_frontend_url_of_the_page(make_post):
    seo = _seo(make_post(title="Canonical post", slug="canonical-post"))
    assert seo["canonical_url"] == f"{FRONTEND}/blog/canonical-post/"
    assert seo["og"]["url"] == seo["canonical_url"]


def test_canonical_follows_frontend_base_url(make_post, settings):
    settings.FRONTEND_BASE_URL = "https://blog.example.org"
    post = make_post(slug="moved")
    assert _seo(post)["canonical_url"] == "https://blog.example.org/blog/moved/"


def test_canonical_set_by_marketing_wins(make_post):
    post = make_post(canonical_url="https://partner.example.net/original/")
    assert _seo(post)["canonical_url"] == "https://partner.example.net/original/"


def test_home_page_canonical_is_the_frontend_root(site_tree):
    home, _ = site_tree
    assert _seo(home)["canonical_url"] == f"{FRONTEND}/"


# --- social image --------------------------------------------------------------------


def test_social_image_is_the_promote_tab_image_at_1200x630(make_post, image, seo_settings):
    og_image = image_make(title="Card", size=(2000, 1400))
    seo = _seo(make_post(og_image=og_image, featured_image=image))
    assert (seo["og"]["image_width"], seo["og"]["image_height"]) == (1200, 630)
    assert og_image.renditions.filter(width=1200, height=630).exists()
    assert seo["og"]["image"].startswith("http"), "absolute, for crawlers"
    assert seo["og"]["image"] == seo["twitter"]["image"]


def test_social_image_falls_back_to_the_featured_image(make_post, image, seo_settings):
    seo = _seo(make_post(featured_image=image))
    assert image.renditions.filter(width=1200, height=630).exists()
    assert seo["og"]["image"].endswith(".jpg")  # the card is always a JPEG
    assert "test" in seo["og"]["image"]
    assert seo["og"]["image_alt"] == "Test image"


def test_social_image_falls_back_to_the_site_default(make_post, seo_settings):
    seo = _seo(make_post())
    assert (seo["og"]["image_width"], seo["og"]["image_height"]) == (1200, 630)
    assert "default_card" in seo["og"]["image"]


def test_no_social_image_anywhere_gives_none_and_a_summary_card(make_post):
    seo = _seo(make_post())
    assert seo["og"]["image"] is None
    assert seo["twitter"]["image"] is None
    assert seo["twitter"]["card"] == "summary"  # a large card needs an image


def test_a_missing_original_still_serves_the_social_rendition_made_at_save(make_post, image):
    """Reads never open the original (renditions are made when the image is saved), so a
    lost original costs nothing while its 1200x630 rendition exists."""
    post = make_post(featured_image=image)
    image.file.storage.delete(image.file.name)
    seo = _seo(post)
    assert seo["og"]["image"].endswith(".fill-1200x630.format-jpeg.jpg")
    assert seo["og"]["image_width"] == 1200


# --- Open Graph and Twitter ----------------------------------------------------------


def test_post_open_graph_is_an_article_with_dates_and_tags(make_post):
    post = make_post(tags=("python", "seo"))
    og = _seo(post)["og"]
    assert og["type"] == "article"
    assert og["site_name"] == "Demo blog"
    assert datetime.fromisoformat(og["article_published_time"]) == post.publication_date
    assert sorted(og["article_tags"]) == ["python", "seo"]


def test_index_open_graph_is_a_website(blog_index):
    assert _seo(blog_index)["og"]["type"] == "website"


def test_twitter_card_and_site_handle(make_post, image, seo_settings):
    seo = _seo(make_post(featured_image=image))
    assert seo["twitter"]["card"] == "summary_large_image"  # the post type's default
    assert seo["twitter"]["site"] == "@exampleltd"
    chosen = _seo(make_post(slug="summary-card", featured_image=image, twitter_card="summary"))
    assert chosen["twitter"]["card"] == "summary"


# --- JSON-LD -------------------------------------------------------------------------


def test_blog_posting_has_googles_required_and_recommended_properties(
    make_post, image, seo_settings, author
):
    post = make_post(
        title="Structured post",
        slug="structured-post",
        featured_image=image,
        publication_date=datetime(2025, 3, 4, 9, 30, tzinfo=UTC),
    )
    seo = _seo(post, same_as=["https://social.example/@exampleltd"])
    posting = _json_ld(seo, "BlogPosting")
    json.dumps(seo)  # serialisable as it is

    assert posting["@context"] == "https://schema.org"
    assert posting["headline"] == "Structured post"
    assert posting["datePublished"] == "2025-03-04T09:30:00+00:00"
    assert datetime.fromisoformat(posting["dateModified"]) == post.last_published_at
    assert posting["author"] == [
        {"@type": "Person", "name": "Ada Lovelace", "url": f"{FRONTEND}/authors/ada-lovelace/"}
    ]
    assert posting["image"] == [seo["og"]["image"]]
    assert posting["mainEntityOfPage"] == {"@type": "WebPage", "@id": seo["canonical_url"]}
    assert posting["keywords"] == ["python"]
    assert posting["articleSection"] == ["Engineering"]

    publisher = posting["publisher"]
    assert publisher["@type"] == "Organization"
    assert publisher["name"] == "Example Ltd"
    assert publisher["url"] == f"{FRONTEND}/"
    assert publisher["sameAs"] == ["https://social.example/@exampleltd"]
    assert publisher["logo"]["@type"] == "ImageObject"
    assert publisher["logo"]["url"].startswith("http")
    assert publisher["logo"]["width"] <= 600 and publisher["logo"]["height"] <= 60


def test_same_as_defaults_to_the_sites_social_profiles(make_post, site):
    from blog.models import SiteSettings

    site_settings = SiteSettings.for_site(site)
    site_settings.social_profiles = [
        {"type": "profile", "value": {"label": "Mastodon", "url": "https://social.example/@ex"}},
        {"type": "profile", "value": {"label": "GitHub", "url": "https://github.com/example"}},
    ]
    site_settings.save()
    publisher = _json_ld(_seo(make_post()), "BlogPosting")["publisher"]
    assert publisher["sameAs"] == ["https://social.example/@ex", "https://github.com/example"]
    passed = _json_ld(_seo(make_post(slug="p2"), same_as=[]), "BlogPosting")["publisher"]
    assert "sameAs" not in passed  # an explicit list wins, even an empty one


def test_publisher_falls_back_to_the_site_name_without_settings(make_post):
    publisher = _json_ld(_seo(make_post()), "BlogPosting")["publisher"]
    assert publisher == {"@type": "Organization", "name": "Demo blog", "url": f"{FRONTEND}/"}


def test_headline_is_cut_to_110_characters(make_post):
    post = make_post(title="word " * 40)
    assert len(_json_ld(_seo(post), "BlogPosting")["headline"]) <= 111


def test_structured_data_type_chosen_on_the_promote_tab(make_post):
    post = make_post(structured_data_type="TechArticle")
    seo = _seo(post)
    assert [item["@type"] for item in seo["json_ld"]] == ["TechArticle", "BreadcrumbList"]


def test_authors_are_people_in_byline_order(make_post, author):
    from blog.models import Author, BlogPostAuthor

    second = Author.objects.create(name="Grace Hopper")
    post = make_post()
    BlogPostAuthor.objects.create(post=post, author=second, sort_order=1)
    names = [person["name"] for person in _json_ld(_seo(post), "BlogPosting")["author"]]
    assert names == ["Ada Lovelace", "Grace Hopper"]


def test_post_authors_cost_one_query(make_post, django_assert_num_queries):
    post = make_post()
    with django_assert_num_queries(1):
        assert [author.name for author in post_authors(page=post)] == ["Ada Lovelace"]


def test_breadcrumbs_list_home_index_and_post_on_the_frontend(make_post):
    post = make_post(title="Crumb post", slug="crumb-post")
    crumbs = _json_ld(_seo(post), "BreadcrumbList")
    assert crumbs["@context"] == "https://schema.org"
    assert crumbs["itemListElement"] == [
        {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{FRONTEND}/"},
        {"@type": "ListItem", "position": 2, "name": "Blog", "item": f"{FRONTEND}/blog/"},
        {
            "@type": "ListItem",
            "position": 3,
            "name": "Crumb post",
            "item": f"{FRONTEND}/blog/crumb-post/",
        },
    ]


def test_index_page_is_a_web_page_with_breadcrumbs(blog_index):
    seo = _seo(blog_index)
    page = _json_ld(seo, "WebPage")
    assert page["name"] == "Blog"
    assert page["url"] == f"{FRONTEND}/blog/"
    assert len(_json_ld(seo, "BreadcrumbList")["itemListElement"]) == 2


def test_site_defaults_to_the_pages_own_site(make_post, seo_settings):
    post = make_post()
    seo = page_seo(page=post)  # no site passed
    assert seo["og"]["site_name"] == "Demo blog"
    assert seo["twitter"]["site"] == "@exampleltd"


@pytest.mark.parametrize("count", [1, 4])
def test_seo_object_query_count_does_not_grow_with_authors_or_tags(
    make_post, seo_settings, image, django_assert_num_queries, count
):
    from blog.models import Author, BlogPostAuthor

    post = make_post(featured_image=image, tags=[f"tag-{n}" for n in range(count)])
    for n in range(1, count):
        BlogPostAuthor.objects.create(
            post=post, author=Author.objects.create(name=f"Author {n}"), sort_order=n
        )
    site = Site.objects.get(is_default_site=True)
    page_seo(page=post, site=site)  # warm renditions and Wagtail's site-root cache
    post = type(post).objects.get(pk=post.pk)
    # SEO settings, site settings (social profiles), featured image and its rendition, logo
    # and its rendition (renditions are looked up, never made in a read), tags, authors,
    # categories, ancestors
    with django_assert_num_queries(10):
        page_seo(page=post, site=site)


def test_preview_of_a_revision_has_the_same_seo_shape(make_post, author):
    post = make_post(title="Previewed", slug="previewed")
    preview = post.get_latest_revision_as_object()  # what the preview API renders
    preview.seo_title = "Unpublished change"
    seo = page_seo(page=preview, site=Site.objects.get(is_default_site=True))
    assert seo["title"] == "Unpublished change"
    assert _json_ld(seo, "BlogPosting")["author"][0]["name"] == "Ada Lovelace"
