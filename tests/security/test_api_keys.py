"""API keys for trusted servers: hashed, shown once, their own rate limit, nothing unlocked,
401 for a bad or revoked key, never logged."""

import io
import logging

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from api.keys import api_key_create, api_key_hash
from api.models import ApiKey


@pytest.fixture
def rates(settings):
    def _set(*, api="2/min", api_key="5/min"):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"api": api, "preview": "2/min", "api_key": api_key},
        }

    return _set


def _create(name: str) -> str:
    out = io.StringIO()
    call_command("api_key", "create", "--name", name, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def test_create_prints_the_key_once_on_the_last_line_and_stores_only_its_hash(db):
    key = _create("next-ssr")
    stored = ApiKey.objects.get(name="next-ssr")
    assert key.startswith("bk_") and len(key) >= 40
    assert stored.key_hash == api_key_hash(key=key)
    assert key not in {stored.key_hash, stored.prefix, stored.name}
    assert key.startswith(stored.prefix)


def test_a_key_gets_its_own_higher_limit_instead_of_the_ip_limit(client, site_tree, rates):
    rates(api="2/min", api_key="5/min")
    _, key = api_key_create(name="build")
    for _ in range(2):
        assert client.get("/api/v2/pages/").status_code == 200
    assert client.get("/api/v2/pages/").status_code == 429  # the address is spent...
    keyed = [client.get("/api/v2/pages/", HTTP_X_API_KEY=key).status_code for _ in range(5)]
    assert keyed == [200] * 5  # ...the key is not
    response = client.get("/api/v2/pages/", HTTP_X_API_KEY=key)
    assert response.status_code == 429
    assert "Retry-After" in response


def test_cached_responses_apply_the_key_limit_and_refuse_bad_keys(client, site_tree, rates):
    rates(api="100/min", api_key="3/min")
    _, key = api_key_create(name="isr")
    # Warm the response cache, then every read below is a cache hit.
    assert client.get("/api/v2/pages/").status_code == 200
    statuses = [client.get("/api/v2/pages/", HTTP_X_API_KEY=key).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    bad = client.get("/api/v2/pages/", HTTP_X_API_KEY="bk_not-a-key")
    assert bad.status_code == 401
    assert "X-API-Key" in bad.json()["message"]


@pytest.mark.parametrize("header", ["bk_unknown-key-0123456789", "nonsense", "x" * 5000])
def test_a_bad_key_is_a_401_with_a_message(client, site_tree, header):
    response = client.get("/api/v2/pages/", HTTP_X_API_KEY=header)
    assert response.status_code == 401
    assert response.json() == {
        "message": "The X-API-Key header names no valid key (unknown or revoked)."
    }


def test_a_revoked_key_is_refused(client, site_tree):
    key = _create("old-builder")
    assert client.get("/api/v2/pages/", HTTP_X_API_KEY=key).status_code == 200
    call_command("api_key", "revoke", "old-builder", stdout=io.StringIO())
    assert client.get("/api/v2/pages/", HTTP_X_API_KEY=key).status_code == 401


def test_revoking_an_unknown_name_fails_loudly(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no active key named 'nobody'"):
        call_command("api_key", "revoke", "nobody")


def test_a_key_never_unlocks_drafts_or_private_pages(client, site_tree, draft_post, private_post):
    _, key = api_key_create(name="ssr")
    listing = client.get("/api/v2/pages/", {"type": "blog.BlogPostPage"}, HTTP_X_API_KEY=key)
    ids = {item["id"] for item in listing.json()["items"]}
    assert draft_post.pk not in ids and private_post.pk not in ids
    for page in (draft_post, private_post):
        assert client.get(f"/api/v2/pages/{page.pk}/", HTTP_X_API_KEY=key).status_code == 404
    preview = client.get(
        "/api/v2/preview/",
        {"content_type": "blog.blogpostpage", "token": "x"},
        HTTP_X_API_KEY=key,
    )
    assert preview.status_code in (400, 404)


def test_keys_never_reach_the_logs(client, site_tree, caplog):
    _, key = api_key_create(name="logged")
    with caplog.at_level(logging.DEBUG):
        client.get("/api/v2/pages/", HTTP_X_API_KEY=key)
        client.get("/api/v2/pages/", HTTP_X_API_KEY=key + "-wrong")
    assert key not in caplog.text


def test_editors_create_a_key_in_the_admin_and_see_it_once(client, db):
    editor = get_user_model().objects.create_superuser("keys", "keys@example.com", "pw-123456789")
    client.force_login(editor)
    response = client.post("/admin/api_keys/new/", {"name": "vercel"})
    assert response.status_code == 200
    stored = ApiKey.objects.get(name="vercel")
    body = response.content.decode()
    key = body.split('id="api-key"', 1)[1].split(">", 1)[1].split("<", 1)[0]
    assert api_key_hash(key=key) == stored.key_hash
    # Later pages never show it again.
    listing = client.get("/admin/api_keys/").content.decode()
    assert stored.prefix in listing and key not in listing
    edit = client.post(f"/admin/api_keys/edit/{stored.pk}/", {"name": "vercel", "revoked": "on"})
    assert edit.status_code == 302
    stored.refresh_from_db()
    assert stored.revoked and stored.revoked_at is not None
