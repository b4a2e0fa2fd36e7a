"""Admin for API keys (Settings → API keys): create (the key is shown once), revoke, list."""

from django.template.response import TemplateResponse
from wagtail import hooks
from wagtail.admin.views.generic import CreateView
from wagtail.admin.viewsets.model import ModelViewSet

from api.keys import api_key_create
from api.models import ApiKey


class ApiKeyCreateView(CreateView):
    """Makes the key itself and shows it on the answer page, never stored or redirected
    through a message (which the session or a cookie would keep)."""

    def form_valid(self, form):
        api_key, key = api_key_create(name=form.cleaned_data["name"])
        self.object = api_key
        return TemplateResponse(
            self.request,
            "api/api_key_created.html",
            {"api_key": api_key, "key": key, "index_url": self.get_success_url()},
        )


class ApiKeyViewSet(ModelViewSet):
    model = ApiKey
    icon = "key"
    menu_label = "API keys"
    add_to_settings_menu = True
    add_view_class = ApiKeyCreateView
    list_display = ["name", "prefix", "created_at", "revoked", "revoked_at"]
    inspect_view_enabled = False
    form_fields = ["name"]

    def get_form_class(self, for_update=False):
        self.form_fields = ["name", "revoked"] if for_update else ["name"]
        return super().get_form_class(for_update=for_update)


@hooks.register("register_admin_viewset")
def register_api_key_viewset():
    return ApiKeyViewSet("api_keys")
