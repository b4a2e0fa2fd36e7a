"""``/api/v2/preview/?token=...``: the one way to read a draft, for one page, for minutes.

The token comes from the admin's Preview (``blog.preview``): signed, timestamped, naming
one page and the unsaved content the editor was looking at. The answer has the shape of
``/api/v2/pages/<id>/`` (``fields`` works the same) and is never cached by anyone
(``Cache-Control: private, no-store``). Errors: a missing or malformed token is 400, an
expired token 401, a forged one or one used for another page 403, and a token whose page
no longer exists 404.
"""

from django.apps import apps
from django.core import signing
from django.http import Http404
from django.urls import path
from django.utils.cache import add_never_cache_headers, patch_cache_control
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from wagtail.api.v2.utils import BadRequestError
from wagtail.models import Locale, Page, Revision

from api.parameters import PREVIEW
from api.views.pages import PagesViewSet
from blog.preview import preview_content_load, preview_token_read
from serving.throttling import PreviewRateThrottle


class PreviewTokenError(APIException):
    """A token that is expired (401) or not valid for this request (403)."""

    def __init__(self, message: str, status_code: int):
        super().__init__(message)
        self.status_code = status_code


def preview_page_load(*, payload: dict):
    """The draft the token names: the unsaved content, else the latest saved revision."""
    stored = preview_content_load(key=payload.get("key", ""))
    if stored is not None:
        model = apps.get_model(stored["content_type"])
        page = model.from_serializable_data(stored["content"], check_fks=False, strict_fks=False)
        if page.pk == (payload.get("page") or None):
            if page.locale_id is None:  # a new page previewed before its first save
                page.locale = Locale.get_default()
            return page
    if payload.get("page"):
        revision = (
            Revision.page_revisions.filter(
                object_id=str(payload["page"]), pk=payload.get("revision") or 0
            ).first()
            if payload.get("revision")
            else None
        )
        if revision is not None:
            return revision.as_object()
        page = Page.objects.filter(pk=payload["page"]).first()
        if page is not None:
            return page.specific.get_latest_revision_as_object()
    raise Http404("the previewed page no longer exists")


class PreviewViewSet(PagesViewSet):
    """The draft a preview token names, shaped like a page detail."""

    name = "preview"
    throttle_classes = [PreviewRateThrottle]
    # A draft has no detail URL, parent or alias to link to yet.
    meta_fields = [
        name
        for name in PagesViewSet.meta_fields
        if getattr(name, "name", name) not in ("detail_url", "parent", "alias_of")
    ]
    detail_only_fields = []
    from_database = False
    operation_ids = {"preview": PREVIEW}

    @classmethod
    def get_urlpatterns(cls):
        return [path("", cls.as_view({"get": "preview_view"}), name="detail")]

    @classmethod
    def get_object_detail_urlpath(cls, model, pk, namespace=""):
        return None

    def handle_exception(self, exc):
        if isinstance(exc, PreviewTokenError):
            response = Response({"message": exc.detail}, status=exc.status_code)
        else:
            response = super().handle_exception(exc)
        add_never_cache_headers(response)
        patch_cache_control(response, private=True, no_store=True)
        return response

    def preview_view(self, request):
        token = self.params.get("token")
        if not token:
            raise BadRequestError("token is required")
        try:
            payload = preview_token_read(token=token)
        except signing.SignatureExpired as e:
            raise PreviewTokenError(
                "preview token expired: press Preview again", status.HTTP_401_UNAUTHORIZED
            ) from e
        except signing.BadSignature as e:
            raise PreviewTokenError("invalid preview token", status.HTTP_403_FORBIDDEN) from e
        if "id" in self.params and self.params["id"] != payload.get("page"):
            raise PreviewTokenError(
                "this preview token covers another page", status.HTTP_403_FORBIDDEN
            )
        page = preview_page_load(payload=payload)
        response = Response(self.page_detail(page))
        response["Cache-Control"] = "private, no-store"
        return response
