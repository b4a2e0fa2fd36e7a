"""The reference theme: the CMS renders every page type itself, with the API's ``seo``
object in ``<head>``, and the admin's preview uses it whenever no frontend frames drafts."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from blog.seo import page_seo
from tests.admin_forms import admin_post_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    user = get_user_model().objects.create_superuser("editor", "e@example.com", "pw-123456")
    client.force_login(user)
    return client


@pytest.fixture
def post(make_post, image, site_tree):
    for page in site_tree:
        page.save_revision().publish()
    image.description = "A blue rectangle on a white wall"
    image.save()
    return make_post(
        title="Theme post",
        featured_image=image,
        body=[
            {"type": "heading", "value": {"text": "First section", "level": "h2"}},
            {"type": "paragraph", "value": "<p>Words a reader reads in the theme.</p>"},
            {"type": "image", "value": {"image": image.pk, "alt_text": "Inline alt"}},
        ],
    )


def _head_meta(html: str) -> dict[str, str]:
    found = {}
    for _attr, name, value in re.findall(
        r'<meta (property|name)="([^"]+)" content="([^"]*)"', html
    ):
        found.setdefault(name, value)
    return found


def test_every_page_type_renders_with_the_theme(client, post, site_tree):
    home, index = site_tree
    for page in (home, index, post):
        response = client.get(page.url)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert 'href="/static/blog/theme.css"' in html
        assert f"<h1>{page.title}</h1>" in html
    assert "Theme post" in client.get(index.url).content.decode()  # the listing lists it
    assert "Theme post" in client.get(home.url).content.decode()  # and the front page


def test_post_renders_body_images_authors_tags_and_reading_time(client, post):
    html = client.get(post.url).content.decode()
    assert "<h2>First section</h2>" in html
    assert "Words a reader reads in the theme." in html
    assert 'alt="Inline alt"' in html and "srcset=" in html
    assert 'alt="A blue rectangle on a white wall"' in html  # the image's own description
    assert "Ada Lovelace" in html
    assert "python" in html
    assert f"{post.reading_time} min read" in html


def test_head_carries_the_seo_object_the_api_serves(client, post):
    seo = page_seo(page=post)
    html = client.get(post.url).content.decode()
    meta = _head_meta(html)
    assert f'<link rel="canonical" href="{seo["canonical_url"]}">' in html
    assert meta["description"] == seo["description"]
    assert meta["og:url"] == seo["canonical_url"]
    assert meta["og:title"] == seo["og"]["title"]
    assert meta["og:image"] == seo["og"]["image"]
    assert meta["twitter:card"] == seo["twitter"]["card"]
    scripts = re.findall(r'<script type="application/json">(.*?)</script>', html, re.S)
    assert [json.loads(s) for s in scripts] == json.loads(json.dumps(seo["json_ld"]))


def test_preview_without_a_frontend_renders_the_draft_with_the_theme(
    editor_client, post, author, settings
):
    settings.FRONTEND_PREVIEW_URL = ""
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(post.pk,))
    posted = editor_client.post(url, admin_post_form(author=author, title="Unsaved draft title"))
    assert posted.json()["is_valid"] is True

    response = editor_client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Unsaved draft title</h1>" in html
    assert "wagtail-userbar" in html  # what the admin's content checks talk to
    assert [mode for mode, _ in post.preview_modes] == ["", "wagtail-seo"]


def test_with_a_frontend_the_theme_and_seo_preview_stay_available(
    editor_client, post, author, settings
):
    settings.FRONTEND_PREVIEW_URL = "https://www.example.com/api/preview"
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(post.pk,))
    editor_client.post(url, admin_post_form(author=author, title="Unsaved draft title"))

    assert editor_client.get(url).status_code == 302  # the default mode frames the frontend
    theme = editor_client.get(url, {"mode": ""})
    assert theme.status_code == 200 and "<h1>Unsaved draft title</h1>" in theme.content.decode()
    seo_preview = editor_client.get(url, {"mode": "wagtail-seo"})
    assert seo_preview.status_code == 200
    assert "Unsaved draft title" in seo_preview.content.decode()
