"""``/api/v2/images/`` and ``/api/v2/documents/``: media in public collections."""

from django.http import Http404
from wagtail.api import APIField
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from api import filters
from api.fields import ImageAltField, ImagePartField
from api.parameters import MAX_ID
from api.renditions import PREFETCH_SPECS
from api.selectors import collections_restricted_ids
from api.views.public import PublicAPIMixin


class MediaViewSetMixin(PublicAPIMixin):
    """Images and documents: public collections only, whoever asks."""

    filter_backends = [filters.TitleFilter, filters.OrderingFilter, filters.SearchFilter]

    def default_ordering(self, queryset):
        return queryset.order_by("id")

    def get_queryset(self):
        return self.model.objects.exclude(collection__in=collections_restricted_ids()).order_by(
            "id"
        )

    def get_object(self):
        if int(self.kwargs["pk"]) > MAX_ID:
            raise Http404("not found")
        return super().get_object()

    def find_object(self, queryset, request):
        return queryset.filter(pk=self.params["id"]).first() if "id" in self.params else None


class ImagesViewSet(MediaViewSetMixin, ImagesAPIViewSet):
    """``/api/v2/images/``: images with ``alt`` and ready-made ``renditions``."""

    resource = "images"

    body_fields = [
        *ImagesAPIViewSet.body_fields,
        APIField("alt", serializer=ImageAltField()),
        APIField("focal_point", serializer=ImagePartField()),
        APIField("srcset", serializer=ImagePartField()),
        APIField("placeholder", serializer=ImagePartField()),
        APIField("renditions", serializer=ImagePartField()),
    ]
    # ``download_url`` absolute, as documents' are (Wagtail's is the storage's, relative
    # for media on local disk).
    meta_fields = [
        *(name for name in ImagesAPIViewSet.meta_fields if name != "download_url"),
        APIField("download_url", serializer=ImagePartField()),
    ]
    listing_default_fields = [
        *ImagesAPIViewSet.listing_default_fields,
        "alt",
        "srcset",
        "placeholder",
        "renditions",
    ]

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("placeholder")
            .prefetch_renditions(*PREFETCH_SPECS)
        )


class DocumentsViewSet(MediaViewSetMixin, DocumentsAPIViewSet):
    """``/api/v2/documents/``: documents in public collections."""

    resource = "documents"
