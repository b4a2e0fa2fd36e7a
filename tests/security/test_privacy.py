"""Drafts and restricted pages never leave through the API: not in listings, details,
search, find, filters or field expansions, and not for a signed-in editor either (the
public API ignores credentials)."""

import base64

import pytest

from tests.factories import EDITOR_PASSWORD


@pytest.fixture
def content(make_post, private_post, draft_post):
    public = make_post(title="Public hello")
    # A live post with unpublished changes: only the published text may show.
    public.title = "Secret edit not yet published"
    public.save_revision()
    return {"public": public, "private": private_post, "draft": draft_post}


SECRETS = ("Private roadmap", "Unannounced draft", "Secret edit not yet published")


def listing_urls(content) -> list[str]:
    return [
        "/api/v2/pages/",
        "/api/v2/pages/?type=blog.BlogPostPage&fields=*",
        "/api/v2/pages/?search=roadmap",
        "/api/v2/pages/?search=Unannounced",
        "/api/v2/pages/?search=Secret",
        f"/api/v2/pages/?child_of={content['public'].get_parent().pk}",
        f"/api/v2/pages/?descendant_of={content['public'].get_parent().get_parent().pk}",
        "/api/v2/pages/?slug=private-roadmap",
        "/api/v2/pages/?slug=unannounced-draft",
        "/api/v2/pages/?type=blog.BlogPostPage&fields=related_posts",
    ]


def detail_urls(content) -> list[str]:
    return [
        f"/api/v2/pages/{content['private'].pk}/",
        f"/api/v2/pages/{content['draft'].pk}/",
        "/api/v2/pages/find/?html_path=/blog/private-roadmap/",
        "/api/v2/pages/find/?html_path=/blog/unannounced-draft/",
    ]


def credentials_for(client, editor) -> dict:
    token = base64.b64encode(f"editor:{EDITOR_PASSWORD}".encode()).decode()
    client.force_login(editor)
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "editor"])
def test_listings_and_search_never_show_drafts_or_restricted_pages(
    client, editor, content, signed_in
):
    extra = credentials_for(client, editor) if signed_in else {}
    for url in listing_urls(content):
        response = client.get(url, **extra)
        assert response.status_code in (200, 400), url
        body = response.content.decode()
        for secret in SECRETS:
            assert secret not in body, (url, secret)
    listing = client.get("/api/v2/pages/?type=blog.BlogPostPage").json()
    titles = [item["title"] for item in listing["items"]]
    assert titles == ["Public hello"]


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "editor"])
def test_details_of_drafts_and_restricted_pages_are_not_found(client, editor, content, signed_in):
    extra = credentials_for(client, editor) if signed_in else {}
    for url in detail_urls(content):
        response = client.get(url, **extra)
        assert response.status_code == 404, url
        assert set(response.json()) == {"message"}
        for secret in SECRETS:
            assert secret not in response.content.decode()


def test_the_published_text_is_served_not_the_pending_edit(client, content):
    response = client.get(f"/api/v2/pages/{content['public'].pk}/")
    assert response.status_code == 200
    assert response.json()["title"] == "Public hello"


def registered_endpoints() -> list[str]:
    """Every endpoint the API router serves (WagtailAPIRouter keeps them by name)."""
    from api.router import api_router

    return sorted(api_router._endpoints)


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "editor"])
def test_no_endpoint_shows_drafts_or_restricted_pages(client, editor, content, signed_in):
    """A sweep over whatever endpoints the API registers, with the parameters that widen
    what a listing shows."""
    extra = credentials_for(client, editor) if signed_in else {}
    endpoints = registered_endpoints()
    assert {"pages", "images", "documents"} <= set(endpoints)
    for name in endpoints:
        for query in ("", "?fields=*", "?search=roadmap", "?search=Unannounced", "?limit=100"):
            url = f"/api/v2/{name}/{query}"
            response = client.get(url, **extra)
            assert response.status_code < 500, url
            body = response.content.decode()
            for secret in SECRETS:
                assert secret not in body, (url, secret)
