"""Blocked networks (environment and admin) get 403 early; probes pass; the list is
cached and refreshed when an admin edits it."""

import pytest
from django.urls import reverse

from serving.ip_blocklist import blocked_networks_cache_clear, ip_is_blocked
from serving.models import BlockedNetwork


def get(client, path="/api/v2/pages/", *, ip, forwarded=None):
    extra = {"REMOTE_ADDR": ip}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.get(path, **extra)


def test_environment_cidrs_are_refused_with_a_json_403(client, site_tree, settings):
    settings.IP_BLOCKLIST = ["203.0.113.0/24", "2001:db8::/32"]
    response = get(client, ip="203.0.113.99")
    assert response.status_code == 403
    assert response.json() == {"message": "Requests from your network are not allowed."}
    assert get(client, ip="2001:db8::5").status_code == 403
    assert get(client, ip="198.51.100.1").status_code == 200


def test_admin_rows_are_refused_too_and_everywhere(client, site_tree):
    BlockedNetwork.objects.create(network="198.51.100.0/24", reason="abuse report")
    for path in ("/api/v2/pages/", "/admin/login/", "/", "/documents/1/x.pdf"):
        assert get(client, path, ip="198.51.100.42").status_code == 403, path
    assert get(client, ip="198.51.101.1").status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/healthz/"])
def test_probes_are_never_blocked(client, db, settings, path):
    settings.IP_BLOCKLIST = ["0.0.0.0/0", "::/0"]
    assert get(client, "/api/v2/pages/", ip="10.0.0.9").status_code == 403
    assert get(client, path, ip="10.0.0.9").status_code != 403


def test_forged_forwarded_for_does_not_dodge_a_block(client, site_tree, settings):
    settings.IP_BLOCKLIST = ["203.0.113.0/24"]
    settings.TRUSTED_PROXY_COUNT = 1
    # The client writes a clean address; the ALB appends the real (blocked) one.
    response = get(client, ip="10.0.3.7", forwarded="198.51.100.1, 203.0.113.5")
    assert response.status_code == 403
    # Without proxies in front the header is ignored altogether.
    settings.TRUSTED_PROXY_COUNT = 0
    assert get(client, ip="203.0.113.5", forwarded="198.51.100.1").status_code == 403


def test_the_table_is_read_once_then_cached_and_refreshed_on_change(db, django_assert_num_queries):
    blocked_networks_cache_clear()  # cold, as after a Redis restart
    with django_assert_num_queries(1):
        assert not ip_is_blocked(ip="192.0.2.1")
    with django_assert_num_queries(0):
        assert not ip_is_blocked(ip="192.0.2.1")
    network = BlockedNetwork.objects.create(network="192.0.2.0/24")
    with django_assert_num_queries(1):
        assert ip_is_blocked(ip="192.0.2.1")
    network.delete()
    with django_assert_num_queries(1):
        assert not ip_is_blocked(ip="192.0.2.1")


def test_admins_block_a_network_from_the_settings_menu(client, editor):
    client.force_login(editor)
    add_url = reverse("wagtailsnippets_cms_blockednetwork:add")
    response = client.post(add_url, {"network": "192.0.2.7", "reason": "credential stuffing"})
    assert response.status_code == 302
    assert BlockedNetwork.objects.get().network == "192.0.2.7/32"
    assert get(client, ip="192.0.2.7").status_code == 403


@pytest.mark.parametrize("bad", ["not-a-network", "10.1.2.3/8", "300.1.1.1", "10.0.0.0/33"])
def test_admin_form_refuses_malformed_networks(client, editor, bad):
    client.force_login(editor)
    response = client.post(
        reverse("wagtailsnippets_cms_blockednetwork:add"), {"network": bad, "reason": ""}
    )
    assert response.status_code == 200
    assert "CIDR" in response.content.decode()
    assert not BlockedNetwork.objects.exists()


def test_editors_without_permission_cannot_see_the_blocklist(client, db):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    user = get_user_model().objects.create_user("writer", password="x-long-enough-pass-1")
    group = Group.objects.create(name="Writers")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    client.force_login(user)
    response = client.get(reverse("wagtailsnippets_cms_blockednetwork:list"))
    assert response.status_code in (302, 403)


def test_a_warm_cache_costs_requests_no_query(client, site_tree, django_assert_num_queries):
    """What the suite's fixture primes: with the cache warm, a refusal costs no query."""
    BlockedNetwork.objects.create(network="203.0.113.0/24")
    ip_is_blocked(ip="192.0.2.1")  # warm the cache again after the save
    with django_assert_num_queries(0):
        assert get(client, ip="203.0.113.1").status_code == 403


def test_a_change_made_by_another_process_applies_within_two_seconds(db, monkeypatch):
    """Each process keeps its copy for ``LOCAL_SECONDS``, then rereads the shared cache."""
    import time

    from django.core.cache import cache

    from serving import ip_blocklist

    blocked_networks_cache_clear()
    assert not ip_is_blocked(ip="192.0.2.1")  # this process now holds the empty list
    # Another pod saved a row: it refilled the shared cache without touching our copy.
    cache.set(ip_blocklist.CACHE_KEY, {"cidrs": ("192.0.2.0/24",)}, 60)
    assert not ip_is_blocked(ip="192.0.2.1")
    later = time.monotonic() + ip_blocklist.LOCAL_SECONDS + 0.1
    monkeypatch.setattr(ip_blocklist.time, "monotonic", lambda: later)
    assert ip_is_blocked(ip="192.0.2.1")
