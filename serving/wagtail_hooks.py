"""Admin registration for the editable IP blocklist (Settings → Blocked networks)."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from serving.models import BlockedNetwork


class BlockedNetworkViewSet(SnippetViewSet):
    """Listed under Settings, visible only to users granted the model's permissions."""

    model = BlockedNetwork
    icon = "lock"
    menu_label = "Blocked networks"
    add_to_settings_menu = True
    list_display = ["network", "reason", "created_at"]
    ordering = ["network"]


register_snippet(BlockedNetworkViewSet)
