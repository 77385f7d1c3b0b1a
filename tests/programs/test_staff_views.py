"""The staff programme pages as people use them: writing, reviewing, publishing, cancelling."""

import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import ExifTags, Image
from pytest_django.fixtures import Settings as SettingsWrapper

from manabiba.accounts.factories import DepartmentFactory
from manabiba.accounts.models import Department, User
from manabiba.accounts.roles import Role
from manabiba.facilities.factories import FacilityFactory, RoomFactory
from manabiba.programs.factories import CategoryFactory, OrganizerFactory, ProgramFactory
from manabiba.programs.models import Organizer, Program

pytestmark = pytest.mark.django_db

NEXT_MONTH = timezone.localdate() + timedelta(days=30)


@pytest.fixture(autouse=True)
def media_root(settings: SettingsWrapper, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    # English pages, so that what is asserted does not change as the Japanese catalogue grows.
    settings.LANGUAGE_CODE = "en"
    return tmp_path


@pytest.fixture
def department() -> Department:
    return DepartmentFactory(name="社会教育課")


@pytest.fixture
def department_staff(make_persona: Any, department: Department) -> User:
    return make_persona(Role.DEPARTMENT_STAFF, department=department, full_name="社教 職員")


@pytest.fixture
def group_organiser(make_persona: Any) -> User:
    return make_persona(Role.GROUP_ORGANISER, full_name="ひばり 会長", email="hibari@example.jp")


def form_data(*dates: tuple[date, str, str], **fields: Any) -> dict[str, Any]:
    """A filled-in programme form: the fields a person must give, the dates as rows."""
    rows = dates or ((NEXT_MONTH, "10:00", "12:00"),)
    data: dict[str, Any] = {
        "title": "はじめてのスマホ教室",
        "kind": Program.Kind.COURSE,
        "summary": "スマートフォンの基本を学びます。",
        "description": "## 内容\n\n- 電話のかけ方\n- 写真の撮り方",
        "venue_name": "田無公民館",
        "fee": Program.Fee.FREE,
        "application": Program.Application.NONE,
        "sessions-TOTAL_FORMS": str(len(rows)),
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "1",
        "sessions-MAX_NUM_FORMS": "200",
    }
    for n, (day, starts, ends) in enumerate(rows):
        data[f"sessions-{n}-date"] = day.isoformat()
        data[f"sessions-{n}-starts"] = starts
        data[f"sessions-{n}-ends"] = ends
    data.update(fields)
    return data


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (35.0, 43.0, 30.0)
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def page_of(response: Any) -> str:
    return str(response.content.decode())


# --- Department staff publish their own ------------------------------------------------------


def test_department_staff_write_and_publish_their_own_programme(
    client: Client, department_staff: User, department: Department
) -> None:
    client.force_login(department_staff)
    form = page_of(client.get("/staff/programs/new/"))
    assert "社会教育課" in form  # the organiser they will write as
    assert 'name="organizer"' not in form
    response = client.post("/staff/programs/new/", form_data(), follow=True)
    program = Program.objects.get()
    assert response.redirect_chain[-1][0] == f"/staff/programs/{program.pk}/"
    assert "Saved as a draft." in page_of(response)
    assert program.status == Program.Status.DRAFT
    assert program.created_by == department_staff
    assert (program.organizer.kind, program.organizer.department) == (Organizer.Kind.DEPARTMENT, department)
    assert program.first_starts_at is not None
    assert program.sessions.get().local_date == NEXT_MONTH
    assert "<li>電話のかけ方</li>" in page_of(response)  # the description, rendered
    assert "/submit/" not in page_of(response)  # nothing to wait for
    client.post(f"/staff/programs/{program.pk}/publish/")
    assert Program.objects.get(pk=program.pk).status == Program.Status.PUBLISHED


def test_department_staff_list_their_departments_programmes_only(
    client: Client, department_staff: User, department: Department
) -> None:
    ours = ProgramFactory(title="うちの講座", organizer=OrganizerFactory(department=department, name=department.name))
    ProgramFactory(title="よその講座")
    client.force_login(department_staff)
    page = page_of(client.get("/staff/programs/"))
    assert ours.title in page
    assert "よその講座" not in page
    assert "Waiting for review" not in page


# --- Groups and citizens submit; the coordinator reviews ----------------------------------------


def test_a_group_submission_is_returned_with_a_reason_then_resubmitted_and_published(
    client: Client, group_organiser: User, coordinator: User
) -> None:
    client.force_login(group_organiser)
    client.post("/staff/programs/new/", form_data(title="ひばりが丘 朗読会"))
    program = Program.objects.get()
    assert (program.organizer.kind, program.organizer.name) == (Organizer.Kind.CITIZEN, "ひばり 会長")
    detail = page_of(client.get(f"/staff/programs/{program.pk}/"))
    assert f"/staff/programs/{program.pk}/submit/" in detail
    assert f"/staff/programs/{program.pk}/publish/" not in detail
    assert client.post(f"/staff/programs/{program.pk}/publish/").status_code == 403
    client.post(f"/staff/programs/{program.pk}/submit/")
    assert Program.objects.get(pk=program.pk).status == Program.Status.SUBMITTED

    client.force_login(coordinator)
    queue = page_of(client.get("/staff/programs/"))  # the coordinator's daily work comes first
    assert "ひばりが丘 朗読会" in queue
    assert "(1)" in queue
    empty_reason = client.post(f"/staff/programs/{program.pk}/return/", {"reason": " "}, follow=True)
    assert "Say what needs to change." in page_of(empty_reason)
    assert Program.objects.get(pk=program.pk).status == Program.Status.SUBMITTED
    client.post(f"/staff/programs/{program.pk}/return/", {"reason": "申込方法を書いてください。"})
    assert Program.objects.get(pk=program.pk).status == Program.Status.DRAFT
    assert "ひばりが丘 朗読会" not in page_of(client.get("/staff/programs/?tab=review"))

    client.force_login(group_organiser)
    assert "申込方法を書いてください。" in page_of(client.get(f"/staff/programs/{program.pk}/"))
    edit = form_data(
        title="ひばりが丘 朗読会",
        application=Program.Application.PHONE,
        application_note="電話で受け付けます",
        **{"sessions-INITIAL_FORMS": "1"},
    )
    client.post(f"/staff/programs/{program.pk}/edit/", edit)
    client.post(f"/staff/programs/{program.pk}/submit/")
    program.refresh_from_db()
    assert (program.status, program.application, program.status_reason) == (
        Program.Status.SUBMITTED,
        Program.Application.PHONE,
        "",
    )

    client.force_login(coordinator)
    client.post(f"/staff/programs/{program.pk}/publish/")
    assert Program.objects.get(pk=program.pk).status == Program.Status.PUBLISHED
    assert "Nothing is waiting for review." in page_of(client.get("/staff/programs/"))


def test_a_group_organiser_lists_only_what_they_wrote(client: Client, group_organiser: User, make_persona: Any) -> None:
    ProgramFactory(title="自分の講座", created_by=group_organiser)
    ProgramFactory(title="他人の講座", created_by=make_persona(Role.GROUP_ORGANISER, email="b@example.jp"))
    client.force_login(group_organiser)
    page = page_of(client.get("/staff/programs/"))
    assert "自分の講座" in page
    assert "他人の講座" not in page


def test_a_writer_without_a_name_is_asked_to_add_it_first(client: Client, make_persona: Any) -> None:
    client.force_login(make_persona(Role.TALENT, full_name=""))
    response = client.get("/staff/programs/new/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/edit/"


def test_the_coordinator_chooses_any_organiser(client: Client, coordinator: User) -> None:
    center = OrganizerFactory(center=True, name="ゆめこらぼ")
    client.force_login(coordinator)
    missing = page_of(client.post("/staff/programs/new/", form_data()))
    assert 'href="#id_organizer"' in missing
    assert not Program.objects.exists()
    client.post("/staff/programs/new/", form_data(organizer=center.pk))
    assert Program.objects.get().organizer == center


# --- Cancelling -----------------------------------------------------------------------------------


def test_cancelling_needs_a_reason_and_shows_it(client: Client, department_staff: User, department: Department) -> None:
    program = ProgramFactory(published=True, organizer=OrganizerFactory(department=department, name=department.name))
    client.force_login(department_staff)
    refused = client.post(f"/staff/programs/{program.pk}/cancel/", {"reason": ""}, follow=True)
    assert "residents will see it" in page_of(refused)
    assert Program.objects.get(pk=program.pk).status == Program.Status.PUBLISHED
    done = client.post(f"/staff/programs/{program.pk}/cancel/", {"reason": "台風接近のため中止します。"}, follow=True)
    assert Program.objects.get(pk=program.pk).status == Program.Status.CANCELLED
    assert "台風接近のため中止します。" in page_of(done)


# --- The form: errors, no partial write, dates -----------------------------------------------------


def test_errors_are_listed_in_the_summary_and_nothing_is_written(client: Client, department_staff: User) -> None:
    facility = FacilityFactory(name="柳沢公民館")
    other_room = RoomFactory(facility=FacilityFactory(name="保谷公民館"), name="和室")
    client.force_login(department_staff)
    data = form_data(
        (NEXT_MONTH, "14:00", "13:00"),
        title="",
        facility=facility.pk,
        room=other_room.pk,
        fee=Program.Fee.PAID,
        capacity="10",
        min_participants="20",
        application=Program.Application.EXTERNAL,
    )
    response = client.post("/staff/programs/new/", data)
    page = page_of(response)
    assert response.status_code == 200
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    for anchor in ("#id_title", "#id_room", "#id_fee_amount", "#id_application_url", "#id_sessions-0-ends"):
        assert f'href="{anchor}"' in summary, anchor
    assert 'href="#id_min_participants"' in summary
    assert "programs_program_min_within_capacity" not in summary
    assert not Program.objects.exists()
    assert not Organizer.objects.exists()
    assert 'value="柳沢公民館"' not in page  # the facility is a choice, kept selected
    assert f'<option value="{facility.pk}" selected>' in page


def test_at_least_one_date_is_needed(client: Client, department_staff: User) -> None:
    client.force_login(department_staff)
    data = form_data(**{"sessions-0-date": "", "sessions-0-starts": "", "sessions-0-ends": ""})
    page = page_of(client.post("/staff/programs/new/", data))
    # The error of the dates as a whole links to the first date, where the reader puts it right.
    assert 'href="#id_sessions-0-date"' in page
    assert not Program.objects.exists()


def test_more_dates_adds_an_empty_row_without_saving_or_complaining(client: Client, department_staff: User) -> None:
    client.force_login(department_staff)
    response = client.post("/staff/programs/new/", form_data(title="", more_dates="1"))
    page = page_of(response)
    assert 'name="sessions-1-date"' in page
    assert f'value="{NEXT_MONTH.isoformat()}"' in page  # the first row as typed
    assert 'name="sessions-TOTAL_FORMS" value="2"' in page
    assert "error-summary" not in page
    assert 'aria-invalid="true"' not in page
    assert not Program.objects.exists()
    second = NEXT_MONTH + timedelta(days=7)
    data = form_data((NEXT_MONTH, "10:00", "12:00"), (second, "10:00", "12:00"), (NEXT_MONTH, "", ""))
    data["sessions-2-date"] = ""
    client.post("/staff/programs/new/", data)
    program = Program.objects.get()
    assert [s.local_date for s in program.sessions.all()] == [NEXT_MONTH, second]


def test_editing_dates_moves_the_programme_in_the_calendar(
    client: Client, department_staff: User, department: Department
) -> None:
    program = ProgramFactory(course=True, organizer=OrganizerFactory(department=department, name=department.name))
    client.force_login(department_staff)
    form = page_of(client.get(f"/staff/programs/{program.pk}/edit/"))
    assert 'name="sessions-TOTAL_FORMS" value="4"' in form
    later = NEXT_MONTH + timedelta(days=60)
    data = form_data((later, "19:00", "20:30"), **{"sessions-INITIAL_FORMS": "1"})
    data["categories"] = [CategoryFactory(major="情報").pk]
    client.post(f"/staff/programs/{program.pk}/edit/", data)
    program.refresh_from_db()
    session = program.sessions.get()
    assert session.local_date == later
    assert session.time_band == "evening"
    assert program.last_ends_at == session.ends_at
    assert [c.major for c in program.categories.all()] == ["情報"]


def test_a_date_can_be_removed_with_its_remove_box(
    client: Client, department_staff: User, department: Department
) -> None:
    program = ProgramFactory(session_count=2, organizer=OrganizerFactory(department=department, name=department.name))
    first, second = program.sessions.all()
    client.force_login(department_staff)
    data = form_data(
        (first.local_date, "10:00", "12:00"),
        (second.local_date, "10:00", "12:00"),
        **{"sessions-INITIAL_FORMS": "2", "sessions-0-DELETE": "on"},
    )
    client.post(f"/staff/programs/{program.pk}/edit/", data)
    assert [s.local_date for s in Program.objects.get(pk=program.pk).sessions.all()] == [second.local_date]


# --- Uploads ------------------------------------------------------------------------------------------


def test_an_uploaded_photo_is_stored_without_its_location(
    client: Client, department_staff: User, media_root: Path
) -> None:
    client.force_login(department_staff)
    photo = SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps(), content_type="image/jpeg")
    flyer = SimpleUploadedFile("チラシ.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", content_type="application/pdf")
    client.post("/staff/programs/new/", form_data(image=photo, image_alt="教室の様子", flyer=flyer))
    program = Program.objects.get()
    assert program.image_alt == "教室の様子"
    stored = media_root / program.image.name
    assert "IMG_0001" not in program.image.name
    with Image.open(stored) as image:
        assert image.format == "JPEG"
        assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert (media_root / program.flyer.name).read_bytes().startswith(b"%PDF-")
    detail = page_of(client.get(f"/staff/programs/{program.pk}/"))
    assert 'alt="教室の様子"' in detail


def test_an_image_needs_a_description_and_a_fake_image_is_refused(client: Client, department_staff: User) -> None:
    client.force_login(department_staff)
    photo = SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg")
    page = page_of(client.post("/staff/programs/new/", form_data(image=photo)))
    assert 'href="#id_image_alt"' in page
    fake = SimpleUploadedFile("b.jpg", b"#!/bin/sh\necho hi\n", content_type="image/jpeg")
    page = page_of(client.post("/staff/programs/new/", form_data(image=fake, image_alt="x")))
    assert 'href="#id_image"' in page
    assert "This file is not a JPEG, PNG or WebP image." in page
    not_pdf = SimpleUploadedFile("c.pdf", b"GIF89a", content_type="application/pdf")
    page = page_of(client.post("/staff/programs/new/", form_data(flyer=not_pdf)))
    assert 'href="#id_flyer"' in page
    assert not Program.objects.exists()


def test_the_list_has_a_fixed_number_of_queries(
    client: Client, coordinator: User, django_assert_max_num_queries: Any
) -> None:
    for _ in range(12):
        ProgramFactory(submitted=True)
    client.force_login(coordinator)
    with django_assert_max_num_queries(11):
        assert client.get("/staff/programs/").status_code == 200
    with django_assert_max_num_queries(11):
        assert client.get("/staff/programs/?tab=all").status_code == 200


def test_pressing_enter_in_the_form_saves_rather_than_adding_a_date(client: Client, coordinator: User) -> None:
    # Browsers submit a form on Enter with its first submit button: that must be Save.
    client.force_login(coordinator)
    html = client.get("/staff/programs/new/").content.decode()
    form = html[html.index('<form method="post" enctype="multipart/form-data"') :]
    first_button = form[form.index("<button") : form.index("</button>")]
    assert "more_dates" not in first_button
