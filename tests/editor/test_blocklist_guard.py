"""The admin cannot block its own network; break glass lets operators back in; a blocked
browser gets an HTML page while the API keeps its JSON 403."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from serving.ip_blocklist import blocked_networks_cache_clear
from serving.models import BlockedNetwork

pytestmark = pytest.mark.django_db

ADD = "wagtailsnippets_cms_blockednetwork:add"
EDIT = "wagtailsnippets_cms_blockednetwork:edit"


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("admin", "a@example.com", "pw-123456")
    client.force_login(user)
    return client


def test_blocking_a_network_containing_your_own_address_is_refused_naming_it(admin_client):
    response = admin_client.post(
        reverse(ADD), {"network": "127.0.0.0/8", "reason": "oops"}, REMOTE_ADDR="127.0.0.1"
    )

    assert response.status_code == 200  # the form again, with the error
    assert not BlockedNetwork.objects.exists()
    errors = response.context["form"].errors["network"]
    assert errors == [
        "127.0.0.0/8 contains your own address, 127.0.0.1: saving it would lock you out of "
        "the admin. Block a narrower range, or ask someone on another network to do it."
    ]


def test_other_networks_save_and_an_edit_into_your_own_is_refused(admin_client):
    response = admin_client.post(
        reverse(ADD), {"network": "203.0.113.0/24", "reason": "abuse"}, REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 302
    row = BlockedNetwork.objects.get()

    response = admin_client.post(
        reverse(EDIT, args=(row.pk,)),
        {"network": "10.0.0.0/8", "reason": "abuse"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 200
    assert "contains your own address, 10.1.2.3" in response.context["form"].errors["network"][0]
    row.refresh_from_db()
    assert row.network == "203.0.113.0/24"


def test_a_blocked_browser_gets_an_html_page_and_the_api_keeps_json(client, site_tree):
    BlockedNetwork.objects.create(network="198.51.100.0/24")
    html = client.get("/admin/login/", REMOTE_ADDR="198.51.100.9", HTTP_ACCEPT="text/html")
    assert html.status_code == 403
    assert html["Content-Type"].startswith("text/html")
    assert "<h1>Access blocked</h1>" in html.content.decode()

    api = client.get("/api/v2/pages/", REMOTE_ADDR="198.51.100.9", HTTP_ACCEPT="text/html")
    assert api.status_code == 403
    assert api.json() == {"message": "Requests from your network are not allowed."}


def test_break_glass_ignores_admin_rows_but_not_the_environment(client, site_tree, settings):
    BlockedNetwork.objects.create(network="198.51.100.0/24")
    settings.IP_BLOCKLIST = ["203.0.113.0/24"]
    settings.IP_BLOCKLIST_BREAK_GLASS = True
    blocked_networks_cache_clear()

    assert client.get("/api/v2/pages/", REMOTE_ADDR="198.51.100.9").status_code == 200
    assert client.get("/api/v2/pages/", REMOTE_ADDR="203.0.113.9").status_code == 403
