"""/media/ answers in production mode without a bucket (MEDIA_SERVE), so the /media/ URLs
the API hands out work; traversal outside MEDIA_ROOT is refused."""

import pytest
from django.conf import settings


@pytest.fixture
def media_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "original_images").mkdir()
    path = tmp_path / "original_images" / "hello.txt"
    path.write_bytes(b"hello media")
    return path


def test_media_is_served_without_debug_or_a_bucket(client, media_file):
    assert not settings.DEBUG and not settings.AWS_STORAGE_BUCKET_NAME
    assert settings.MEDIA_SERVE
    response = client.get("/media/original_images/hello.txt")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"hello media"
    assert "max-age=86400" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_missing_file_or_a_path_outside_media_root_is_a_404(client, media_file):
    assert client.get("/media/original_images/missing.txt").status_code == 404
    for path in ("/media/../pyproject.toml", "/media/%2e%2e/pyproject.toml"):
        response = client.get(path)
        assert response.status_code in (400, 404)  # SuspiciousFileOperation or not found
        assert b"[project]" not in b"".join(getattr(response, "streaming_content", [b""]))
