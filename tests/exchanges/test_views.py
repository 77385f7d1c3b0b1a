"""The meeting's pages: what each role may see and do, the timetable fragment, uploads, the API."""

import io
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from manabiba.accounts.factories import UserFactory
from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.communities.models import CommunityGroup
from manabiba.core.factories import AreaFactory
from manabiba.core.models import AuditEntry
from manabiba.exchanges import services
from manabiba.exchanges.models import ExchangeMeeting, FairTable, GroupAttendance, Material, Presentation
from manabiba.programs.factories import CategoryFactory
from manabiba.programs.models import Program
from tests.exchanges.conftest import apply, exchange_program, make_group
from tests.typography import typography_faults

pytestmark = pytest.mark.django_db


def _at(program: Program, hour: int, minute: int = 0) -> "timezone.datetime":
    assert program.first_starts_at is not None
    return timezone.localtime(program.first_starts_at).replace(hour=hour, minute=minute, second=0, microsecond=0)


def _publish(program: Program, coordinator: User, presentation: Presentation) -> None:
    services.slot_add(
        program=program,
        actor=coordinator,
        stage="大ホール",
        starts_at=_at(program, 10),
        ends_at=_at(program, 10, 20),
        presentation=presentation,
    )
    services.slot_add(
        program=program,
        actor=coordinator,
        stage="大ホール",
        starts_at=_at(program, 10, 20),
        ends_at=_at(program, 10, 30),
        label="休憩",
    )
    services.timetable_publish(program=program, actor=coordinator)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.RESIDENT, False),
        (Role.GROUP_ORGANISER, False),
        (Role.TALENT, False),
        (Role.DESK_STAFF, False),
        (Role.FACILITY_STAFF, False),
        (Role.REVIEWER, False),
        (Role.COORDINATOR, True),
        (Role.ADMINISTRATOR, True),
    ],
)
def test_only_the_staff_running_it_manage_a_meeting(
    client: Client,
    personas: dict[Role, User],
    coordinator: User,
    program: Program,
    meeting: ExchangeMeeting,
    role: Role,
    allowed: bool,
) -> None:
    # The meeting was set up by ``coordinator`` (the same address as the coordinator persona).
    client.force_login(coordinator if role == Role.COORDINATOR else personas[role])
    response = client.get(f"/staff/exchanges/{program.pk}/")
    assert (response.status_code == 200) is allowed
    assert client.get(f"/staff/exchanges/{program.pk}/timetable/").status_code == (
        200 if allowed else response.status_code
    )


def test_department_staff_manage_their_own_departments_meeting_only(
    client: Client, make_persona: Callable[..., User], program: Program, meeting: ExchangeMeeting
) -> None:
    own = make_persona(Role.DEPARTMENT_STAFF, email="own@example.jp", department=program.organizer.department)
    other = make_persona(Role.DEPARTMENT_STAFF, email="other@example.jp")
    client.force_login(own)
    assert client.get(f"/staff/exchanges/{program.pk}/").status_code == 200
    client.force_login(other)
    assert client.get(f"/staff/exchanges/{program.pk}/").status_code == 403


def test_a_group_applies_to_present_and_the_coordinator_accepts_through_the_pages(
    client: Client,
    meeting: ExchangeMeeting,
    program: Program,
    group_a: CommunityGroup,
    owner_a: User,
    coordinator: User,
) -> None:
    client.force_login(owner_a)
    response = client.post(
        f"/exchanges/{program.pk}/present/",
        {
            "group": group_a.pk,
            "title": "読み聞かせの一年",
            "summary": "子どもと高齢者の読み聞かせ。",
            "minutes_needed": "20",
            "generations": ["c", "o"],
            "equipment": "マイク",
        },
    )
    assert response.status_code == 302
    presentation = Presentation.objects.get(group=group_a)
    assert (
        client.post(f"/staff/exchanges/presentations/{presentation.pk}/decide/", {"status": "accepted"}).status_code
        == 403
    )
    client.force_login(coordinator)
    client.post(f"/staff/exchanges/presentations/{presentation.pk}/decide/", {"status": "accepted", "note": ""})
    assert Presentation.objects.get(pk=presentation.pk).status == "accepted"
    response = client.post(
        f"/staff/exchanges/{program.pk}/timetable/",
        {
            "stage": "大ホール",
            "day": _at(program, 10).date().isoformat(),
            "starts": "10:00",
            "ends": "10:20",
            "presentation": presentation.pk,
        },
    )
    assert response.status_code == 302
    overlapping = client.post(
        f"/staff/exchanges/{program.pk}/timetable/",
        {
            "stage": "大ホール",
            "day": _at(program, 10).date().isoformat(),
            "starts": "10:10",
            "ends": "10:30",
            "label": "休憩",
        },
    )
    assert "overlaps another slot" in overlapping.content.decode()


