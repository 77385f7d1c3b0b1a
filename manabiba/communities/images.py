"""Group images: checked and re-encoded by core.uploads, plus a thumbnail for lists.

core.uploads has no thumbnails yet; this makes them from the already re-encoded image, so a
thumbnail can carry no more metadata than the image it is made from.
"""

import io

from django.core.files.base import ContentFile
from PIL import Image

from manabiba.core.uploads import Upload, validate_image

THUMBNAIL_SIZE = (480, 480)


def image_checked(file: Upload) -> ContentFile[bytes]:
    """The upload re-encoded without metadata under a random name; ValidationError if it is no image."""
    return validate_image(file)


def thumbnail_of(image: ContentFile[bytes]) -> ContentFile[bytes]:
    """A JPEG at most 480 pixels on each side, for lists and galleries."""
    image.seek(0)
    with Image.open(image) as source:
        source.load()
        picture = source.convert("RGB") if source.mode not in {"RGB", "L"} else source.copy()
    picture.thumbnail(THUMBNAIL_SIZE)
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=80, optimize=True)
    stem = (image.name or "image").rsplit(".", 1)[0]
    return ContentFile(out.getvalue(), name=f"{stem}-thumb.jpg")
