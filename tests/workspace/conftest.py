"""Work in every app, for the staff workspace's tests: ``build_work(n)`` makes ``n`` of each kind
per department, so every card counts something and the counts grow with ``n``."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from manabiba.accounts.factories import DepartmentFactory, UserFactory
from manabiba.accounts.models import Department, User
from manabiba.accounts.roles import Role
from manabiba.communities.models import AbuseReport, CommunityGroup
from manabiba.consultations.models import Channel, Consultation, ReplyChannel, Topic
from manabiba.consultations.services import consultation_submit
from manabiba.core.models import OutboxMessage
from manabiba.desk.models import Appointment
from manabiba.desk.reference import weekly_hours_load
from manabiba.desk.selectors import at
from manabiba.exchanges.models import ExchangeMeeting, Presentation
from manabiba.facilities.factories import FacilityFactory, RoomFactory, TimeFrameFactory
from manabiba.facilities.models import Facility
from manabiba.liaison.models import ActionItem, LiaisonMeeting
from manabiba.programs.factories import OrganizerFactory, ProgramFactory
from manabiba.programs.models import Program
from manabiba.proposals.models import Proposal, ProposalCall
from manabiba.registrations.models import Registration, RegistrationSettings
from manabiba.registrations.services import registration_settings_update
from manabiba.support.models import SupportRequest, SupportTask
from manabiba.talents.models import IntroductionRequest, TalentProfile
from manabiba.venues.factories import UserGroupFactory
from manabiba.venues.models import Booking, LotteryRound, ProjectVolunteer, RegularSlot, SchoolProject, UserGroup


@dataclass
class Office:
    sports: Department
    childcare: Department
    coordinator: User
    sports_staff: User
    childcare_staff: User
    desk: User


def make_office(make_persona: Callable[..., User]) -> Office:
    """Two departments with one member of staff each, the coordinator and the desk."""
    sports = DepartmentFactory(name="スポーツ振興課")
    childcare = DepartmentFactory(name="子育て支援課")
    return Office(
        sports=sports,
        childcare=childcare,
        coordinator=make_persona(Role.COORDINATOR, email="coordinator@example.jp", full_name="推進 担当"),
        sports_staff=make_persona(Role.DEPARTMENT_STAFF, email="sports@example.jp", department=sports),
        childcare_staff=make_persona(Role.DEPARTMENT_STAFF, email="childcare@example.jp", department=childcare),
        desk=make_persona(Role.DESK_STAFF, email="desk@example.jp", full_name="窓口 一郎"),
    )


@pytest.fixture
def office(make_persona: Callable[..., User]) -> Office:
    return make_office(make_persona)


def _later_today(now: datetime) -> datetime:
    local = timezone.localtime(now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return now + (midnight - now) / 2


def _group(name: str, **fields: Any) -> CommunityGroup:
    return CommunityGroup.objects.create(
        name=name,
        name_kana="てすとのかい",
        kind=CommunityGroup.Kind.CULTURE,
        activity_place="田無公民館",
        purpose="学び合い",
        activities="月一回の例会",
        representative_name="代表 一郎",
        contact_name="連絡 花子",
        contact_email="contact@example.jp",
        **fields,
    )


def _support_request(title: str, status: str) -> SupportRequest:
    return SupportRequest.objects.create(
        group_name="支援の会",
        title=title,
        kinds=["venue", "publicity"],
        description="会場と広報の支援をお願いします。",
        starts_on=timezone.localdate() + timedelta(days=30),
        status=status,
        reply_token=title,
    )


def build_work(office: Office, n: int) -> None:
    """``n`` of each kind of work for each of the two departments (and the city-wide kinds)."""
    now = timezone.now()
    weekly_hours_load()  # opening hours with nobody on shift: the roster has gaps
    serial = Program.objects.count()
    for department in (office.sports, office.childcare):
        organizer = OrganizerFactory(name=f"{department.name}主催", department=department)
        for i in range(n):
            made = [
                consultation_submit(
                    topic=Topic.LEARN,
                    body="子ども向けの講座を探しています。",
                    reply_channel=ReplyChannel.PHONE,
                    name=f"相談 {i}",
                    phone="042-000-0000",
                    channel=Channel.PHONE,
                    logged_by=office.desk,
                )
                for _ in range(5)
            ]
            states: list[dict[str, Any]] = [
                {"status": Consultation.Status.NEW, "due_at": now + timedelta(days=3)},
                {"status": Consultation.Status.IN_PROGRESS, "due_at": now - timedelta(hours=2)},
                {"status": Consultation.Status.IN_PROGRESS, "due_at": _later_today(now)},
                {"status": Consultation.Status.WAITING, "due_at": now + timedelta(days=2)},
                {"status": Consultation.Status.CLOSED, "due_at": now - timedelta(days=9)},
            ]
            for consultation, state in zip(made, states, strict=True):
                Consultation.objects.filter(pk=consultation.pk).update(department=department, **state)
            # One of them has a named person, so "nobody assigned" differs from "open".
            Consultation.objects.filter(pk=made[2].pk).update(
                assignee=office.sports_staff if department == office.sports else office.childcare_staff
            )

            serial += 1
            ProgramFactory(submitted=True, organizer=organizer, title=f"審査待ち{serial}")
            returned = ProgramFactory(organizer=organizer, title=f"差し戻し{serial}")
            Program.objects.filter(pk=returned.pk).update(status_reason="日時を直してください。")

            lottery = ProgramFactory(
                published=True,
                organizer=organizer,
                title=f"抽選{serial}",
                capacity=10,
                application=Program.Application.SITE,
                applications_open_at=now - timedelta(days=5),
                applications_close_at=now + timedelta(days=1),
            )
            registration_settings_update(
                program=lottery, actor=None, allocation=RegistrationSettings.Allocation.LOTTERY
            )
            Program.objects.filter(pk=lottery.pk).update(applications_close_at=now - timedelta(hours=1))

            course = ProgramFactory(
                published=True,
                course=True,
                organizer=organizer,
                title=f"定員割れ{serial}",
                capacity=20,
                min_participants=8,
                application=Program.Application.SITE,
                applications_open_at=now - timedelta(days=5),
                applications_close_at=now + timedelta(days=3),
            )
            registration_settings_update(program=course, actor=None, offer_expiry_hours=24)
            RegistrationSettings.objects.filter(program=course).update(below_minimum_at=now)
            Registration.objects.create(
                program=course, status=Registration.Status.OFFERED, offer_expires_at=now + timedelta(hours=3)
            )
            # An offer that is still days away is not yet a worry.
            Registration.objects.create(
                program=course, status=Registration.Status.OFFERED, offer_expires_at=now + timedelta(days=3)
            )

            # Support requests: a part for the department still in time, and one overdue.
            support = _support_request(f"支援依頼{serial}", SupportRequest.Status.IN_PROGRESS)
            SupportTask.objects.create(
                request=support, department=department, kind="venue", due_at=now + timedelta(days=3)
            )
            SupportTask.objects.create(
                request=support, department=department, kind="publicity", due_at=now - timedelta(hours=2)
            )
            # An exchange meeting: one presentation to decide, one accepted without its materials.
            meeting = ProgramFactory(
                published=True, kind=Program.Kind.EXCHANGE, organizer=organizer, title=f"交流会{serial}"
            )
            ExchangeMeeting.objects.create(program=meeting)
            for status in (Presentation.Status.APPLIED, Presentation.Status.ACCEPTED):
                presenter = _group(f"発表の会{serial}{status}", status=CommunityGroup.Status.APPROVED)
                Presentation.objects.create(
                    program=meeting,
                    group=presenter,
                    title="活動紹介",
                    summary="一年の活動",
                    minutes_needed=15,
                    status=status,
                )

    today = timezone.localdate()
    base = Appointment.objects.count()
    for i in range(base, base + n):
        _support_request(f"振り分け待ち{i}", SupportRequest.Status.NEW)
        _group(f"申請中の会{i}")
        _group(f"修正待ちの会{i}", status=CommunityGroup.Status.CHANGES_REQUESTED)
        stale = _group(f"休眠の会{i}", status=CommunityGroup.Status.APPROVED, confirmation_requested_at=now)
        AbuseReport.objects.create(group=stale, reason="連絡先が違います。")
        for day in (today, today + timedelta(days=1)):
            Appointment.objects.create(
                starts_at=at(day, time(10)),
                ends_at=at(day, time(10, 30)),
                seat=i + 1,
                name=f"来所 {i}",
                topic=Appointment.Topic.LEARNING,
            )
        OutboxMessage.objects.create(
            to=f"gone{i}@example.jp", subject="お知らせ", body="本文", status=OutboxMessage.Status.FAILED, attempts=8
        )
        # The talent bank: a card waiting for screening, and an introduction request for a listed one.
        waiting = TalentProfile.objects.create(
            user=UserFactory(email=f"talent-waiting{i}@example.jp"),
            name=f"審査待ち 講師{i}",
            teaches="書道",
            status=TalentProfile.Status.PENDING,
            submitted_at=now,
        )
        listed = TalentProfile.objects.create(
            user=UserFactory(email=f"talent-listed{i}@example.jp"),
            name=f"登録済み 講師{i}",
            teaches="囲碁",
            status=TalentProfile.Status.APPROVED,
            submitted_at=now,
        )
        IntroductionRequest.objects.create(
            talent=listed,
            requester=waiting.user,
            status=IntroductionRequest.Status.SUBMITTED,
            purpose="地域の講座で教えてほしい",
            contact_name="依頼 者",
            contact_email=f"ask{i}@example.jp",
            expected_participants=20,
        )
        # Citizen proposals: one submitted, waiting for the coordinator to assign reviewers.
        call, _ = ProposalCall.objects.get_or_create(
            name="市民提案講座 前期",
            defaults={
                "term": ProposalCall.Term.FIRST,
                "opens_on": now.date(),
                "closes_on": now.date() + timedelta(days=30),
                "lectures_from": now.date() + timedelta(days=60),
                "lectures_until": now.date() + timedelta(days=150),
                "honorarium_budget": 100000,
                "lectures_funded": 5,
            },
        )
        Proposal.objects.create(
            call=call,
            proposer=waiting.user,
            kind=Proposal.Kind.GROUP,
            status=Proposal.Status.SUBMITTED,
            title=f"提案講座{department.pk}-{waiting.pk}",
            contact_name="提案 者",
            contact_email="proposer@example.jp",
            submitted_at=now,
        )
        # Room user groups: one waiting, and one waiting that shares a phone with an approved group.
        UserGroupFactory(status=UserGroup.Status.PENDING)
        approved = UserGroupFactory(status=UserGroup.Status.APPROVED)
        UserGroupFactory(status=UserGroup.Status.PENDING, phone=approved.phone, phone_key=approved.phone_key)
        # A school's project with an offer to help waiting for the school's answer.
        school = FacilityFactory(name=f"{department.name}小学校", kind=Facility.Kind.SCHOOL_ELEMENTARY)
        project = SchoolProject.objects.create(
            school=school,
            kind=SchoolProject.Kind.VOLUNTEERS,
            title=f"読み聞かせ{i}",
            description="絵本を読みます。",
            first_day=now.date(),
            last_day=now.date() + timedelta(days=30),
            schedule="毎週水曜",
            audience="低学年",
        )
        ProjectVolunteer.objects.create(project=project, user=waiting.user, name="協力 者", message="読めます")
        # Liaison meetings: for each department one overdue action item (open and overdue), one done.
        meeting, _ = LiaisonMeeting.objects.get_or_create(title="庁内連絡会議", held_on=now.date() - timedelta(days=30))
        for owner in (office.sports, office.childcare):
            ActionItem.objects.create(
                meeting=meeting, title="子育て行事の日程調整", owner=owner, due_on=now.date() - timedelta(days=1)
            )
            ActionItem.objects.create(
                meeting=meeting,
                title="済んだ件",
                owner=owner,
                due_on=now.date() - timedelta(days=2),
                status=ActionItem.Status.DONE,
                done_at=now,
            )
    _venue_work(n)


def _venue_work(n: int) -> None:
    """Room booking (city-wide): rounds past their deadline and not drawn, bookings that ended without
    their attendance marked, regular weekly slots waiting for approval."""
    now = timezone.now()
    serial = LotteryRound.objects.count() + RegularSlot.objects.count()
    facility = FacilityFactory(name=f"作業公民館{serial}")
    frame = TimeFrameFactory(facility=facility, starts_at=time(9), ends_at=time(12))
    for i in range(n):
        LotteryRound.objects.create(
            facility=facility,
            month=date(2030 + (serial + i) // 12, (serial + i) % 12 + 1, 1),
            opens_at=now - timedelta(days=10),
            closes_at=now - timedelta(hours=1),
            confirm_by=now + timedelta(days=7),
            first_come_at=now + timedelta(days=10),
            max_wishes=5,
            max_frames=4,
        )
        room = RoomFactory(facility=facility, bookable=True, name=f"部屋{serial}-{i}")
        group = UserGroupFactory(name=f"作業団体{serial}-{i}")
        Booking.objects.create(
            room=room,
            day=now.date() - timedelta(days=1),
            frame=frame,
            starts_at=now - timedelta(days=1, hours=3),
            ends_at=now - timedelta(days=1),
            group=group,
            purpose="練習",
            attendees=5,
            fee=0,
            amount_due=0,
        )
        RegularSlot.objects.create(
            group=group, fiscal_year=2030, room=room, weekday=i % 7, frame=frame, purpose="練習", attendees=5
        )


CARD = re.compile(r'<li class="work-card work-card--(\w+)" data-card="([\w.]+)">\s*<a href="([^"]+)"')
COUNT = re.compile(r'data-card="([\w.]+)">.*?<span class="work-card__count">\D*(\d+)', re.S)


@dataclass
class ShownCard:
    key: str
    severity: str
    url: str
    count: int


def cards_on(client: Client) -> dict[str, ShownCard]:
    """The cards the workspace shows, read from the page as a person sees it."""
    page = client.get("/staff/").content.decode()
    counts = dict(COUNT.findall(page))
    return {
        key: ShownCard(key=key, severity=severity, url=url.replace("&amp;", "&"), count=int(counts[key]))
        for severity, key, url in CARD.findall(page)
    }


def rows_behind(client: Client, url: str) -> int:
    """How many rows the list a card links to shows: ``data-row`` elements, those named by the
    link's #fragment when it has one."""
    path, _, fragment = url.partition("#")
    response = client.get(path)
    assert response.status_code == 200, url
    page = response.content.decode()
    if fragment:
        return len(re.findall(rf'data-row="{re.escape(fragment)}"', page))
    return len(re.findall(r"data-row[\s>]", page))
