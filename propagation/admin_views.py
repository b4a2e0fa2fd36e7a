"""Webhooks in the Wagtail admin (Settings → Webhooks), for superusers only: endpoints
(add with its secret shown once, choose events, send a test event, re-enable, delete) and
the delivery log (attempts, status codes, latency, next retry, redeliver)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from propagation.events import event_new
from propagation.models import WebhookDelivery, WebhookEndpoint
from propagation.url_guard import WebhookUrlRefused, webhook_url_check
from propagation.vocabulary import SUBSCRIBABLE_EVENTS, TEST_EVENT

DELIVERY_LOG_SIZE = 200


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=[(name, name) for name in SUBSCRIBABLE_EVENTS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="None checked: every event.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        try:
            webhook_url_check(url=url)
        except WebhookUrlRefused as refused:
            raise forms.ValidationError(f"This URL cannot receive webhooks: {refused}.") from None
        return url


def _superuser_only(request) -> None:
    # Webhook secrets and outbound URLs are infrastructure, not content.
    if not request.user.is_superuser:
        raise PermissionDenied


def endpoints_index(request):
    _superuser_only(request)
    return TemplateResponse(
        request,
        "propagation/endpoints.html",
        {"endpoints": WebhookEndpoint.objects.all(), "page_title": "Webhooks"},
    )


def endpoint_add(request):
    _superuser_only(request)
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        endpoint = form.save()
        # The only time the secret is shown: on this response, never stored in a message.
        return TemplateResponse(
            request,
            "propagation/secret_once.html",
            {"endpoint": endpoint, "page_title": "Webhook endpoint created"},
        )
    return TemplateResponse(
        request, "propagation/endpoint_add.html", {"form": form, "page_title": "Add a webhook"}
    )


@require_POST
def endpoint_test(request, pk: int):
    _superuser_only(request)
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    event = event_new(event_type=TEST_EVENT, data={"endpoint": endpoint.pk})
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, webhook_id=event["id"], event_type=TEST_EVENT, payload=event
    )
    _delivery_enqueue(delivery=delivery)
    messages.success(request, f"Test event sent to {endpoint.url}; see the delivery log.")
    return redirect("propagation_deliveries")


@require_POST
def endpoint_enable(request, pk: int):
    _superuser_only(request)
    WebhookEndpoint.objects.filter(pk=pk).update(
        enabled=True, consecutive_failures=0, disabled_reason=""
    )
    messages.success(request, "Endpoint enabled.")
    return redirect("propagation_endpoints")


@require_POST
def endpoint_delete(request, pk: int):
    _superuser_only(request)
    WebhookEndpoint.objects.filter(pk=pk).delete()
    messages.success(request, "Endpoint deleted with its delivery log.")
    return redirect("propagation_endpoints")


def deliveries_index(request):
    _superuser_only(request)
    deliveries = (
        WebhookDelivery.objects.select_related("endpoint")
        .prefetch_related("attempt_log")
        .order_by("-pk")[:DELIVERY_LOG_SIZE]
    )
    return TemplateResponse(
        request,
        "propagation/deliveries.html",
        {"deliveries": deliveries, "page_title": "Webhook deliveries"},
    )


@require_POST
def delivery_redeliver(request, pk: int):
    """Send a delivery again, same ``webhook-id``, whatever its state (a receiver that was
    fixed after the attempts ran out, a test)."""
    _superuser_only(request)
    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    if not delivery.endpoint.enabled:
        messages.error(request, "Enable the endpoint first.")
        return redirect("propagation_deliveries")
    WebhookDelivery.objects.filter(pk=pk).update(
        status=WebhookDelivery.Status.PENDING, next_attempt_at=None
    )
    _delivery_enqueue(delivery=delivery)
    messages.success(request, f"Redelivering {delivery.webhook_id}.")
    return redirect("propagation_deliveries")


def _delivery_enqueue(*, delivery: WebhookDelivery) -> None:
    from propagation.tasks import webhook_delivery_retry

    webhook_delivery_retry.enqueue(delivery_id=delivery.pk)
