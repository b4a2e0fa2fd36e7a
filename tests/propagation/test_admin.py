"""Webhooks in the Wagtail admin: add (secret shown once), SSRF form errors, a test event,
the delivery log and redeliver, all against the real receiver."""

import pytest

from propagation.models import WebhookDelivery, WebhookEndpoint


def test_adding_an_endpoint_shows_its_secret_once(admin_client, receiver):
    response = admin_client.post(
        "/admin/webhooks/add/",
        {"url": receiver.url, "description": "Next.js", "events": ["page.published"]},
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["page.published"]
    assert endpoint.secret in response.content.decode()
    listing = admin_client.get("/admin/webhooks/").content.decode()
    assert receiver.url in listing and "page.published" in listing
    assert endpoint.secret not in listing
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    "url",
    ["http://169.254.169.254/latest/meta-data/", "ftp://example.com/", "http://10.1.2.3/"],
)
def test_an_unsafe_url_is_a_form_error(admin_client, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    response = admin_client.post("/admin/webhooks/add/", {"url": url})
    assert response.status_code == 200
    assert "This URL cannot receive webhooks" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_send_test_event_then_redeliver_from_the_log(admin_client, receiver):
    admin_client.post("/admin/webhooks/add/", {"url": receiver.url})
    endpoint = WebhookEndpoint.objects.get()
    receiver.secret = endpoint.secret
    response = admin_client.post(f"/admin/webhooks/{endpoint.pk}/test/")
    assert response.status_code == 302
    [test] = receiver.events("webhook.test")
    assert test["data"] == {"endpoint": endpoint.pk}
    log = admin_client.get("/admin/webhooks/deliveries/").content.decode()
    assert "webhook.test" in log and "HTTP 200" in log
    delivery = WebhookDelivery.objects.get()
    admin_client.post(f"/admin/webhooks/deliveries/{delivery.pk}/redeliver/")
    assert [r.headers["webhook-id"] for r in receiver.received] == [delivery.webhook_id] * 2
    assert all(r.verified for r in receiver.received)
    assert delivery.attempt_log.count() == 2


def test_a_disabled_endpoint_is_shown_and_can_be_enabled(admin_client, receiver):
    endpoint = WebhookEndpoint.objects.create(
        url=receiver.url, enabled=False, disabled_reason="disabled after 50 failed attempts"
    )
    assert (
        "disabled after 50 failed attempts" in admin_client.get("/admin/webhooks/").content.decode()
    )
    admin_client.post(f"/admin/webhooks/{endpoint.pk}/enable/")
    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.consecutive_failures == 0


def test_only_superusers_manage_webhooks(client, django_user_model, db):
    from django.contrib.auth.models import Permission

    editor = django_user_model.objects.create_user("editor", password="pw-editor-123")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    # Wagtail answers a refused admin page with a redirect to the dashboard and a message.
    for path in ("/admin/webhooks/", "/admin/webhooks/deliveries/", "/admin/webhooks/add/"):
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, "/admin/"), path
