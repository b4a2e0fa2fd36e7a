"""Image renditions and placeholders: made when an image is saved, never inside a read.

Decoding an original is the expensive part of a rendition: a 40 Mpx upload takes seconds
and a few hundred MB to decode. Wagtail makes a missing rendition inside whichever request
first asks for it, so the first anonymous read of a new image (or of a new size) would
pay that, with every concurrent reader waiting behind it. Here:

- saving an image (upload, new file, new focal point) makes every rendition the API and
  the SEO object show, and the placeholder (``image_derivatives_generate``);
- reads only look renditions up (``image_renditions_stored``). A missing one is recorded
  in ``ImageRenditionRequest`` and the read answers with the original's URL instead;
  ``python manage.py image_renditions`` (or the task worker) makes the recorded ones.

Wagtail's rendition filters: https://docs.wagtail.org/en/7.4/topics/images.html
"""

import logging
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import DatabaseError
from django.dispatch import Signal
from PIL import Image as PILImage
from PIL import features
from wagtail.images.models import Filter, SourceImageIOError

from blog.models import ImagePlaceholder, ImageRenditionRequest

logger = logging.getLogger(__name__)

# name → Wagtail filter spec. ``fill`` crops keep the editor's focal point in frame
# (https://docs.wagtail.org/en/7.4/advanced_topics/images/focal_points.html);
# ``square`` zooms as close to it as 400x400 allows (``-c100``): avatars.
RENDITION_SPECS = {
    "thumbnail": "fill-400x300",
    "square": "fill-400x400-c100",
    "medium": "max-800x800",
    "large": "max-1600x1600",
    "social": "fill-1200x630|format-jpeg",  # the Open Graph / Twitter card size
}
SOCIAL_IMAGE_SPEC = RENDITION_SPECS["social"]
# Google: a logo that fits 600x60 px (https://developers.google.com/search/docs/appearance/structured-data/logo).
LOGO_SPEC = "max-600x60|format-png"

# ``srcset`` widths, bounded by the original's (``width-N`` never enlarges).
SRCSET_WIDTHS = (320, 640, 960, 1280, 1920)
# Best first; JPEG is the fallback every browser decodes. AVIF only where the installed
# Pillow encodes it (Pillow 13 wheels do).
SRCSET_FORMATS = (*(("avif",) if features.check("avif") else ()), "webp", "jpeg")

# Placeholders: a blurhash of 4x3 components (about 30 characters) from a 64 px copy.
PLACEHOLDER_SIZE = 64
PLACEHOLDER_COMPONENTS = (4, 3)
# A read does not record the same image twice within this many seconds (per process).
REQUEST_DEBOUNCE_SECONDS = 60

# Sent when renditions were made outside the image's own save (``manage.py
# image_renditions``): responses that showed the original instead are now stale.
image_renditions_ready = Signal()

_recently_requested: dict[int, float] = {}


@cache
def image_filter(spec: str) -> Filter:
    """One parsed ``Filter`` per spec for the process (Wagtail parses a string spec, with
    ``inspect.getcallargs`` per operation, on every ``get_rendition`` call)."""
    return Filter(spec=spec)


def srcset_spec(*, width: int, image_format: str) -> str:
    return f"width-{width}|format-{image_format}"


def image_srcset_widths(*, image) -> list[int]:
    """The srcset widths this image has: those up to its own width. An image narrower
    than the smallest gets that one, which keeps its own width (``width-N`` never
    enlarges), so every spec is one ``prefetch_renditions`` knows."""
    widths = [width for width in SRCSET_WIDTHS if width <= image.width]
    return widths or [SRCSET_WIDTHS[0]]


def image_srcset_specs(*, image) -> list[tuple[str, int, str]]:
    """``(spec, width, format)`` for every srcset entry, widths ascending, best format first."""
    return [
        (srcset_spec(width=width, image_format=image_format), width, image_format)
        for width in image_srcset_widths(image=image)
        for image_format in SRCSET_FORMATS
    ]


def image_rendition_specs(*, image) -> list[str]:
    """Every rendition a read may show for this image."""
    return [
        *RENDITION_SPECS.values(),
        LOGO_SPEC,
        *(spec for spec, _, _ in image_srcset_specs(image=image)),
    ]


def rendition_specs_all() -> list[str]:
    """Every spec any image may have, for ``prefetch_renditions`` on a queryset."""
    return [
        *RENDITION_SPECS.values(),
        LOGO_SPEC,
        *(
            srcset_spec(width=width, image_format=image_format)
            for width in SRCSET_WIDTHS
            for image_format in SRCSET_FORMATS
        ),
    ]


def file_format(*, name: str) -> str:
    """``jpeg``, ``png``, ``webp``, ``avif``... from a file name."""
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    return {"jpg": "jpeg", "": "jpeg"}.get(extension, extension)


def image_renditions_stored(*, image, specs: Iterable[str]) -> dict:
    """``{spec: rendition}`` for the renditions of ``image`` that exist; never makes one.

    Reads the prefetched renditions when the queryset had ``prefetch_renditions``, else
    Wagtail's rendition cache and the database. A spec with no rendition is left out and
    the image is recorded for ``manage.py image_renditions``.
    """
    specs = list(specs)
    found = image.find_existing_renditions(*(image_filter(spec) for spec in specs))
    by_spec = {rendition_filter.spec: rendition for rendition_filter, rendition in found.items()}
    if len(by_spec) < len(set(specs)):
        image_renditions_request(image_id=image.pk)
    return by_spec


