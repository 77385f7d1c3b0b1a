"""Uploaded images are really images and carry no location; flyers are really PDFs."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import override
from PIL import ExifTags, Image

from manabiba.core.uploads import MAX_IMAGE_BYTES, MAX_PDF_BYTES, validate_image, validate_pdf


def photo_with_gps(image_format: str = "JPEG", size: tuple[int, int] = (64, 48)) -> bytes:
    """A photo as a phone takes it: camera make and the place it was taken in its EXIF."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestPhone"
    exif[ExifTags.Base.Orientation] = 1
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (35.0, 43.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (139.0, 32.0, 10.0)
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, format=image_format, exif=exif)
    return out.getvalue()


def test_the_photo_used_in_these_tests_really_carries_gps() -> None:
    with Image.open(io.BytesIO(photo_with_gps())) as image:
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"


@pytest.mark.parametrize(("image_format", "extension"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_an_image_is_re_encoded_without_its_exif_and_renamed(image_format: str, extension: str) -> None:
    upload = SimpleUploadedFile("自宅の前で.jpg", photo_with_gps(image_format), content_type="image/jpeg")
    clean = validate_image(upload)
    assert clean.name is not None
    assert clean.name.endswith(f".{extension}")
    assert "自宅" not in clean.name
    data = clean.read()
    assert b"TestPhone" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == image_format
        assert image.size == (64, 48)
        exif = image.getexif()
        assert ExifTags.IFD.GPSInfo not in exif
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo)


def test_a_photo_taken_sideways_is_turned_upright_before_its_exif_goes() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # turn 90° clockwise to show
    out = io.BytesIO()
    Image.new("RGB", (60, 20), "white").save(out, format="JPEG", exif=exif)
    clean = validate_image(SimpleUploadedFile("x.jpg", out.getvalue()))
    with Image.open(clean) as image:
        assert image.size == (20, 60)


def test_a_text_file_named_jpg_is_refused() -> None:
    upload = SimpleUploadedFile("photo.jpg", b"this is not an image at all", content_type="image/jpeg")
    with override("en"), pytest.raises(ValidationError) as refused:
        validate_image(upload)
    assert refused.value.code == "not_an_image"
    assert "JPEG, PNG or WebP" in refused.value.messages[0]


def test_an_image_in_another_format_is_refused() -> None:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    with pytest.raises(ValidationError) as refused:
        validate_image(SimpleUploadedFile("anim.jpg", out.getvalue()))
    assert refused.value.code == "not_an_image"


def test_an_image_over_twenty_megapixels_is_refused() -> None:
    out = io.BytesIO()
    Image.new("1", (5000, 4001)).save(out, format="PNG")
    assert len(out.getvalue()) < MAX_IMAGE_BYTES  # the bytes are small; the pixels are not
    with pytest.raises(ValidationError) as refused:
        validate_image(SimpleUploadedFile("huge.png", out.getvalue()))
    assert refused.value.code == "too_many_pixels"
    assert "20" in refused.value.messages[0]


def test_an_image_file_over_five_megabytes_is_refused() -> None:
    upload = SimpleUploadedFile("big.jpg", photo_with_gps() + b"\0" * MAX_IMAGE_BYTES)
    with pytest.raises(ValidationError) as refused:
        validate_image(upload)
    assert refused.value.code == "too_large"
    assert "5 MB" in refused.value.messages[0]


def test_a_pdf_is_accepted_under_a_new_name() -> None:
    clean = validate_pdf(SimpleUploadedFile("チラシ.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"))
    assert clean.name is not None
    assert clean.name.endswith(".pdf")
    assert clean.read().startswith(b"%PDF-1.7")


def test_a_file_named_pdf_that_is_not_one_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        validate_pdf(SimpleUploadedFile("flyer.pdf", b"<html>not a pdf</html>", content_type="application/pdf"))
    assert refused.value.code == "not_a_pdf"


def test_a_pdf_over_ten_megabytes_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        validate_pdf(SimpleUploadedFile("flyer.pdf", b"%PDF-1.4\n" + b"0" * MAX_PDF_BYTES))
    assert refused.value.code == "too_large"
    assert "10 MB" in refused.value.messages[0]
