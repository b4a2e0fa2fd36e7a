"""Images as a frontend uses them: a ``srcset``, named crops, a placeholder, width, height, alt.

Stock Wagtail gives StreamField images as bare ids and images elsewhere as a link to the
original file; a frontend then needs a second request and still has no sized copies. Here
every image carries:

- ``srcset``: ``[{url, width, height, format}]`` at 320/640/960/1280/1920 px wide (up to
  the original's width) in AVIF (where Pillow encodes it), WebP and JPEG;
- ``renditions``: named crops (``thumbnail``, ``square`` for avatars, ``medium``,
  ``large``, ``social``), which keep the editor's focal point in frame;
- ``placeholder``: a blurhash and the dominant colour, painted while the image loads.

A card (a related post; a listing card by default) shows the image at one place in a
layout: ``CARD_IMAGE_KEYS`` is what it renders, without the crops, original and focal point
that only an image's own page uses (``image_card_representation``).

Renditions are loaded for a whole response at once (``prefetch_renditions``, see
``api.prefetch``) and never made during a read (``blog.images``): until one exists, its
entry points at the original.
"""

from blog.frontend import absolute_media_url
from blog.images import (
    RENDITION_SPECS,
    SRCSET_WIDTHS,
    ImageFile,
    image_original,
    image_placeholder,
    image_rendition_specs,
    image_renditions_stored,
    image_srcset_specs,
    rendition_specs_all,
)

__all__ = [
    "CARD_IMAGE_KEYS",
    "PREFETCH_SPECS",
    "RENDITION_SPECS",
    "SRCSET_WIDTHS",
    "image_alt",
    "image_card_representation",
    "image_representation",
    "srcset_widths_keep",
]

# What a card renders of its image: a <picture> with its srcset, sized, painted while it loads.
CARD_IMAGE_KEYS = ("id", "alt", "width", "height", "srcset", "placeholder")
# Every spec an image's representation (and the SEO object's logo) may read.
PREFETCH_SPECS = rendition_specs_all()


def image_alt(*, image) -> str:
    return image.default_alt_text or image.title


def image_representation(*, image, alt: str | None = None) -> dict:
    """An image with its renditions; ``alt`` overrides the image's own alt text.

    Kept on the image object: a response loads each image once (``api.prefetch``) and may
    show it many times (an author's avatar on each of their posts).
    """
    cached = getattr(image, "_api_representation", None)
    if cached is None:
        cached = image._api_representation = _image_representation(image=image)
    return {**cached, "alt": alt} if alt else cached


def image_card_representation(*, image) -> dict:
    """An image as a card shows it: ``CARD_IMAGE_KEYS`` of its representation."""
    data = image_representation(image=image)
    return {key: data[key] for key in CARD_IMAGE_KEYS}


def srcset_widths_keep(*, srcset: list[dict], widths: list[int]) -> list[dict]:
    """The entries of ``srcset`` at these widths (``fields=featured_image(srcset(320,640))``:
    a card needs its slot's widths, not the 1920 px hero's). An image with none of them (one
    narrower than 320 px, or showing its original until its renditions exist) keeps its
    narrowest entries, so a srcset is never empty."""
    kept = [entry for entry in srcset if entry["width"] in widths]
    if kept:
        return kept
    narrowest = min(entry["width"] for entry in srcset)
    return [entry for entry in srcset if entry["width"] == narrowest]


def _file(file: ImageFile) -> dict:
    return {"url": absolute_media_url(url=file.url), "width": file.width, "height": file.height}


def image_focal_point(*, image) -> dict | None:
    """The editor's focal point in original pixels: ``{x, y, width, height}`` (centre)."""
    if not image.has_focal_point():
        return None
    return {
        "x": image.focal_point_x,
        "y": image.focal_point_y,
        "width": image.focal_point_width,
        "height": image.focal_point_height,
    }


def _image_representation(*, image) -> dict:
    stored = image_renditions_stored(image=image, specs=image_rendition_specs(image=image))
    original = image_original(image=image)
    renditions = {
        name: _file(stored[spec]) if spec in stored else _file(original)
        for name, spec in RENDITION_SPECS.items()
    }
    srcset = [
        {
            "url": absolute_media_url(url=stored[spec].url),
            "width": stored[spec].width,
            "height": stored[spec].height,
            "format": image_format,
        }
        for spec, _, image_format in image_srcset_specs(image=image)
        if spec in stored
    ] or [{**_file(original), "format": original.format}]
    placeholder = image_placeholder(image=image)
    return {
        "id": image.pk,
        "title": image.title,
        "alt": image_alt(image=image),
        "width": image.width,
        "height": image.height,
        "download_url": absolute_media_url(url=original.url),
        "focal_point": image_focal_point(image=image),
        "srcset": srcset,
        "placeholder": {"blurhash": placeholder.blurhash, "color": placeholder.color}
        if placeholder is not None
        else None,
        "renditions": renditions,
    }
