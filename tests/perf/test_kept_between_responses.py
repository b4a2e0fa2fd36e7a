"""Images and related-post candidates kept between responses (``api.kept``): every change
that alters them reaches the next response, byte for byte what the database alone gives."""

import datetime

from django.utils import timezone

from api import caching
from tests.caches import uncached_content


def _detail(pk: int) -> str:
    return f"/api/v2/pages/{pk}/"


def _as_the_database_gives(client, settings, pk: int) -> bool:
    """Whether the (cached) detail of ``pk`` is byte for byte the database-only render."""
    return client.get(_detail(pk)).content == uncached_content(client, settings, _detail(pk))


def _related_titles(client, pk: int) -> list[str]:
    return [related["title"] for related in client.get(_detail(pk)).json()["related_posts"]]


def test_a_new_post_in_the_category_reaches_the_kept_candidates(
    client, make_post, committed, settings
):
    first = make_post(title="First")
    second = make_post(title="Second")
    assert _related_titles(client, first.pk) == ["Second"]
    with committed():
        make_post(title="Third")
    assert _related_titles(client, first.pk) == ["Third", "Second"]
    assert _as_the_database_gives(client, settings, first.pk)
    assert _related_titles(client, second.pk) == ["Third", "First"]


def test_an_unpublished_candidate_leaves_every_related_posts(
    client, make_post, committed, settings
):
    first, second, third = (make_post(title=title) for title in ("First", "Second", "Third"))
    assert _related_titles(client, first.pk) == ["Third", "Second"]
    with committed():
        third.unpublish()
    assert _related_titles(client, first.pk) == ["Second"]
    assert _as_the_database_gives(client, settings, second.pk)


def test_a_candidates_new_title_reaches_the_posts_that_suggest_it(
    client, make_post, committed, settings
):
    first, second = make_post(title="First"), make_post(title="Second")
    assert _related_titles(client, first.pk) == ["Second"]
    second.title = "Second, retitled"
    with committed():
        second.save_revision().publish()
    assert _related_titles(client, first.pk) == ["Second, retitled"]
    assert _as_the_database_gives(client, settings, first.pk)


def test_a_kept_candidate_whose_expiry_passes_is_no_longer_suggested(
    client, make_post, committed, monkeypatch
):
    first, second = make_post(title="First"), make_post(title="Second")
    expiry = timezone.now() + datetime.timedelta(minutes=5)
    second.expire_at = expiry
    with committed():
        second.save(update_fields=["expire_at"])
    assert _related_titles(client, first.pk) == ["Second"]  # kept with its expiry
    # The expiry passes with no save to replace a token (the expiry job has not run).
    later = expiry + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    caching.api_cache_tags_invalidate(tags=[f"ep:pages:{first.pk}"])  # its response only
    assert _related_titles(client, first.pk) == []


def test_an_image_edit_reaches_a_post_that_shows_the_kept_image(
    client, make_post, image, committed, settings
):
    first = make_post(title="First", featured_image=image)
    second = make_post(title="Second", featured_image=image)
    client.get(_detail(first.pk))  # keeps the image
    image.title = "A new title"
    image.description = "A new alt text"
    with committed():
        image.save()
    data = client.get(_detail(second.pk)).json()
    assert data["featured_image"]["title"] == "A new title"
    assert data["featured_image"]["alt"] == "A new alt text"
    assert data["related_posts"][0]["featured_image"]["alt"] == "A new alt text"
    for post in (first, second):
        assert _as_the_database_gives(client, settings, post.pk)


def test_renditions_made_after_a_read_reach_the_kept_image(
    client, make_post, image, committed, settings
):
    from blog.images import image_derivatives_generate

    image.renditions.all().delete()
    post = make_post(title="First", featured_image=image)
    shown = client.get(_detail(post.pk)).json()["featured_image"]
    assert len(shown["srcset"]) == 1  # the original, until its renditions are made
    with committed():
        image_derivatives_generate(image=image, notify=True)
    data = client.get(_detail(post.pk)).json()
    assert len(data["featured_image"]["srcset"]) > 1
    assert _as_the_database_gives(client, settings, post.pk)


def test_a_deleted_image_is_no_longer_shown_from_the_cache(
    client, make_post, image, committed, settings
):
    first = make_post(title="First", featured_image=image)
    second = make_post(title="Second")
    client.get(_detail(first.pk))
    with committed():
        image.delete()
    assert client.get(_detail(second.pk)).json()["related_posts"][0]["featured_image"] is None
    assert _as_the_database_gives(client, settings, first.pk)


def test_without_redis_the_kept_values_are_read_from_the_database(
    client, make_post, image, settings, hung_server
):
    from tests.perf.faults import redis_cache_settings

    first = make_post(title="First", featured_image=image)
    make_post(title="Second", featured_image=image)
    expected = uncached_content(client, settings, _detail(first.pk))
    settings.CACHES = redis_cache_settings(port=hung_server.port, timeout=0.2)
    assert client.get(_detail(first.pk)).content == expected
