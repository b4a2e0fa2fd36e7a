"""Model rules: derived reading time and excerpt, dates, slugs, editor-facing validation."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.blocks import StructBlockValidationError

from blog.blocks import CallToActionBlock, ImageBlock
from blog.models import Author, BlogPostPage, Category
from blog.services import post_excerpt, post_reading_time, truncate_at_word


def _paragraphs(words: int) -> list[dict]:
    return [{"type": "paragraph", "value": "<p>" + " ".join(["word"] * words) + "</p>"}]


def test_reading_time_is_words_over_230_rounded_up_and_at_least_one(make_post):
    assert make_post(title="short", body=_paragraphs(10)).reading_time == 1
    assert make_post(title="exact", body=_paragraphs(460)).reading_time == 2
    assert make_post(title="over", body=_paragraphs(461)).reading_time == 3


def test_reading_time_counts_headings_quotes_and_code_but_not_markup():
    post = BlogPostPage(
        body=[
            {"type": "heading", "value": {"text": "one two", "level": "h2"}},
            {"type": "paragraph", "value": "<p><b>three</b> <a href='x'>four</a></p>"},
            {"type": "quote", "value": {"text": "five", "attribution": ""}},
            {"type": "code", "value": {"language": "python", "code": "six"}},
        ]
    )
    assert post_reading_time(body=post.body) == 1
    from blog.services import body_text

    assert body_text(body=post.body) == "one two three four five six"


def test_excerpt_prefers_intro_then_first_paragraph_and_cuts_at_a_word():
    post = BlogPostPage(body=_paragraphs(100))
    assert post_excerpt(intro="Short intro.", body=post.body) == "Short intro."
    excerpt = post_excerpt(intro="", body=post.body)
    assert excerpt.endswith("…")
    assert len(excerpt) <= 156
    assert not excerpt[:-1].endswith(" ")
    assert truncate_at_word(text="alpha beta gamma", length=12) == "alpha beta…"


def test_publication_date_defaults_to_first_publish(make_post):
    post = make_post(title="Dated")
    assert post.publication_date is not None
    assert post.publication_date == post.first_published_at


def test_publication_date_set_by_editor_is_kept(make_post):
    chosen = timezone.make_aware(datetime.datetime(2021, 5, 4, 12, 0))
    post = make_post(title="Back-dated", publication_date=chosen)
    assert post.publication_date == chosen
    assert post.first_published_at > chosen


def test_draft_has_no_publication_date(make_post):
    assert make_post(title="Draft", live=False).publication_date is None


def test_snippet_slugs_are_made_from_names_and_unique(db):
    assert Author.objects.create(name="Grace Hopper").slug == "grace-hopper"
    assert Category.objects.create(name="Site Reliability").slug == "site-reliability"
    with pytest.raises(Exception):  # noqa: B017 - any IntegrityError subclass of the backend
        Category.objects.create(name="Other", slug="site-reliability")


def test_body_is_required_with_an_editor_message(blog_index):
    post = BlogPostPage(title="Empty", slug="empty", intro="x", body=[])
    with pytest.raises(ValidationError) as error:
        post.full_clean()
    assert "Add at least one block" in str(error.value.message_dict["body"])


def test_far_future_publication_date_is_refused(blog_index):
    post = BlogPostPage(
        title="Future",
        slug="future",
        intro="x",
        body=_paragraphs(3),
        publication_date=timezone.now() + datetime.timedelta(days=365 * 20),
    )
    with pytest.raises(ValidationError) as error:
        post.full_clean()
    assert "check the year" in str(error.value.message_dict["publication_date"])


def test_call_to_action_needs_exactly_one_target():
    block = CallToActionBlock()
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(block.to_python({"text": "Go", "page": None, "url": ""}))
    assert "not both and not neither" in str(error.value.block_errors["url"])
    assert block.clean(block.to_python({"text": "Go", "page": None, "url": "https://example.com"}))


def test_image_block_requires_alt_text(image):
    block = ImageBlock()
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(block.to_python({"image": image.pk, "alt_text": "", "caption": ""}))
    assert "alt_text" in error.value.block_errors


def test_related_posts_fall_back_to_shared_category(make_post):
    first = make_post(title="First")
    second = make_post(title="Second")
    assert second.related_posts() == [first]
    from blog.models import RelatedPost

    third = make_post(title="Third")
    RelatedPost.objects.create(post=second, page=third, sort_order=0)
    assert second.related_posts() == [third]


def test_search_finds_posts_by_title_body_tag_and_author(make_post):
    make_post(
        title="Kubernetes for editors",
        body=[{"type": "paragraph", "value": "<p>Autoscaling explained gently.</p>"}],
        tags=("helm",),
    )
    for query in ["Kubernetes", "Autoscaling", "helm", "Lovelace"]:
        titles = [p.title for p in BlogPostPage.objects.live().search(query)]
        assert titles == ["Kubernetes for editors"], query
