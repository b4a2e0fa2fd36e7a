"""The events a frontend can subscribe to (docs/api.md#webhooks)."""

PAGE_PUBLISHED = "page.published"
PAGE_UPDATED = "page.updated"
PAGE_UNPUBLISHED = "page.unpublished"
PAGE_DELETED = "page.deleted"
PAGE_MOVED = "page.moved"
SNIPPET_CHANGED = "snippet.changed"
CACHE_INVALIDATED = "cache.invalidated"
TEST_EVENT = "webhook.test"

EVENT_TYPES = (
    PAGE_PUBLISHED,
    PAGE_UPDATED,
    PAGE_UNPUBLISHED,
    PAGE_DELETED,
    PAGE_MOVED,
    SNIPPET_CHANGED,
    CACHE_INVALIDATED,
    TEST_EVENT,
)
# What an endpoint may choose (the test event goes to the endpoint it is sent to).
SUBSCRIBABLE_EVENTS = EVENT_TYPES[:-1]


def event_types_parse(*, raw: str) -> list[str]:
    """``"page.published, cache.invalidated"`` → a list; unknown names raise ``ValueError``."""
    names = [name.strip() for name in raw.split(",") if name.strip()]
    unknown = [name for name in names if name not in SUBSCRIBABLE_EVENTS]
    if unknown:
        raise ValueError(
            f"unknown event(s) {', '.join(unknown)}; choose from {', '.join(SUBSCRIBABLE_EVENTS)}"
        )
    return names
