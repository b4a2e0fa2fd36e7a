"""Admin registration for the editable IP blocklist (Settings → Blocked networks)."""

import ipaddress

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, EditView, SnippetViewSet

from serving.client_ip import client_ip_from_request
from serving.models import BlockedNetwork


class BlockedNetworkForm(WagtailAdminModelForm):
    """Refuses a network that contains the saving admin's own address.

    Blocking it would lock that admin (and usually the whole office or VPN) out of the
    admin at once, with only a shell left to undo it. The address is the one the
    blocklist itself would see (``serving.client_ip``), so proxies are accounted for.
    """

    def __init__(self, *args, client_ip: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.client_ip = client_ip

    def clean_network(self):
        value = (self.cleaned_data.get("network") or "").strip()
        try:
            network = ipaddress.ip_network(value, strict=True)
            address = ipaddress.ip_address(self.client_ip) if self.client_ip else None
        except ValueError:
            return value  # the model's validator explains a malformed network
        if address is not None and address.version == network.version and address in network:
            raise forms.ValidationError(
                "%(network)s contains your own address, %(address)s: saving it would lock "
                "you out of the admin. Block a narrower range, or ask someone on another "
                "network to do it.",
                code="contains_own_address",
                params={"network": network, "address": address},
            )
        return value


class ClientAddressFormMixin:
    """Hands the requesting admin's address to ``BlockedNetworkForm``."""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["client_ip"] = client_ip_from_request(request=self.request)
        return kwargs


class BlockedNetworkCreateView(ClientAddressFormMixin, CreateView):
    pass


class BlockedNetworkEditView(ClientAddressFormMixin, EditView):
    pass


class BlockedNetworkViewSet(SnippetViewSet):
    """Listed under Settings, visible only to users granted the model's permissions."""

    model = BlockedNetwork
    icon = "lock"
    menu_label = "Blocked networks"
    add_to_settings_menu = True
    list_display = ["network", "reason", "created_at"]
    ordering = ["network"]
    add_view_class = BlockedNetworkCreateView
    edit_view_class = BlockedNetworkEditView
    edit_handler = ObjectList(
        [FieldPanel("network"), FieldPanel("reason")], base_form_class=BlockedNetworkForm
    )


register_snippet(BlockedNetworkViewSet)
