"""Rendition lookups that reuse parsed filters and never re-cache prefetched renditions."""

from functools import cache

from wagtail.images.models import Filter


@cache
def image_filter(spec: str) -> Filter:
    """One parsed ``Filter`` per spec for the process (Wagtail parses a string spec, with
    ``inspect.getcallargs`` per operation, on every ``get_rendition`` call)."""
    return Filter(spec=spec)


def image_renditions(*, image, specs) -> dict:
    """``{spec: rendition}`` for ``image``, from its prefetched renditions when it has them.

    Wagtail's plural ``get_renditions`` finds prefetched renditions without writing them
    back to the renditions cache (the singular ``get_rendition`` writes one entry per call)
    and creates any that are missing.
    """
    return image.get_renditions(*(image_filter(spec) for spec in specs))
