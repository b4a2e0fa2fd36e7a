"""Optional read-replica routing for anonymous API reads (``DATABASE_REPLICA_URL``).

A router cannot see the request, so the response-cache middleware marks the anonymous
API reads it forwards to the views with a context variable; only those read from the
``replica`` alias. Writes, the admin, previews and everything else use the primary.
https://docs.djangoproject.com/en/5.2/topics/db/multi-db/#automatic-database-routing
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA_ALIAS = "replica"
_reading_from_replica: ContextVar[bool] = ContextVar("api_read_from_replica", default=False)


def api_read_replica_available() -> bool:
    return REPLICA_ALIAS in settings.DATABASES


def api_reading_from_replica() -> bool:
    """Whether reads in this context go to the replica."""
    return _reading_from_replica.get() and api_read_replica_available()


@contextmanager
def api_read_replica_routing() -> Iterator[None]:
    """Within this block, reads are routed to the replica (when one is configured)."""
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


class ApiReadReplicaRouter:
    """Reads inside ``api_read_replica_routing()`` go to the replica; the rest to default."""

    def db_for_read(self, model, **hints):
        if api_reading_from_replica():
            return REPLICA_ALIAS
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data (the replica mirrors the primary).
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA_ALIAS