def image_renditions_request(*, image_id: int) -> None:
    """Record that ``image_id`` lacks renditions a read wanted (one INSERT, at most once a
    minute per process). A database that refuses the write costs the record, not the read."""
    now = time.monotonic()
    if now - _recently_requested.get(image_id, -REQUEST_DEBOUNCE_SECONDS) < (
        REQUEST_DEBOUNCE_SECONDS
    ):
        return
    if len(_recently_requested) > 10_000:
        _recently_requested.clear()
    _recently_requested[image_id] = now
    try:
        ImageRenditionRequest.objects.bulk_create(
            [ImageRenditionRequest(image_id=image_id)], ignore_conflicts=True
        )
    except DatabaseError:
        logger.warning("could not record missing renditions of image %s", image_id)


@dataclass(frozen=True)
class ImageFile:
    """A file a reader can be sent: a rendition, or the original while it has none."""

    url: str
    width: int
    height: int
    format: str


def image_original(*, image) -> ImageFile:
    return ImageFile(
        url=image.file.url,
        width=image.width,
        height=image.height,
        format=file_format(name=image.file.name),
    )


def image_file_for(*, image, spec: str) -> ImageFile | None:
    """The rendition ``spec`` of ``image``, else its original (and the rendition is
    recorded as wanted); None when the original's file is gone too."""
    try:
        rendition = image_renditions_stored(image=image, specs=[spec]).get(spec)
        if rendition is None:
            return image_original(image=image)
        return ImageFile(
            url=rendition.url,
            width=rendition.width,
            height=rendition.height,
            format=file_format(name=rendition.file.name),
        )
    except (SourceImageIOError, FileNotFoundError):
        return None


def image_placeholder(*, image) -> ImagePlaceholder | None:
    """The image's stored placeholder (``select_related("placeholder")`` avoids a query)."""
    try:
        return image.placeholder
    except ObjectDoesNotExist:
        return None


def _placeholder_compute(*, source) -> tuple[str, str]:
    """(blurhash, ``#rrggbb`` dominant colour) of an open PIL image."""
    import blurhash  # blurhash-python; imported here: only generation needs it

    small = source.convert("RGB")
    small.thumbnail((PLACEHOLDER_SIZE, PLACEHOLDER_SIZE))
    # blurhash-python closes the image it is given: pass a copy.
    hashed = blurhash.encode(small.copy(), *PLACEHOLDER_COMPONENTS)
    # The most frequent colour of a 16-colour palette: the colour a reader sees most of.
    palette = small.quantize(colors=16)
    counts = sorted(palette.getcolors(), reverse=True)
    index = counts[0][1]
    rgb = palette.getpalette()[index * 3 : index * 3 + 3]
    return hashed, "#{:02x}{:02x}{:02x}".format(*rgb)


def image_placeholder_generate(*, image, renditions: dict) -> ImagePlaceholder | None:
    """Compute and store the placeholder from the smallest rendition (not the original)."""
    smallest = min(renditions.values(), key=lambda rendition: rendition.width, default=None)
    if smallest is None:
        return None
    with smallest.file.open("rb") as handle, PILImage.open(handle) as source:
        hashed, colour = _placeholder_compute(source=source)
    placeholder, _ = ImagePlaceholder.objects.update_or_create(
        image=image, defaults={"blurhash": hashed, "color": colour}
    )
    return placeholder


def image_derivatives_generate(*, image, notify: bool = False) -> int:
    """Make every missing rendition of ``image`` (the original is decoded once) and its
    placeholder; returns how many renditions were made. ``notify`` sends
    ``image_renditions_ready`` when any were (outside the image's own save)."""
    specs = image_rendition_specs(image=image)
    filters = [image_filter(spec) for spec in specs]
    existing = image.find_existing_renditions(*filters)
    missing = [f for f in filters if f not in existing]
    made = image.create_renditions(*missing) if missing else {}
    srcset = {spec for spec, _, _ in image_srcset_specs(image=image)}
    renditions = {
        rendition_filter.spec: rendition
        for rendition_filter, rendition in {**existing, **made}.items()
        if rendition_filter.spec in srcset
    }
    if made or image_placeholder(image=image) is None:
        image_placeholder_generate(image=image, renditions=renditions)
    ImageRenditionRequest.objects.filter(image_id=image.pk).delete()
    _recently_requested.pop(image.pk, None)
    if made and notify:
        image_renditions_ready.send(sender=type(image), instance=image)
    return len(made)


def avif_speed_install(*, speed: int) -> None:
    """Encode every AVIF Pillow writes at libavif ``speed`` unless the caller names one.

    Wagtail (through Willow) passes AVIF renditions only a quality; the encoder's speed is
    Pillow's default (6), where a 1920 px rendition takes about 400 ms of CPU.
    """
    if "avif" not in SRCSET_FORMATS:
        return
    from PIL import AvifImagePlugin

    def save(image, fp, filename):
        image.encoderinfo.setdefault("speed", speed)
        return AvifImagePlugin._save(image, fp, filename)

    PILImage.register_save(AvifImagePlugin.AvifImageFile.format, save)


def image_saved(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    """Make the renditions of a saved image now, unless ``IMAGE_RENDITIONS_ON_SAVE`` is off.

    Bookkeeping saves (Wagtail filling in ``file_hash`` or ``file_size``) are skipped. A
    missing or unreadable file is logged: the save itself always succeeds.
    """
    if raw or not settings.IMAGE_RENDITIONS_ON_SAVE:
        return
    if update_fields and set(update_fields) <= {"file_hash", "file_size"}:
        return
    try:
        image_derivatives_generate(image=instance)
    except (SourceImageIOError, OSError, ValueError):
        logger.warning("could not make renditions of image %s", instance.pk, exc_info=True)
