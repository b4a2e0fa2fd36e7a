"""Images as a frontend renders them: srcset, placeholder, focal point, square avatars, and
renditions that are made on save and never inside a read."""

import io

import blurhash
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.core.management import call_command
from PIL import Image as PILImage
from PIL import features
from wagtail.images import get_image_model
from wagtail.images.models import Filter

import blog.images
from blog.images import SRCSET_FORMATS
from blog.models import ImagePlaceholder, ImageRenditionRequest

API = "/api/v2"


@pytest.fixture(autouse=True)
def _requests_not_debounced():
    """Ids repeat across tests; a read must record its image whatever an earlier test read."""
    blog.images._recently_requested.clear()


def _image(*, width: int, height: int, colour=(40, 90, 160), title="Picture"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), colour).save(buffer, format="JPEG")
    image = get_image_model()(title=title)
    image.file = ImageFile(io.BytesIO(buffer.getvalue()), name="picture.jpg")
    image.save()
    return image


def test_srcset_lists_every_width_up_to_the_original_in_each_format(api, image):
    data = api.get(f"{API}/images/{image.pk}/").json()
    srcset = data["srcset"]
    # 1600 px wide: 1920 would enlarge it, so it is left out.
    expected = [(w, f) for w in (320, 640, 960, 1280) for f in SRCSET_FORMATS]
    assert [(entry["width"], entry["format"]) for entry in srcset] == expected
    for entry in srcset:
        assert entry["url"].startswith("http://")
        assert entry["url"].endswith("." + {"jpeg": "jpg"}.get(entry["format"], entry["format"]))
        assert entry["height"] == round(entry["width"] * 900 / 1600)
    assert data["meta"]["download_url"].startswith("http://")
    assert data["meta"]["download_url"].endswith(".jpg")


def test_avif_is_offered_when_pillow_encodes_it():
    assert ("avif" in SRCSET_FORMATS) == features.check("avif")
    assert SRCSET_FORMATS[-1] == "jpeg"  # the fallback every browser decodes


@pytest.mark.skipif(not features.check("avif"), reason="this Pillow encodes no AVIF")
def test_avif_renditions_are_encoded_at_the_configured_speed():
    """``IMAGE_AVIF_SPEED`` reaches libavif (Willow passes only a quality): an AVIF saved
    without a speed is byte for byte the one saved at the installed speed, and not the one
    at Pillow's default."""
    source = PILImage.effect_mandelbrot((320, 200), (-2, -1.5, 1, 1.5), 50).convert("RGB")

    def encoded(**options) -> bytes:
        buffer = io.BytesIO()
        source.save(buffer, format="AVIF", quality=80, **options)
        return buffer.getvalue()

    try:
        blog.images.avif_speed_install(speed=10)
        assert encoded() == encoded(speed=10) != encoded(speed=6)
    finally:
        blog.images.avif_speed_install(speed=settings.IMAGE_AVIF_SPEED)


def test_an_image_narrower_than_every_width_gets_its_own_width(api, db):
    small = _image(width=200, height=100)
    srcset = api.get(f"{API}/images/{small.pk}/").json()["srcset"]
    assert {entry["width"] for entry in srcset} == {200}
    assert [entry["format"] for entry in srcset] == list(SRCSET_FORMATS)


def test_placeholder_is_a_blurhash_and_the_dominant_colour(api, image):
    placeholder = api.get(f"{API}/images/{image.pk}/").json()["placeholder"]
    assert blurhash.is_valid_blurhash(placeholder["blurhash"])
    # The test image is one solid colour (40, 90, 160); JPEG shifts it by a few levels.
    red, green, blue = (int(placeholder["color"][i : i + 2], 16) for i in (1, 3, 5))
    assert abs(red - 40) <= 6 and abs(green - 90) <= 6 and abs(blue - 160) <= 6


