"""Schools: the school calendar, 学校開放 rules, community learning projects and their volunteers."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, time
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import translation
from icalendar import Calendar

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.accounts.services import user_delete
from manabiba.core.models import AuditEntry, OutboxMessage
from manabiba.core.workspace import workspace_cards_registry
from manabiba.facilities.factories import FacilityFactory, RoomFactory, TimeFrameFactory
from manabiba.facilities.models import Facility, Room, TimeFrame
from manabiba.programs.models import Organizer, Program
from manabiba.talents.models import TalentProfile
from manabiba.venues import school_selectors, school_services, selectors, services
from manabiba.venues.factories import UserGroupFactory
from manabiba.venues.models import ProjectVolunteer, SchoolBlock, SchoolProject, UserGroup
from manabiba.venues.services import FrameUnavailableError, booking_create
from tests.conftest import PERSONA_PASSWORD
from tests.talents.conftest import areas, categories, make_talent, rate  # noqa: F401 — the fixtures
from tests.venues.conftest import NOW, SATURDAY

pytestmark = pytest.mark.django_db

SPORTS_DAY = date(2026, 12, 19)


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class School:
    facility: Facility
    gym: Room
    evening: TimeFrame
    staff: User


def _school(name: str, staff: User) -> School:
    facility = FacilityFactory(name=name, kind=Facility.Kind.SCHOOL_ELEMENTARY, phone="042-000-1111")
    TimeFrameFactory(facility=facility, name="午前", starts_at=time(9), ends_at=time(12))
    evening = TimeFrameFactory(facility=facility, name="夜間", starts_at=time(18), ends_at=time(21))
    facility.staff.add(staff)
    return School(facility, RoomFactory(facility=facility, name="体育館", capacity=100, bookable=True), evening, staff)


@pytest.fixture
def school(make_persona: Callable[..., User]) -> School:
    return _school("けやき小学校", make_persona(Role.FACILITY_STAFF, email="keyaki@example.jp", full_name="教頭 一郎"))


@pytest.fixture
def other_school(make_persona: Callable[..., User]) -> School:
    return _school("さくら小学校", make_persona(Role.FACILITY_STAFF, email="sakura@example.jp", full_name="教頭 二郎"))


def signed_in(client: Client, user: User, language: str = "en") -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.login(email=user.email, password=PERSONA_PASSWORD)
    return client


def _project(school: School, **overrides: Any) -> SchoolProject:
    fields: dict[str, Any] = {
        "kind": SchoolProject.Kind.VOLUNTEERS,
        "title": "朝の読み聞かせボランティア",
        "description": "朝の15分、低学年の教室で絵本を読みます。",
        "first_day": date(2027, 1, 13),
        "last_day": date(2027, 3, 17),
        "schedule": "毎週水曜 8:30–8:45",
        "audience": "1〜3年生",
        "helpers_needed": 3,
        "skills": "読み聞かせ, 絵本",
        "details_for_volunteers": "正門の受付で名札を受け取ってください。",
    }
    fields.update(overrides)
    return school_services.school_project_create(actor=school.staff, school=school.facility, **fields)


# --- the school calendar ------------------------------------------------------------------------------


def test_a_blocked_day_is_closed_everywhere_and_cannot_be_booked(client: Client, school: School) -> None:
    school_services.school_block_set(actor=school.staff, school=school.facility, day=SPORTS_DAY, event="運動会")
    (row,) = [r for r in selectors.room_month(school.gym, year=2026, month=12) if r.day == SPORTS_DAY]
    assert {cell.state for cell in row.cells} == {selectors.State.CLOSED}
    with translation.override("ja"):
        html = client.get(f"/venues/rooms/{school.gym.pk}/2026/12/").content.decode()
    assert "学校行事：運動会" in html
    day_html = client.get(f"/venues/facilities/{school.facility.pk}/2026-12-19/").content.decode()
    assert "学校行事：運動会" in day_html
    body = client.get(f"/api/v1/rooms/{school.gym.pk}/availability?month=2026-12").json()
    blocked = next(day for day in body["days"] if day["date"] == "2026-12-19")
    assert [cell["state"] for cell in blocked["frames"]] == ["closed", "closed"]
    events = Calendar.from_ical(client.get(f"/venues/rooms/{school.gym.pk}/2026/12/calendar.ics").content).walk(
        "VEVENT"
    )
    on_the_day = [str(e["summary"]) for e in events if str(e.decoded("dtstart"))[:10] == "2026-12-19"]
    assert on_the_day == ["休 学校行事：運動会"]
    group = UserGroupFactory(members_count=20, members_in_city=15)
    with pytest.raises(FrameUnavailableError):
        booking_create(
            actor=group.owner,
            group=group,
            room=school.gym,
            day=SPORTS_DAY,
            frame=school.evening,
            purpose="バレーボール",
            attendees=12,
            now=NOW,
        )
    # The day before stays free.
    assert selectors.frame_state(school.gym, day=date(2026, 12, 18), frame=school.evening) == selectors.State.FREE


def test_only_the_schools_own_staff_and_coordinators_block_its_days(
    school: School, other_school: School, coordinator: User, make_persona: Callable[..., User]
) -> None:
    with pytest.raises(PermissionDenied):
        school_services.school_block_set(
            actor=other_school.staff, school=school.facility, day=SPORTS_DAY, event="運動会"
        )
    for role in (Role.DESK_STAFF, Role.DEPARTMENT_STAFF, Role.RESIDENT):
        with pytest.raises(PermissionDenied):
            school_services.school_block_set(
                actor=make_persona(role, email=f"{role.value}@example.jp"),
                school=school.facility,
                day=SPORTS_DAY,
                event="運動会",
            )
    block = school_services.school_block_set(actor=coordinator, school=school.facility, day=SPORTS_DAY, event="運動会")
    with pytest.raises(PermissionDenied):
        school_services.school_block_remove(actor=other_school.staff, block=block)
    school_services.school_block_remove(actor=school.staff, block=block)
    assert not SchoolBlock.objects.exists()
    assert list(AuditEntry.objects.filter(action__startswith="venues.school_block").values_list("action", flat=True))
    # A 公民館 is not a school: it has no school calendar even for its own staff.
    kominkan = FacilityFactory(name="公民館")
    kominkan.staff.add(school.staff)
    with pytest.raises(PermissionDenied):
        school_services.school_block_set(actor=school.staff, school=kominkan, day=SPORTS_DAY, event="祭り")


def test_school_staff_block_a_day_on_their_page_and_see_bookings_to_settle(client: Client, school: School) -> None:
    group = UserGroupFactory(members_count=20, members_in_city=15)
    booking_create(
        actor=group.owner,
        group=group,
        room=school.gym,
        day=SPORTS_DAY,
        frame=school.evening,
        purpose="バドミントン",
        attendees=8,
        now=NOW,
    )
    signed_in(client, school.staff)
    url = f"/staff/venues/schools/{school.facility.pk}/"
    response = client.post(url, {"add_block": "1", "block-day": "2026-12-19", "block-event": "運動会"})
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "運動会" in html
    assert group.name in html, "a booking already made on the blocked day is listed for staff to settle"
    missing = client.post(url, {"add_block": "1", "block-day": "2026-12-20", "block-event": ""}).content.decode()
    assert "This field is required." in missing


# --- 学校開放 rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "reason_ja"),
    [
        ({"members_count": 5, "members_in_city": 5}, "10人以上"),
        ({"members_count": 20, "members_in_city": 4}, "市内"),
        ({"has_minor_members": True, "representative_is_adult": False}, "18歳以上"),
    ],
)
def test_a_group_that_breaks_the_schools_rules_cannot_book_and_is_told_why_in_its_language(
    school: School, fields: dict[str, Any], reason_ja: str
) -> None:
    group = UserGroupFactory(**{"members_count": 12, "members_in_city": 10, **fields})
    with translation.override("ja"), pytest.raises(ValidationError) as raised:
        booking_create(
            actor=group.owner,
            group=group,
            room=school.gym,
            day=SATURDAY,
            frame=school.evening,
            purpose="卓球",
            attendees=5,
            now=NOW,
        )
    assert reason_ja in " ".join(raised.value.messages)


def test_a_group_that_breaks_the_schools_rules_cannot_enter_its_lottery_or_ask_for_a_regular_slot(
    school: School,
) -> None:
    small = UserGroupFactory(members_count=5, members_in_city=5)
    round_ = services.round_open(facility=school.facility, month=date(2027, 2, 1), now=NOW)
    with translation.override("ja"), pytest.raises(ValidationError) as entered:
        services.lottery_enter(
            actor=small.owner,
            round_=round_,
            group=small,
            wishes=[services.WishIn(room=school.gym, day=date(2027, 2, 6), frame=school.evening)],
            purpose="卓球",
            attendees=5,
            now=NOW,
        )
    with translation.override("ja"), pytest.raises(ValidationError) as asked:
        services.regular_slot_request(
            actor=small.owner,
            group=small,
            room=school.gym,
            frame=school.evening,
            weekday=5,
            fiscal_year=2026,
            purpose="卓球",
            attendees=5,
            now=NOW,
        )
    assert "10人以上" in " ".join(entered.value.messages)
    assert "10人以上" in " ".join(asked.value.messages)
    assert not round_.lottery_entries.exists()


def test_the_rules_are_the_schools_own_and_a_kominkan_has_none(school: School, other_school: School) -> None:
    small = UserGroupFactory(members_count=6, members_in_city=6)
    assert school_selectors.school_rules_problems(small, school.facility)
    with pytest.raises(PermissionDenied):
        school_services.school_rules_set(
            actor=other_school.staff,
            school=school.facility,
            min_members=5,
            min_city_percent=50,
            adult_representative_for_minors=True,
        )
    school_services.school_rules_set(
        actor=school.staff,
        school=school.facility,
        min_members=5,
        min_city_percent=50,
        adult_representative_for_minors=True,
    )
    assert school_selectors.school_rules_problems(small, school.facility) == []
    assert school_selectors.school_rules_problems(small, other_school.facility), "the other school keeps the usual"
    assert school_selectors.school_rules_problems(small, FacilityFactory(name="公民館")) == []
    booking = booking_create(
        actor=small.owner,
        group=small,
        room=school.gym,
        day=SATURDAY,
        frame=school.evening,
        purpose="卓球",
        attendees=5,
        now=NOW,
    )
    assert booking.pk


def test_the_booking_page_of_a_school_room_states_the_rules_and_the_reason(client: Client, school: School) -> None:
    group = UserGroupFactory(members_count=5, members_in_city=5)
    signed_in(client, group.owner, "ja")
    url = f"/venues/rooms/{school.gym.pk}/book/2026-12-12/{school.evening.pk}/"
    html = client.get(url).content.decode()
    assert "学校開放" in html
    html = client.post(url, {"group": group.pk, "purpose": "卓球", "attendees": 5}).content.decode()
    assert "10人以上" in html


def test_registering_a_group_records_minors_and_an_adult_representative(client: Client, resident: User) -> None:
    signed_in(client, resident)
    response = client.post(
        "/venues/groups/register/",
        {
            "name": "ジュニア卓球クラブ",
            "representative_name": "卓球 太郎",
            "address": "南町1-1-1",
            "phone": "042-999-0000",
            "email": "junior@example.jp",
            "members_count": 15,
            "members_in_city": 15,
            "purpose": "小学生の卓球",
            "has_minor_members": "on",
            "declaration": "on",
        },
    )
    assert response.status_code == 302
    group = UserGroup.objects.get(name="ジュニア卓球クラブ")
    assert (group.has_minor_members, group.representative_is_adult) == (True, False)


# --- projects and volunteers ----------------------------------------------------------------------


def test_a_resident_volunteers_and_the_school_accepts_with_the_details_by_mail(
    client: Client, school: School, resident: User, django_capture_on_commit_callbacks: Any
) -> None:
    project = _project(school)
    assert client.get("/venues/projects/").content.decode().count("朝の読み聞かせボランティア") == 1
    signed_in(client, resident)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/venues/projects/{project.pk}/",
            {"offered_as": "resident", "name": "市民 花子", "phone": "090-1111-2222", "message": "絵本が好きです。"},
        )
    assert response.status_code == 302
    volunteer = ProjectVolunteer.objects.get()
    assert (volunteer.user, volunteer.status) == (resident, ProjectVolunteer.Status.OFFERED)
    again = client.post(
        f"/venues/projects/{project.pk}/", {"offered_as": "resident", "name": "市民 花子", "message": "もう一度"}
    )
    assert ProjectVolunteer.objects.count() == 1
    assert again.status_code == 200
    client.logout()
    signed_in(client, school.staff)
    html = client.get(f"/staff/venues/projects/{project.pk}/").content.decode()
    assert "090-1111-2222" in html
    assert AuditEntry.objects.filter(action="venues.personal_data.viewed", actor=school.staff).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/staff/venues/volunteers/{volunteer.pk}/answer/", {"decision": "accept"})
    volunteer.refresh_from_db()
    assert volunteer.status == ProjectVolunteer.Status.ACCEPTED
    mail = OutboxMessage.objects.filter(to=resident.email).order_by("pk").last()
    assert mail is not None
    assert "正門の受付で名札を受け取ってください。" in mail.body
    assert "毎週水曜 8:30–8:45" in mail.body
    assert AuditEntry.objects.filter(action="venues.volunteer.accepted").exists()


def test_staff_of_another_school_neither_see_nor_answer_the_volunteers(
    client: Client, school: School, other_school: School, resident: User
) -> None:
    project = _project(school)
    volunteer = school_services.project_volunteer_offer(
        actor=resident, project=project, name="市民 花子", message="手伝えます"
    )
    with pytest.raises(PermissionDenied):
        school_services.project_volunteer_answer(actor=other_school.staff, volunteer=volunteer, accept=True)
    signed_in(client, other_school.staff)
    assert client.get(f"/staff/venues/projects/{project.pk}/").status_code == 404
    assert client.post(f"/staff/venues/volunteers/{volunteer.pk}/answer/", {"decision": "accept"}).status_code == 404
    assert client.get(f"/staff/venues/schools/{school.facility.pk}/").status_code == 404
    assert client.get(f"/staff/venues/schools/{school.facility.pk}/projects/new/").status_code == 404
    with pytest.raises(PermissionDenied):
        _project(School(school.facility, school.gym, school.evening, other_school.staff))
    volunteer.refresh_from_db()
    assert volunteer.status == ProjectVolunteer.Status.OFFERED


def test_a_talent_offers_with_their_card_and_talents_are_suggested_by_field_and_skill(
    school: School,
    make_talent: Callable[..., TalentProfile],  # noqa: F811 — the fixture imported above
    categories: list[Any],  # noqa: F811 — the fixture imported above
) -> None:
    reader = make_talent(teaches="絵本の読み聞かせと紙芝居", fields=[categories[3]])
    calligrapher = make_talent(teaches="書道", fields=[categories[0]])
    make_talent(teaches="料理", fields=[categories[2]])
    project = _project(school, skills="読み聞かせ")
    project.categories.set([categories[0]])
    with translation.override("ja"):
        suggested = {s.talent.pk: s.reasons for s in school_selectors.project_talent_suggestions(project)}
    assert set(suggested) == {reader.pk, calligrapher.pk}
    assert suggested[reader.pk] == ["指導できること：読み聞かせ"]
    assert reader.user is not None
    offer = school_services.project_volunteer_offer(
        actor=reader.user, project=project, name="講師", message="読めます", offered_as="talent", talent=reader
    )
    assert offer.talent == reader
    with pytest.raises(ValidationError):
        school_services.project_volunteer_offer(
            actor=reader.user,
            project=_project(school),
            name="講師",
            message="x",
            offered_as="talent",
            talent=calligrapher,
        )


def test_an_open_lecture_is_published_in_the_catalogue_organised_by_the_school(client: Client, school: School) -> None:
    project = _project(
        school,
        kind=SchoolProject.Kind.OPEN_LECTURE,
        title="親子で学ぶプログラミング",
        first_day=date(2027, 1, 16),
        last_day=date(2027, 1, 30),
        lecture_starts=time(10),
        lecture_ends=time(12),
        capacity=30,
    )
    program = project.program
    assert program is not None
    assert program.status == Program.Status.PUBLISHED
    assert (program.organizer.kind, program.organizer.facility) == (Organizer.Kind.SCHOOL, school.facility)
    assert program.sessions.count() == 3
    assert program.facility == school.facility
    assert "親子で学ぶプログラミング" in client.get(f"/programs/{program.pk}/").content.decode()
    with pytest.raises(ValidationError):
        _project(school, kind=SchoolProject.Kind.OPEN_LECTURE, title="時間なし")


def test_a_closed_or_past_project_takes_no_more_volunteers(school: School, resident: User) -> None:
    project = _project(school)
    school_services.school_project_close(actor=school.staff, project=project)
    with pytest.raises(ValidationError):
        school_services.project_volunteer_offer(actor=resident, project=project, name="市民", message="手伝えます")
    past = _project(school, first_day=date(2026, 11, 1), last_day=date(2026, 11, 30))
    with pytest.raises(ValidationError):
        school_services.project_volunteer_offer(actor=resident, project=past, name="市民", message="手伝えます")


def test_erasing_an_account_scrubs_its_offers(school: School, resident: User) -> None:
    project = _project(school)
    school_services.project_volunteer_offer(
        actor=resident, project=project, name="市民 花子", phone="090-1", message="手伝えます"
    )
    user_delete(user=resident, actor=resident)
    offer = ProjectVolunteer.objects.get()
    assert (offer.user, offer.name, offer.phone, offer.message, offer.status) == (None, "", "", "", "withdrawn")


# --- pages by role, and the workspace card ---------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_each_role_opens_the_school_pages_it_may(
    client: Client, make_persona: Callable[..., User], school: School, role: Role
) -> None:
    person = make_persona(role, email=f"{role.value}@example.jp")
    project = _project(school)
    signed_in(client, person)
    manages = role in {Role.COORDINATOR, Role.ADMINISTRATOR}
    listed = role in {Role.FACILITY_STAFF, Role.COORDINATOR, Role.ADMINISTRATOR}
    assert client.get("/staff/venues/schools/").status_code == (200 if listed else 403)
    expected = 200 if manages else (404 if listed else 403)
    assert client.get(f"/staff/venues/schools/{school.facility.pk}/").status_code == expected
    assert client.get(f"/staff/venues/projects/{project.pk}/").status_code == expected
    assert client.get("/staff/venues/utilisation/").status_code == (200 if listed else 403)
    assert client.get(f"/venues/projects/{project.pk}/").status_code == 200


def test_the_workspace_card_counts_offers_to_answer_for_the_schools_own_staff_only(
    school: School, other_school: School, resident: User, coordinator: User
) -> None:
    project = _project(school)
    school_services.project_volunteer_offer(actor=resident, project=project, name="市民", message="手伝えます")

    def count(user: User) -> int | None:
        cards = [card for _name, provider in workspace_cards_registry for card in provider(user, NOW)]
        return next((card.count for card in cards if card.key == "venues.volunteers_to_answer"), None)

    assert (count(school.staff), count(other_school.staff), count(coordinator), count(resident)) == (1, 0, 1, None)


def test_the_workspace_cards_count_groups_to_approve_and_those_flagged(coordinator: User) -> None:
    UserGroupFactory(name="A", phone="042-1", status=UserGroup.Status.APPROVED)
    UserGroupFactory(name="B", phone="0421", status=UserGroup.Status.PENDING)
    UserGroupFactory(name="C", status=UserGroup.Status.PENDING)
    cards = {
        card.key: card.count
        for _name, provider in workspace_cards_registry
        for card in provider(coordinator, NOW)
        if card.key.startswith("venues.")
    }
    # Without a school there are no offers to answer, and no card for them; the lottery's cards count nothing.
    assert cards == {
        "venues.groups_to_approve": 2,
        "venues.duplicates_flagged": 1,
        "venues.rounds_due": 0,
        "venues.attendance_due": 0,
        "venues.regular_requests": 0,
    }
