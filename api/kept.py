"""What a cold response reads that other responses read too, kept in Redis between them.

A post's detail misses the response cache after every change to it, and after a Redis
flush fifty hot URLs miss at once; most of what each of them reads is shared with the
others and changes far less often than their own tokens:

- each image with its placeholder and renditions (two queries), kept with the
  representation the API shows of it, under ``all`` and ``ep:images:<id>``: every change
  to the image, its file, focal point or renditions replaces that token
  (``api.invalidation.image_changed``);
- the newest visible posts of each category, the related posts' candidates (two
  queries), kept under ``all`` and ``ep:pages``: every page publish, unpublish, move,
  privacy change and every category edit replaces ``ep:pages``.

Both are read through ``api.fragments.stored_many_with_tokens``: one round trip for the
tokens the request has not read yet, one for the values. Without Redis they are read
from the database, as before.
"""

import contextlib

from django.db.models import QuerySet
from django.http import HttpRequest
from wagtail.models import Site

from api.fragments import stored_many_with_tokens
from api.prefetch import images_load
from api.related import related_candidates_load
from api.renditions import image_representation
from cachetags.vocabulary import TAG_ALL, tag_endpoint, tag_object


def images_kept(*, request: HttpRequest, ids: set[int]) -> dict[int, object]:
    """``api.prefetch.images_load``, kept per image; an id with no image is kept as absent."""

    def compute(missing: list[int]) -> dict[int, object | None]:
        loaded = images_load(ids=missing)
        for image in loaded.values():
            # Kept with the image. A file error (Wagtail's SourceImageIOError is one) is left
            # to where the image is shown, as without the cache.
            with contextlib.suppress(OSError):
                image_representation(image=image)
        return {pk: loaded.get(pk) for pk in missing}

    kept = stored_many_with_tokens(
        request=request,
        name="image",
        parts=[],
        tags={pk: [TAG_ALL, tag_object(endpoint="images", key=pk)] for pk in sorted(ids)},
        compute=compute,
    )
    return {pk: image for pk, image in kept.items() if image is not None}


def related_candidates_kept(
    *, request: HttpRequest, site: Site, visible_pages: QuerySet, category_ids: list[int]
) -> dict[int, list]:
    """``api.related.related_candidates_load``, kept per site and category."""
    return stored_many_with_tokens(
        request=request,
        name="related-candidates",
        parts=[str(site.pk)],
        tags={pk: [TAG_ALL, tag_endpoint(endpoint="pages")] for pk in category_ids},
        compute=lambda missing: related_candidates_load(
            category_ids=missing, visible_pages=visible_pages
        ),
    )