def test_a_resident_without_a_group_is_told_to_register_one(
    client: Client, resident: User, meeting: ExchangeMeeting, program: Program
) -> None:
    client.force_login(resident)
    assert client.get(f"/exchanges/{program.pk}/attend/").status_code == 403


def test_a_group_registers_eight_members_on_the_attend_page(
    client: Client, meeting: ExchangeMeeting, program: Program, group_a: CommunityGroup, owner_a: User
) -> None:
    client.force_login(owner_a)
    response = client.post(
        f"/exchanges/{program.pk}/attend/",
        {"group": group_a.pk, "members": "8", "generations": ["w", "o"], "consent": "on"},
        follow=True,
    )
    assert "8 members registered" in response.content.decode()
    attendance = GroupAttendance.objects.get(group=group_a)
    assert attendance.registration is not None
    assert attendance.registration.party_size == 8


def test_upload_refuses_what_is_not_a_pdf_or_image(
    client: Client, accepted: Presentation, owner_a: User, owner_b: User
) -> None:
    client.force_login(owner_b)
    assert client.get(f"/exchanges/presentations/{accepted.pk}/materials/").status_code == 403
    client.force_login(owner_a)
    bad = io.BytesIO(b"MZ not a pdf")
    bad.name = "slides.pdf"
    response = client.post(f"/exchanges/presentations/{accepted.pk}/materials/", {"title": "資料", "file": bad})
    assert "Upload a PDF or a JPEG, PNG or WebP image." in response.content.decode()
    good = io.BytesIO(b"%PDF-1.4 slides")
    good.name = "slides.pdf"
    client.post(f"/exchanges/presentations/{accepted.pk}/materials/", {"title": "資料", "file": good})
    assert Material.objects.get().kind == "pdf"


