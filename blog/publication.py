"""Live pages are real publications: each has a live revision and a first history entry.

Wagtail decides what a scheduled update does from ``live_revision``: a page published
through ``save_revision().publish()`` keeps serving that revision until the scheduled one
goes live. A page made ``live=True`` directly (a bulk import, an old seeding script)
has no live revision, so scheduling an update to it takes it offline at once: Wagtail
believes nothing is published yet. Its history also starts nowhere.

``live_revisions_ensure`` turns such pages into real publications without changing what
readers see: a revision of the page as it is now becomes its live (and, if it has none,
latest) revision, and the "created" and "published" history entries it lacks are
written. It works in bulk, so ``seed_demo`` uses it for thousands of posts and
``manage.py repair_live_revisions`` for whatever an import left behind.
https://docs.wagtail.org/en/7.4/reference/models.html#wagtail.models.RevisionMixin.save_revision
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, Revision

# The history a page published in the admin starts with.
FIRST_ENTRIES = ("wagtail.create", "wagtail.publish")


def pages_live_without_revision():
    """Live pages Wagtail would treat as never published (no ``live_revision``).

    The tree's root (depth 1) is not a page anyone publishes.
    """
    return Page.objects.live().filter(live_revision__isnull=True, depth__gt=1).order_by("path")


def live_revisions_ensure(*, pages: list) -> int:
    """Give each live page of ``pages`` (specific instances) a live revision; return how many.

    Pages that already have one are left alone, so running it twice changes nothing.
    """
    pages = [page for page in pages if page.live and page.live_revision_id is None]
    if not pages:
        return 0
    now = timezone.now()
    base_type = ContentType.objects.get_for_model(Page)
    with transaction.atomic():
        logged = set(
            PageLogEntry.objects.filter(
                page__in=[p.pk for p in pages], action__in=FIRST_ENTRIES
            ).values_list("page_id", "action")
        )
        revisions = Revision.objects.bulk_create(
            [
                Revision(
                    content_type_id=page.content_type_id,
                    base_content_type=base_type,
                    object_id=str(page.pk),
                    created_at=page.last_published_at or page.first_published_at or now,
                    object_str=str(page),
                    content=page.serializable_data(),
                )
                for page in pages
            ]
        )
        for page, revision in zip(pages, revisions, strict=True):
            page.live_revision = revision
            if page.latest_revision_id is None:
                page.latest_revision = revision
            page.first_published_at = page.first_published_at or revision.created_at
            page.last_published_at = page.last_published_at or revision.created_at
        Page.objects.bulk_update(
            pages,
            ["live_revision", "latest_revision", "first_published_at", "last_published_at"],
        )
        entries = []
        for page, revision in zip(pages, revisions, strict=True):
            for action in FIRST_ENTRIES:
                if (page.pk, action) in logged:
                    continue  # ``Page.save`` logs the creation of a new page itself
                entries.append(
                    PageLogEntry(
                        page_id=page.pk,
                        content_type_id=page.content_type_id,
                        label=page.get_admin_display_title(),
                        action=action,
                        timestamp=now,  # when the CMS recorded it; the revision keeps the date
                        revision=revision if action == "wagtail.publish" else None,
                        content_changed=True,
                        data={"revision": {"id": revision.pk, "has_live_version": True}}
                        if action == "wagtail.publish"
                        else {},
                    )
                )
        PageLogEntry.objects.bulk_create(entries)
    return len(pages)


def live_revisions_repair(*, batch: int = 500) -> int:
    """``live_revisions_ensure`` over every live page without a live revision, in batches."""
    repaired = 0
    while pages := list(pages_live_without_revision().specific()[:batch]):
        done = live_revisions_ensure(pages=pages)
        if not done:
            break
        repaired += done
    return repaired
