"""Every admin write is one transaction: a change and its audit entry commit together.

Wagtail's publish saves the page (live, with its live revision) and only afterwards writes
its ``wagtail.publish`` log entry, each in its own autocommit statement; publishing is not
atomic upstream (``wagtail/actions/publish_revision.py``). A database restart between the two
left a page live with no entry in its history. Running each unsafe admin request in one
transaction (Django's ``ATOMIC_REQUESTS``, for the admin alone) makes the page, its revision,
its log entry and the events the change enqueues commit together or not at all; what runs
after commit (cache invalidation, deliveries) still waits for the commit.
https://docs.djangoproject.com/en/5.2/topics/db/transactions/#tying-transactions-to-http-requests

The read-only API is left out on purpose: its pinned query counts, and its speed, owe nothing
to a transaction per request.
"""

from django.db import transaction

ADMIN_PATH_PREFIX = "/admin/"  # cms/urls.py mounts Wagtail's admin here
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class AdminAtomicWritesMiddleware:
    """Run each unsafe request to the admin in one database transaction."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in SAFE_METHODS or not request.path.startswith(ADMIN_PATH_PREFIX):
            return self.get_response(request)
        with transaction.atomic():
            response = self.get_response(request)
            # Django turns the view's exception into a 500 response before it reaches here,
            # so the exception cannot roll back the block: the status does.
            if response.status_code >= 500:
                transaction.set_rollback(True)
            return response