def test_the_programme_page_shows_the_timetable_and_the_materials_after_the_day(
    client: Client, coordinator: User, group_a: CommunityGroup, owner_a: User
) -> None:
    program = exchange_program(applications_open_at=None, applications_close_at=None)
    services.meeting_setup(program=program, actor=coordinator, format="meeting", stages="大ホール")
    presentation = services.presentation_decide(
        presentation=apply(program, group_a, owner_a, title="読み聞かせの一年"), actor=coordinator, status="accepted"
    )
    _publish(program, coordinator, presentation)
    services.material_upload(
        presentation=presentation, actor=owner_a, title="当日スライド", file=io.BytesIO(b"%PDF-1.4")
    )
    services.presentation_consent_set(presentation=presentation, actor=owner_a, materials_public=True)
    html = client.get(f"/programs/{program.pk}/").content.decode()
    assert "読み聞かせの一年" in html
    assert "休憩" in html
    assert "当日スライド" not in html
    assert "Take part with your group" in html
    Program.objects.filter(pk=program.pk).update(last_ends_at=timezone.now() - timedelta(hours=1))
    html = client.get(f"/exchanges/{program.pk}/timetable/").content.decode()
    assert "当日スライド" in html
    # In Japanese the material's kind is in full-width brackets and no em dash comes before the group.
    japanese = Client().get(f"/exchanges/{program.pk}/timetable/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "当日スライド</a>（PDF）／" in japanese
    assert typography_faults(japanese) == []
    # After the day the programme page no longer invites groups to take part, but to follow up.
    cache.clear()
    html = client.get(f"/programs/{program.pk}/").content.decode()
    assert "Take part with your group" not in html
    assert "For the groups that took part" in html


def test_the_timetable_fragment_for_htmx_and_the_whole_page_without(
    client: Client, accepted: Presentation, program: Program, coordinator: User
) -> None:
    _publish(program, coordinator, accepted)
    whole = client.get(f"/exchanges/{program.pk}/timetable/")
    assert "<html" in whole.content.decode()
    assert 'hx-trigger="every 60s"' in whole.content.decode()
    fragment = client.get(f"/exchanges/{program.pk}/timetable/", headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode()
    assert accepted.title in fragment.content.decode()
    assert "HX-Request" in fragment["Vary"]


def test_an_unpublished_timetable_is_not_shown(client: Client, accepted: Presentation, program: Program) -> None:
    html = client.get(f"/exchanges/{program.pk}/timetable/").content.decode()
    assert "The timetable has not been published yet." in html


def _grow(program: Program, coordinator: User, size: int, start: int) -> None:
    category, area = CategoryFactory(major="地域活動", minor="交流"), AreaFactory(name="谷戸町")
    for number in range(start, start + size):
        owner = UserFactory(email=f"o{number}@example.jp")
        group = make_group(owner, coordinator, category, area, f"団体{number}", f"g{number}@example.jp")
        presentation = services.presentation_decide(
            presentation=apply(program, group, owner), actor=coordinator, status="accepted"
        )
        services.slot_add(
            program=program,
            actor=coordinator,
            stage="大ホール",
            starts_at=_at(program, 9 + number // 4, (number % 4) * 15),
            ends_at=_at(program, 9 + number // 4, (number % 4) * 15 + 10),
            presentation=presentation,
        )
        table = services.table_apply(program=program, group=group, actor=owner, shows="パネル展示", generations=["o"])
        services.table_decide(
            table=table, actor=coordinator, status=FairTable.Status.ACCEPTED, table_label=f"A-{number}"
        )
    services.timetable_publish(program=program, actor=coordinator)


def test_the_timetable_page_costs_the_same_queries_at_two_sizes(
    client: Client,
    meeting: ExchangeMeeting,
    program: Program,
    coordinator: User,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    _grow(program, coordinator, 2, 0)
    # The clock stands still: the footer's desk status is cached per minute, and a minute turning
    # between the requests would add its two queries (this failed once in CI at a minute's turn).
    with time_machine.travel(timezone.now(), tick=False):
        client.get("/")  # the footer's desk status is cached from here on, as on a running site
        # The programme with its meeting, the slots with their presentations and groups, the tables with
        # their groups; the materials cost nothing before the day, the footer's desk status is cached.
        with django_assert_num_queries(3):
            assert client.get(f"/exchanges/{program.pk}/timetable/").status_code == 200
        _grow(program, coordinator, 6, 2)
        with django_assert_num_queries(3):
            response = client.get(f"/exchanges/{program.pk}/timetable/")
    assert response.content.decode().count("パネル展示") == 8


def test_the_api_gives_the_timetable_to_anyone(
    client: Client, accepted: Presentation, program: Program, coordinator: User
) -> None:
    _publish(program, coordinator, accepted)
    body = client.get(f"/api/v1/programs/{program.pk}/timetable").json()
    assert body["published"] is True
    slots = body["stages"][0]["slots"]
    assert [slot["kind"] for slot in slots] == ["presentation", "break"]
    assert slots[0]["group"] == accepted.group.name
    assert slots[0]["generations"] == ["c", "o"]
    assert client.get("/api/v1/programs/999999/timetable").status_code == 404


def test_the_staff_page_logs_that_attendance_was_seen(
    client: Client,
    meeting: ExchangeMeeting,
    program: Program,
    group_a: CommunityGroup,
    owner_a: User,
    coordinator: User,
) -> None:
    services.group_attendance_register(
        program=program, group=group_a, actor=owner_a, members=3, generations=[], consent=True
    )
    client.force_login(coordinator)
    assert group_a.name in client.get(f"/staff/exchanges/{program.pk}/").content.decode()
    assert AuditEntry.objects.filter(action="accounts.personal_data.viewed", data__view="exchanges.attendance").exists()


def test_the_survey_page_takes_one_answer(client: Client, coordinator: User) -> None:
    from manabiba.registrations.models import Registration

    program = exchange_program(past=True, applications_open_at=None, applications_close_at=None)
    services.meeting_setup(program=program, actor=coordinator, format="meeting")
    registration = Registration.objects.create(
        program=program, status="confirmed", full_name="参加 者", email="a@example.jp", check_in_code="BBBBBB"
    )
    url = f"/exchanges/survey/{services.survey_token(registration)}/"
    assert client.post(url, {"satisfaction": "4", "met_other_generations": "on"}).status_code == 200
    assert "already been answered" in client.get(url).content.decode()
    client.force_login(coordinator)
    assert "4.0" in client.get(f"/staff/exchanges/{program.pk}/survey/").content.decode()


def test_a_group_withdraws_its_presentation_and_it_leaves_the_timetable(
    client: Client, accepted: Presentation, program: Program, coordinator: User, owner_a: User, owner_b: User
) -> None:
    _publish(program, coordinator, accepted)
    client.force_login(owner_b)
    assert client.post(f"/exchanges/presentations/{accepted.pk}/withdraw/").status_code == 403
    client.force_login(owner_a)
    assert "Withdraw this presentation" in client.get(f"/exchanges/{program.pk}/").content.decode()
    client.post(f"/exchanges/presentations/{accepted.pk}/withdraw/")
    accepted.refresh_from_db()
    assert accepted.status == Presentation.Status.WITHDRAWN
    assert accepted.title not in client.get(f"/exchanges/{program.pk}/timetable/").content.decode()
