"""Serializer classes built once per process (``api.serializer_classes``): the same bytes as
a class built for the request, one class per selection, and bad selections still refused."""

import pytest

from api import serializer_classes
from api.views.pages import PagesViewSet


@pytest.fixture
def none_kept(monkeypatch):
    monkeypatch.setattr(serializer_classes, "_classes", type(serializer_classes._classes)())
    return serializer_classes._classes


def test_a_kept_class_renders_what_a_new_one_renders(client, make_post, settings, none_kept):
    settings.API_CACHE_ENABLED = False
    post = make_post(title="Kept")
    paths = [
        f"/api/v2/pages/{post.pk}/",
        f"/api/v2/pages/{post.pk}/?fields=title,authors(name)",
        "/api/v2/pages/?type=blog.BlogPostPage&fields=*",
        "/api/v2/authors/",
    ]
    first = [client.get(path).content for path in paths]
    assert none_kept  # classes were kept
    kept = dict(none_kept)
    again = [client.get(path).content for path in paths]
    assert again == first
    assert dict(none_kept) == kept  # the same classes served the second round


def test_each_selection_has_its_own_class_and_its_own_fields(none_kept, rf):
    from wagtail.api.v2.router import WagtailAPIRouter

    from blog.models import BlogPostPage

    router = WagtailAPIRouter("wagtailapi")

    def built(config):
        return PagesViewSet._get_serializer_class(router, BlogPostPage, config, show_details=True)

    titles = built([("title", False, None)])
    assert built([("title", False, None)]) is titles
    assert built([("_", False, None), ("title", False, None)]) is not titles
    one, two = titles(context={}), titles(context={})
    assert one.fields["title"] is not two.fields["title"]  # a copy each
    assert one.fields.keys() == two.fields.keys()


def test_an_unknown_field_is_refused_every_time(client, make_post, settings, none_kept):
    settings.API_CACHE_ENABLED = False
    post = make_post(title="Kept")
    for _ in range(2):
        response = client.get(f"/api/v2/pages/{post.pk}/?fields=nope")
        assert response.status_code == 400
        assert "nope" in response.json()["message"]
