"""Logos and photos: checked by content, size-limited, re-encoded without EXIF or GPS, thumbnailed, described."""

import io
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image
from pytest_django.fixtures import Settings as SettingsWrapper

from manabiba.communities import services
from manabiba.communities.models import CommunityGroup, Photo
from manabiba.core import uploads

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (800, 600), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (35.0, 43.0, 30.0)
    gps[3] = "E"
    gps[4] = (139.0, 32.0, 40.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    data = out.getvalue()
    with Image.open(io.BytesIO(data)) as check:
        assert check.getexif().get_ifd(GPS_IFD), "the test image must carry GPS data"
    return data


@pytest.fixture
def media(settings: SettingsWrapper, tmp_path: object) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


def test_logo_with_gps_exif_is_stored_without_it(make_group: Callable[..., CommunityGroup], media: None) -> None:
    group = make_group()
    owner = group.memberships.get().user
    upload = SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps(), content_type="image/jpeg")
    group = services.group_update(group=group, actor=owner, logo=upload, logo_alt="会のロゴ")
    group.logo.open("rb")
    stored = group.logo.read()
    group.logo.close()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert not image.getexif().get_ifd(GPS_IFD)
        assert not image.getexif()
    assert b"PhoneMaker" not in stored
    assert "IMG_0001" not in group.logo.name


def test_photo_gets_a_thumbnail_and_needs_a_description(make_group: Callable[..., CommunityGroup], media: None) -> None:
    group = make_group()
    owner = group.memberships.get().user
    upload = SimpleUploadedFile("p.jpg", jpeg_with_gps(), content_type="image/jpeg")
    with pytest.raises(ValidationError):
        services.group_photo_add(group=group, actor=owner, photo=services.PhotoUpload(upload, "  "))
    upload.seek(0)
    services.group_photo_add(group=group, actor=owner, photo=services.PhotoUpload(upload, "練習風景"))
    photo = Photo.objects.get()
    with Image.open(photo.thumbnail.path) as thumbnail:
        assert max(thumbnail.size) <= 480
        assert not thumbnail.getexif()
    with Image.open(photo.image.path) as image:
        assert not image.getexif().get_ifd(GPS_IFD)


def test_a_file_lying_about_its_type_is_rejected(make_group: Callable[..., CommunityGroup], media: None) -> None:
    group = make_group()
    owner = group.memberships.get().user
    liar = SimpleUploadedFile("photo.jpg", b"<?php echo 'not an image'; ?>" * 10, content_type="image/jpeg")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.group_update(group=group, actor=owner, logo=liar, logo_alt="ロゴ")
    assert "not a JPEG, PNG or WebP image" in " ".join(caught.value.messages)
    group.refresh_from_db()
    assert not group.logo


def test_an_oversized_image_is_rejected_with_a_clear_message(
    make_group: Callable[..., CommunityGroup], media: None, client: Client
) -> None:
    group = make_group()
    owner = group.memberships.get().user
    big = SimpleUploadedFile(
        "big.jpg", b"\xff\xd8\xff" + b"0" * (uploads.MAX_IMAGE_BYTES + 1), content_type="image/jpeg"
    )
    client.force_login(owner)
    with translation.override("en"):
        response = client.post(
            reverse("communities:photo_add", args=[group.pk]), {"photo": big, "photo_alt": "大きな写真"}, follow=True
        )
    assert "The file is too large: it may be at most 5 MB." in response.content.decode()
    assert not Photo.objects.exists()


def test_an_image_with_too_many_pixels_is_rejected(
    make_group: Callable[..., CommunityGroup], media: None, settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 100_000)
    group = make_group()
    owner = group.memberships.get().user
    out = io.BytesIO()
    Image.new("RGB", (1000, 1000)).save(out, format="PNG")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.group_photo_add(
            group=group,
            actor=owner,
            photo=services.PhotoUpload(SimpleUploadedFile("a.png", out.getvalue()), "広い写真"),
        )
    assert "too large" in " ".join(caught.value.messages)


def test_logo_through_the_edit_page_needs_a_description(
    make_group: Callable[..., CommunityGroup], media: None, client: Client
) -> None:
    group = make_group()
    client.force_login(group.memberships.get().user)
    page = client.get(reverse("communities:edit", args=[group.pk]))
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data["categories"] = [c.pk for c in group.categories.all()]
    data["areas"] = [a.pk for a in group.areas.all()]
    data["logo"] = SimpleUploadedFile("l.jpg", jpeg_with_gps(), content_type="image/jpeg")
    data["logo_alt"] = ""
    for key in (
        "representative_public",
        "contact_name_public",
        "contact_email_public",
        "contact_phone_public",
        "recruiting",
    ):
        if not data.get(key):
            data.pop(key, None)
    with translation.override("en"):
        response = client.post(reverse("communities:edit", args=[group.pk]), data)
    assert response.status_code == 200
    assert "Describe the logo for people who cannot see it." in response.content.decode()


def test_leaflet_must_be_a_pdf_and_is_served_as_a_download(
    make_group: Callable[..., CommunityGroup], media: None, client: Client
) -> None:
    group = make_group()
    owner = group.memberships.get().user
    fake = SimpleUploadedFile("leaflet.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.group_update(group=group, actor=owner, leaflet=fake)
    assert "This file is not a PDF." in caught.value.messages
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * uploads.MAX_PDF_BYTES, content_type="application/pdf")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.group_update(group=group, actor=owner, leaflet=big)
    assert "The file is too large: it may be at most 10 MB." in caught.value.messages
    pdf = SimpleUploadedFile("<script>.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    services.group_update(group=group, actor=owner, leaflet=pdf)
    response = client.get(reverse("communities:leaflet", args=[group.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[arg-type]
