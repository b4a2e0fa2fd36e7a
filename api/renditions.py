"""Images as a frontend uses them: several ready-made sizes with width, height and alt.

Stock Wagtail gives StreamField images as bare ids and images elsewhere as a link to the
original file; a frontend then needs a second request and still has no sized copies. Here
every image carries the renditions below, loaded for a whole response at once with
``Image.objects.prefetch_renditions`` (see ``api.prefetch``).
"""

from blog.frontend import absolute_media_url
from blog.images import image_renditions
from blog.seo import SOCIAL_IMAGE_SPEC

# name → Wagtail filter spec (https://docs.wagtail.org/en/7.4/topics/images.html)
RENDITION_SPECS = {
    "thumbnail": "fill-400x300",
    "medium": "max-800x800",
    "large": "max-1600x1600",
    "social": SOCIAL_IMAGE_SPEC,  # 1200x630, the Open Graph / Twitter card size
}
# Renditions the SEO object asks for (the organisation logo); prefetched with the rest.
EXTRA_SPECS = ["max-600x60|format-png"]


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


def _image_representation(*, image) -> dict:
    by_spec = image_renditions(image=image, specs=RENDITION_SPECS.values())
    renditions = {
        name: {
            "url": absolute_media_url(url=by_spec[spec].url),
            "width": by_spec[spec].width,
            "height": by_spec[spec].height,
        }
        for name, spec in RENDITION_SPECS.items()
    }
    return {
        "id": image.pk,
        "title": image.title,
        "alt": image_alt(image=image),
        "width": image.width,
        "height": image.height,
        "renditions": renditions,
    }
