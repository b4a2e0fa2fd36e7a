"""Strict input at the edges editors and attackers reach: uploads (size, formats, no
SVG, no pixel bombs) and rich text through Wagtail's allow-list."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.test.utils.form_data import streamfield

from blog.models import BlogPostPage
from tests.admin_forms import admin_post_form

SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)


def png_bytes(*, size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def admin_client(client, editor):
    client.force_login(editor)
    return client


def upload_image(client, *, name: str, content: bytes, content_type: str):
    return client.post(
        reverse("wagtailimages:add"),
        {"title": name, "file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def test_a_small_png_is_accepted(admin_client):
    response = upload_image(
        admin_client, name="ok.png", content=png_bytes(), content_type="image/png"
    )
    assert response.status_code == 302
    assert get_image_model().objects.filter(title="ok.png").exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("logo.svg", SVG, "image/svg+xml"),
        # SVG dressed up as a PNG: Wagtail checks the bytes, not the name.
        ("logo.png", SVG, "image/png"),
        ("page.html", b"<html><script>alert(1)</script></html>", "text/html"),
        ("notes.png", b"this is not an image at all", "image/png"),
    ],
)
def test_svg_and_non_images_are_refused(admin_client, name, content, content_type):
    response = upload_image(admin_client, name=name, content=content, content_type=content_type)
    assert response.status_code == 200  # the form again, with an error
    assert response.context["form"].errors["file"]
    assert not get_image_model().objects.exists()


def test_oversized_images_are_refused(admin_client, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1024
    big = png_bytes(size=(600, 600))
    assert len(big) > 1024
    response = upload_image(admin_client, name="big.png", content=big, content_type="image/png")
    assert response.status_code == 200
    assert "too big" in " ".join(response.context["form"].errors["file"]).lower()
    assert not get_image_model().objects.exists()


def test_pixel_bombs_are_refused(admin_client, settings):
    """A tiny file that decodes to a huge bitmap (decompression bomb)."""
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 100 * 100
    response = upload_image(
        admin_client,
        name="bomb.png",
        content=png_bytes(size=(2000, 2000)),
        content_type="image/png",
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not get_image_model().objects.exists()


@pytest.mark.parametrize("name", ["evil.html", "evil.svg", "evil.js", "evil.exe"])
def test_documents_of_dangerous_types_are_refused(admin_client, name):
    response = admin_client.post(
        reverse("wagtaildocs:add"),
        {"title": name, "file": SimpleUploadedFile(name, b"<script>alert(1)</script>")},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not get_document_model().objects.exists()


def contentstate(*, text: str, url: str) -> str:
    return json.dumps(
        {
            "blocks": [
                {
                    "key": "a1b2c",
                    "type": "unstyled",
                    "text": text,
                    "depth": 0,
                    "inlineStyleRanges": [],
                    "entityRanges": [{"offset": 0, "length": 5, "key": 0}],
                    "data": {},
                }
            ],
            "entityMap": {"0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": url}}},
        }
    )


def test_rich_text_is_cut_to_wagtails_allow_list(admin_client, blog_index, author, category):
    """Even hand-crafted editor input (not the browser's) cannot store script."""
    data = admin_post_form(
        author=author,
        category=category,
        action="action-publish",
        title="Sanitised",
        slug="sanitised",
        intro="Intro",
        tags="",
        body=streamfield(
            [
                (
                    "paragraph",
                    contentstate(
                        text="click <script>alert(1)</script><img src=x onerror=alert(1)>",
                        url="jav\tascript:alert(document.cookie)",
                    ),
                )
            ]
        ),
    )
    url = reverse("wagtailadmin_pages:add", args=("blog", "blogpostpage", blog_index.pk))
    response = admin_client.post(url, data)
    assert response.status_code == 302
    stored = str(BlogPostPage.objects.get(slug="sanitised").body.raw_data)
    assert "<script" not in stored
    assert "onerror=" not in stored.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert "javascript" not in stored.lower().replace("\\t", "")
    api = admin_client.get("/api/v2/pages/?type=blog.BlogPostPage&fields=body").content.decode()
    assert "<script" not in api
    assert "javascript:" not in api.lower()


def png_bomb_bytes(*, side: int = 20_000) -> bytes:
    """A real PNG of side x side black pixels (1 bit each) that compresses to ~50 KB."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + b"\x00" * ((side + 7) // 8)  # filter byte, then the packed bits
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def animated_gif_bytes(*, frames: int, size: tuple[int, int]) -> bytes:
    images = [PILImage.new("P", size, color=n % 250) for n in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:], duration=40)
    return buffer.getvalue()


def test_a_decompression_bomb_png_is_a_form_error_not_a_500(admin_client):
    bomb = png_bomb_bytes()
    assert len(bomb) < 100_000  # 48 KB on disk, 400 Mpx decoded
    response = upload_image(admin_client, name="bomb.png", content=bomb, content_type="image/png")
    assert response.status_code == 200
    assert "too many pixels" in " ".join(response.context["form"].errors["file"])
    assert not get_image_model().objects.exists()


def test_every_frame_of_an_animated_gif_counts_toward_the_pixel_limit(admin_client):
    # 25 frames of 2000x2000: 4 Mpx each, 100 Mpx to decode, over the 40 Mpx default.
    gif = animated_gif_bytes(frames=25, size=(2000, 2000))
    with PILImage.open(io.BytesIO(gif)) as image:
        assert image.n_frames == 25
    response = upload_image(admin_client, name="anim.gif", content=gif, content_type="image/gif")
    assert response.status_code == 200
    assert "100000000" in " ".join(response.context["form"].errors["file"])
    assert not get_image_model().objects.exists()


def test_the_multiple_uploader_refuses_a_bomb_with_a_message(admin_client):
    response = admin_client.post(
        reverse("wagtailimages:add_multiple"),
        {
            "title": "bomb.png",
            "files[]": SimpleUploadedFile("bomb.png", png_bomb_bytes(), content_type="image/png"),
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is False
    assert "too many pixels" in body["error_message"]
    assert not get_image_model().objects.exists()


def test_pillow_refuses_what_the_upload_form_refuses(settings):
    assert PILImage.MAX_IMAGE_PIXELS == settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
