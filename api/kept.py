"""What a cold response reads that other responses read too, kept in Redis between them.

A post's detail misses the response cache after every change to it, and after a Redis
flush fifty hot URLs miss at once; most of what each of them reads is shared with the
others and changes far less often than their own tokens:

- the newest visible posts of each category, the related posts' candidates (two
  queries), kept under ``all`` and ``ep:pages``: every page publish, unpublish, move,
  privacy change and every category edit replaces ``ep:pages``.

It is read through ``api.fragments.stored_many_with_tokens``: one round trip for the
tokens the request has not read yet, one for the values. Without Redis they are read
from the database, as before.
"""

from django.db.models import QuerySet
from django.http import HttpRequest
from wagtail.models import Site

from api.fragments import stored_many_with_tokens
from api.related import related_candidates_load
from cachetags.vocabulary import TAG_ALL, tag_endpoint


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
