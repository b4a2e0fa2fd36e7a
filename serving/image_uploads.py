"""Image uploads bounded in pixels, every frame counted, and never a 500.

Wagtail checks ``WAGTAILIMAGES_MAX_IMAGE_PIXELS`` against width x height x frames, but
Willow's Pillow plugin reports one frame for every animation, so a 25-frame GIF of
4 Mpx a frame (100 Mpx to decode) passed a 40 Mpx limit. And Pillow refuses to open an
image of more than twice its own ``MAX_IMAGE_PIXELS`` by raising
``DecompressionBombError`` from inside Wagtail's pixel check, which nothing caught: a
48 KB PNG of 20000x20000 gave a 500. Here the pixels are counted from the file's headers
with Pillow (``n_frames`` reads each frame's header without decoding it), and a bomb is
the same form error as any other image that is too large.

``WAGTAILIMAGES_IMAGE_FORM_BASE`` names ``BoundedImageForm``, so the single upload,
the multiple uploader and the chooser's upload all use the field. ``ServingConfig.ready``
sets Pillow's own limit to the same number, so nothing else decodes a larger image.
https://docs.wagtail.org/en/7.4/reference/settings.html#wagtailimages-image-form-base
https://pillow.readthedocs.io/en/stable/reference/Image.html#PIL.Image.open
"""

import warnings

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm


def image_pixels_count(*, file) -> int | None:
    """Width x height x frames from the file's headers; None for a decompression bomb
    (more than twice Pillow's ``MAX_IMAGE_PIXELS`` in one frame)."""
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # Between one and two times Pillow's limit it only warns; counted below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                return image.width * image.height * getattr(image, "n_frames", 1)
    except Image.DecompressionBombError:
        return None
    finally:
        file.seek(0)


class BoundedImageField(WagtailImageField):
    """Wagtail's image field with every frame counted and bombs refused as form errors."""

    def check_image_pixel_size(self, f):
        if self.max_image_pixels is None:
            return
        try:
            pixels = image_pixels_count(file=f)
        except (UnidentifiedImageError, OSError, ValueError) as error:
            raise ValidationError(
                self.error_messages["invalid_image"], code="invalid_image"
            ) from error
        if pixels is None or pixels > self.max_image_pixels:
            raise ValidationError(
                self.error_messages["file_too_many_pixels"]
                % {
                    "num_pixels": "more than twice that" if pixels is None else pixels,
                    "max_pixels_count": self.max_image_pixels,
                },
                code="file_too_many_pixels",
            )


class BoundedImageForm(BaseImageForm):
    """``WAGTAILIMAGES_IMAGE_FORM_BASE``: Wagtail's image form with the bounded field.

    The field is made per form, as Wagtail makes its own, so it reads the upload limits
    from the settings of the moment (a declared field would freeze them at import).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.fields.get("file")
        if current is not None and not isinstance(current, BoundedImageField):
            bounded = BoundedImageField(
                label=current.label, required=current.required, help_text=current.help_text
            )
            bounded.widget.attrs.update(current.widget.attrs)
            self.fields["file"] = bounded
