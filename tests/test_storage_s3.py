"""Media on S3 through django-storages, against an S3-compatible server on loopback (moto)."""

import io

import boto3
import pytest
from django.core.files.images import ImageFile
from django.test import override_settings
from moto.server import ThreadedMotoServer
from PIL import Image as PILImage
from wagtail.images import get_image_model

from loadtests.servers import port_free

BUCKET = "blog-media"


@pytest.fixture(scope="module")
def s3_endpoint():
    port = port_free()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-west-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    yield endpoint
    server.stop()


def _s3_storages(endpoint: str, **options) -> dict:
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "eu-west-1",
                "access_key": "test",
                "secret_key": "test",
                "location": "media",
                "default_acl": None,
                "querystring_auth": False,
                "file_overwrite": False,
                **options,
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _jpeg() -> io.BytesIO:
    buffer = io.BytesIO()
    PILImage.new("RGB", (800, 600), (200, 40, 40)).save(buffer, format="JPEG")
    buffer.seek(0)
    return buffer


def _keys(endpoint: str) -> list[str]:
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-west-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    return [obj["Key"] for obj in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


@pytest.mark.django_db
def test_uploaded_images_and_renditions_are_stored_in_the_bucket(s3_endpoint):
    with override_settings(STORAGES=_s3_storages(s3_endpoint)):
        image = get_image_model()(title="On S3")
        image.file = ImageFile(_jpeg(), name="on-s3.jpg")
        image.save()
        assert (image.width, image.height) == (800, 600)
        rendition = image.get_rendition("fill-400x300")
        assert (rendition.width, rendition.height) == (400, 300)
        keys = _keys(s3_endpoint)
        assert f"media/{image.file.name}" in keys
        assert f"media/{rendition.file.name}" in keys
        assert image.file.url.startswith(f"{s3_endpoint}/{BUCKET}/media/original_images/")


@pytest.mark.django_db
def test_custom_domain_serves_media_urls(s3_endpoint):
    with override_settings(STORAGES=_s3_storages(s3_endpoint, custom_domain="media.example.com")):
        image = get_image_model()(title="Via CDN")
        image.file = ImageFile(_jpeg(), name="via-cdn.jpg")
        image.save()
        assert image.file.url.startswith("https://media.example.com/media/original_images/via-cdn")
