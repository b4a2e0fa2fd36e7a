"""Settings → Webhooks in the Wagtail admin (``propagation.admin_views``)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from propagation import admin_views


@hooks.register("register_admin_urls")
def register_webhook_urls():
    return [
        path("webhooks/", admin_views.endpoints_index, name="propagation_endpoints"),
        path("webhooks/add/", admin_views.endpoint_add, name="propagation_endpoint_add"),
        path(
            "webhooks/<int:pk>/test/", admin_views.endpoint_test, name="propagation_endpoint_test"
        ),
        path(
            "webhooks/<int:pk>/enable/",
            admin_views.endpoint_enable,
            name="propagation_endpoint_enable",
        ),
        path(
            "webhooks/<int:pk>/delete/",
            admin_views.endpoint_delete,
            name="propagation_endpoint_delete",
        ),
        path("webhooks/deliveries/", admin_views.deliveries_index, name="propagation_deliveries"),
        path(
            "webhooks/deliveries/<int:pk>/redeliver/",
            admin_views.delivery_redeliver,
            name="propagation_delivery_redeliver",
        ),
    ]


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def register_webhooks_menu_item():
    return SuperuserMenuItem("Webhooks", reverse("propagation_endpoints"), icon_name="link")
