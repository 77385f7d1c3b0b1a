"""Checking what people upload: images are re-encoded, PDFs must be PDFs.

The name and the declared type of an upload say nothing about its content, so both are
ignored: an image is decoded by Pillow and written again, which also drops its metadata
(a phone photo's EXIF carries where it was taken), and the stored name is a fresh random one.
"""

import io
import uuid
import warnings
from typing import TypeAlias

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 20_000_000
MAX_PDF_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"

# Pillow's format name -> the extension the stored file gets.
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# What a re-encoded image keeps of what Pillow read: how to show its colours, nothing about who or where.
KEPT_INFO = ("icc_profile", "transparency")

Upload: TypeAlias = UploadedFile | ContentFile[bytes] | io.BytesIO


def _size_of(file: Upload) -> int:
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    position = file.tell()
    file.seek(0, io.SEEK_END)
    end = file.tell()
    file.seek(position)
    return end


def _too_large(limit: int) -> ValidationError:
    megabytes = limit // (1024 * 1024)
    return ValidationError(
        _("The file is too large: it may be at most %(mb)d MB.") % {"mb": megabytes}, code="too_large"
    )


def _safe_name(extension: str) -> str:
    return f"{uuid.uuid4().hex}.{extension}"


def validate_image(file: Upload) -> ContentFile[bytes]:
    """A JPEG, PNG or WebP image, re-encoded without its metadata, under a random name."""
    if _size_of(file) > MAX_IMAGE_BYTES:
        raise _too_large(MAX_IMAGE_BYTES)
    not_an_image = ValidationError(_("This file is not a JPEG, PNG or WebP image."), code="not_an_image")
    file.seek(0)
    try:
        # Pillow warns, then refuses, past its own pixel limit; both mean "too big" here.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as probe:
                image_format = probe.format
                width, height = probe.size
                if image_format not in IMAGE_FORMATS:
                    raise not_an_image
                if width * height > MAX_IMAGE_PIXELS:
                    raise _too_many_pixels()
                probe.verify()
            file.seek(0)
            with Image.open(file) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise _too_many_pixels() from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise not_an_image from error
    assert image_format is not None
    return ContentFile(_encode(upright, image_format), name=_safe_name(IMAGE_FORMATS[image_format]))


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _("The image is too large: it may have at most %(megapixels)d million pixels.")
        % {"megapixels": MAX_IMAGE_PIXELS // 1_000_000},
        code="too_many_pixels",
    )


def _encode(image: Image.Image, image_format: str) -> bytes:
    """Write the pixels again and nothing else: no EXIF, no GPS, no comments, no text chunks."""
    # Pillow carries metadata it read (EXIF, XMP, comments) in ``info`` and may write it again.
    image.info = {key: image.info[key] for key in KEPT_INFO if key in image.info}
    out = io.BytesIO()
    if image_format == "JPEG":
        if image.mode not in {"RGB", "L", "CMYK"}:
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=85, optimize=True)
    elif image_format == "PNG":
        image.save(out, format="PNG", optimize=True)
    else:
        image.save(out, format="WEBP", quality=85)
    return out.getvalue()


def validate_pdf(file: Upload) -> ContentFile[bytes]:
    """A file that starts as a PDF does, under a random name."""
    if _size_of(file) > MAX_PDF_BYTES:
        raise _too_large(MAX_PDF_BYTES)
    file.seek(0)
    content = file.read()
    if not content.startswith(PDF_MAGIC):
        raise ValidationError(_("This file is not a PDF."), code="not_a_pdf")
    return ContentFile(content, name=_safe_name("pdf"))