def test_editor_sets_a_focal_point_and_crops_follow_it(client, db):
    # Blue on the left half, red on the right; the focal point goes on the red side.
    source = PILImage.new("RGB", (1600, 900), (0, 0, 255))
    source.paste((255, 0, 0), (800, 0, 1600, 900))
    buffer = io.BytesIO()
    source.save(buffer, format="PNG")
    image = get_image_model()(title="Halves")
    image.file = ImageFile(io.BytesIO(buffer.getvalue()), name="halves.png")
    image.save()
    editor = get_user_model().objects.create_superuser("fp-editor", "fp@example.com", "pw-12345678")
    client.force_login(editor)
    edit_url = f"/admin/images/{image.pk}/"
    page = client.get(edit_url)
    assert page.status_code == 200
    assert b'name="focal_point_x"' in page.content  # the admin's focal point chooser
    response = client.post(
        edit_url,
        {
            "title": image.title,
            "collection": image.collection_id,
            "tags": "",
            "focal_point_x": 1400,
            "focal_point_y": 450,
            "focal_point_width": 200,
            "focal_point_height": 200,
        },
    )
    assert response.status_code == 302, response.content[:500]
    image.refresh_from_db()
    assert image.get_focal_point() is not None

    client.logout()
    data = client.get(f"{API}/images/{image.pk}/").json()
    assert data["focal_point"] == {"x": 1400, "y": 450, "width": 200, "height": 200}
    # The square crop was made for the new focal point on save and shows only the red
    # side (a centred crop would show both halves).
    square = data["renditions"]["square"]
    assert (square["width"], square["height"]) == (400, 400)
    rendition = image.get_rendition_model().objects.get(
        image=image,
        filter_spec="fill-400x400-c100",
        focal_point_key=Filter(spec="fill-400x400-c100").get_cache_key(image),
    )
    assert square["url"].endswith(rendition.file.name)
    with rendition.file.open("rb") as handle, PILImage.open(handle) as crop:
        colours = {colour for _, colour in crop.convert("RGB").getcolors(maxcolors=10_000)}
    assert all(red > 200 and blue < 60 for red, _, blue in colours)


def test_author_avatars_are_square(api, blog, image, second_author):
    second_author.avatar = image
    second_author.save()
    avatar = api.get(f"{API}/authors/{second_author.pk}/").json()["avatar"]
    assert (avatar["renditions"]["square"]["width"], avatar["renditions"]["square"]["height"]) == (
        400,
        400,
    )


def test_a_read_never_makes_a_rendition_it_answers_with_the_original(api, settings, db):
    settings.IMAGE_RENDITIONS_ON_SAVE = False
    image = _image(width=2000, height=1000)
    rendition_model = image.get_rendition_model()

    data = api.get(f"{API}/images/{image.pk}/").json()

    assert rendition_model.objects.filter(image=image).count() == 0
    original = data["meta"]["download_url"]
    assert data["srcset"] == [{"url": original, "width": 2000, "height": 1000, "format": "jpeg"}]
    assert data["renditions"]["social"] == {"url": original, "width": 2000, "height": 1000}
    assert data["placeholder"] is None
    # ...and the image is queued for the worker.
    assert ImageRenditionRequest.objects.filter(image=image).exists()

    call_command("image_renditions")

    assert not ImageRenditionRequest.objects.exists()
    assert ImagePlaceholder.objects.filter(image=image).exists()
    data = api.get(f"{API}/images/{image.pk}/").json()
    assert [entry["width"] for entry in data["srcset"]] == [
        w for w in (320, 640, 960, 1280, 1920) for _ in SRCSET_FORMATS
    ]
    assert data["renditions"]["social"]["width"] == 1200
    assert data["placeholder"] is not None


def test_the_seo_social_image_falls_back_to_the_original_until_made(api, settings, make_post, db):
    settings.IMAGE_RENDITIONS_ON_SAVE = False
    image = _image(width=1000, height=500)
    post = make_post(title="Pictured", featured_image=image)
    og = api.get(f"{API}/pages/{post.pk}/").json()["seo"]["og"]
    assert og["image"].endswith("picture.jpg") or "/original_images/" in og["image"]
    assert image.get_rendition_model().objects.filter(image=image).count() == 0


def test_image_renditions_command_names_a_missing_image(db):
    with pytest.raises(Exception, match="no image with id 999999"):
        call_command("image_renditions", "--image", "999999")


@pytest.mark.django_db
def test_image_detail_query_count_is_pinned(api, image, django_assert_num_queries):
    api.get(f"{API}/images/{image.pk}/")  # warm Wagtail's own per-process lookups
    # restricted collections, image with its placeholder (one join), renditions, tags
    with django_assert_num_queries(4):
        assert api.get(f"{API}/images/{image.pk}/").status_code == 200
