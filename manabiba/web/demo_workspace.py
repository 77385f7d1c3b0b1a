"""Demo work for the staff workspace: one of each kind of item a card counts, so no card shows 0.

The other demo seeds leave the catalogue, groups, registrations and consultations in a calm
state; this adds what a real morning holds — a submission to review and one sent back, a group
reported and one gone quiet, a lottery to draw, an offer about to lapse, a course short of its
minimum, a consultation due today, appointments today and tomorrow and a mail that bounced.
Safe to run again: each item is found by its title or marker before it is made.
"""

from datetime import timedelta
from typing import cast

from django.db import transaction
from django.utils import timezone

from manabiba.accounts.models import Department, User
from manabiba.accounts.roles import Role
from manabiba.communities.models import AbuseReport, CommunityGroup
from manabiba.consultations.models import Channel, Consultation, ReplyChannel, Topic
from manabiba.consultations.services import consultation_assign, consultation_submit
from manabiba.core.models import OutboxMessage
from manabiba.desk.models import Appointment
from manabiba.desk.selectors import at, desk_hours_for_day
from manabiba.facilities.models import Facility
from manabiba.programs.factories import ProgramFactory
from manabiba.programs.models import Organizer, Program
from manabiba.programs.services import program_return, program_submit
from manabiba.registrations.models import Registration, RegistrationSettings
from manabiba.registrations.services import registration_settings_update
from manabiba.web.demo import DEMO_DEPARTMENT, demo_email

DUE_TODAY_MARKER = "（デモ：本日回答期限）"
BOUNCED = "bounced@demo.invalid"


def _person(role: Role) -> User:
    return User.objects.get(email=demo_email(role))


def _programme(title: str, organizer: Organizer, summary: str, **fields: object) -> tuple[Program, bool]:
    found = Program.objects.filter(title=title).first()
    if found is not None:
        return found, False
    # Held at one of the city's community centres, as the other demo programmes are (not at the
    # factory's 「テスト会場」, which residents would see in the catalogue).
    venue = Facility.objects.filter(name__endswith="公民館").order_by("name").first()
    place = {"facility": venue, "area": venue.area, "venue_name": ""} if venue is not None else {}
    # factory_boy's stubs type the call as the factory, not the model it makes.
    made = ProgramFactory(title=title, organizer=organizer, summary=summary, **place, **fields)
    return cast(Program, made), True


@transaction.atomic
def demo_workspace_seed() -> list[str]:
    now = timezone.now()
    coordinator, talent = _person(Role.COORDINATOR), _person(Role.TALENT)
    resident, desk = _person(Role.RESIDENT), _person(Role.DESK_STAFF)
    department = Department.objects.get(name=DEMO_DEPARTMENT[0])
    own, _made = Organizer.objects.get_or_create(
        kind=Organizer.Kind.DEPARTMENT, name=department.name, defaults={"department": department}
    )
    citizen, _made = Organizer.objects.get_or_create(
        kind=Organizer.Kind.CITIZEN, name="市民講師 デモ", defaults={"user": talent}
    )
    made: list[str] = []

    # A citizen's proposal waiting for review, and one sent back with what to change.
    waiting, new = _programme(
        "デモ：はじめての水彩画（審査待ち）", citizen, "身近な風景を透明水彩でえがきます。", created_by=talent
    )
    if new:
        program_submit(program=waiting, actor=talent)
        made.append("programme waiting for review")
    returned, new = _programme(
        "デモ：スマホで写真整理（差し戻し）", citizen, "スマートフォンの写真をアルバムに整理します。", created_by=talent
    )
    if new:
        program_submit(program=returned, actor=talent)
        program_return(program=returned, actor=coordinator, reason="会場と定員を書き足してください。")
        made.append("programme returned to its author")

    # A lottery whose applications closed an hour ago, not drawn yet.
    lottery, new = _programme(
        "デモ：親子ものづくり教室（抽選）",
        own,
        "木の端材で親子いっしょに小物入れを作ります。",
        status=Program.Status.PUBLISHED,
        capacity=12,
        application=Program.Application.SITE,
        applications_open_at=now - timedelta(days=10),
        applications_close_at=now + timedelta(days=1),
    )
    if new:
        registration_settings_update(program=lottery, actor=None, allocation=RegistrationSettings.Allocation.LOTTERY)
        Program.objects.filter(pk=lottery.pk).update(applications_close_at=now - timedelta(hours=1))
        made.append("lottery to draw")

    # A course short of its minimum, with a waiting-list offer about to lapse.
    course, new = _programme(
        "デモ：はじめての太極拳（4回連続）",
        own,
        "ゆっくりした動きで体をほぐす、初めての方向けの講座です。",
        status=Program.Status.PUBLISHED,
        kind=Program.Kind.COURSE,
        session_count=4,
        capacity=15,
        min_participants=8,
        application=Program.Application.SITE,
        applications_open_at=now - timedelta(days=10),
        applications_close_at=now + timedelta(days=4),
    )
    if new:
        registration_settings_update(program=course, actor=None, offer_expiry_hours=24)
        RegistrationSettings.objects.filter(program=course).update(below_minimum_at=now)
        Registration.objects.create(
            program=course,
            user=resident,
            status=Registration.Status.OFFERED,
            offer_expires_at=now + timedelta(hours=5),
        )
        made.append("course below minimum, offer expiring")

    # A group reported by a resident, and one that has not confirmed it is still active.
    groups = list(CommunityGroup.objects.filter(status=CommunityGroup.Status.APPROVED).order_by("pk")[:2])
    if groups and not AbuseReport.objects.filter(reason__startswith="デモ：").exists():
        AbuseReport.objects.create(
            group=groups[0], reporter=resident, reason="デモ：連絡先の電話番号がつながりません。"
        )
        made.append("group reported")
    if len(groups) > 1 and groups[1].confirmation_requested_at is None:
        CommunityGroup.objects.filter(pk=groups[1].pk).update(confirmation_requested_at=now - timedelta(days=40))
        made.append("group asked to confirm it is active")

    # A phone consultation routed to the department, due before the day ends.
    if not Consultation.objects.filter(body__endswith=DUE_TODAY_MARKER).exists():
        consultation = consultation_submit(
            topic=Topic.LEARN,
            body="退職後に地域で学べる講座を知りたい。" + DUE_TODAY_MARKER,
            reply_channel=ReplyChannel.PHONE,
            name="相談 デモ",
            phone="042-000-0000",
            channel=Channel.PHONE,
            logged_by=desk,
        )
        consultation_assign(consultation=consultation, actor=desk, department=department, assignee=None)
        local = timezone.localtime(now)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        Consultation.objects.filter(pk=consultation.pk).update(due_at=now + (midnight - now) / 2)
        made.append("consultation due today")

    # Desk appointments today and tomorrow, on days the desk is open.
    today = timezone.localdate()
    for day in (today, today + timedelta(days=1)):
        hours = desk_hours_for_day(day)
        if not hours.ranges:
            continue
        opens, closes = hours.ranges[-1]
        starts = at(day, opens)
        _appointment, new = Appointment.objects.get_or_create(
            starts_at=starts,
            seat=1,
            defaults={
                "ends_at": min(starts + timedelta(minutes=30), at(day, closes)),
                "name": "来所 デモ",
                "phone": "042-000-0001",
                "topic": Appointment.Topic.LEARNING,
                "channel": Appointment.Channel.PHONE,
            },
        )
        if new:
            made.append(f"desk appointment on {day.isoformat()}")

    # A mail the relay never accepted.
    if not OutboxMessage.objects.filter(to=BOUNCED).exists():
        OutboxMessage.objects.create(
            to=BOUNCED,
            subject="抽選結果のお知らせ",
            body="（デモ）",
            status=OutboxMessage.Status.FAILED,
            attempts=8,
            last_error="550 5.1.1 User unknown",
        )
        made.append("mail that failed to send")
    return [f"workspace: {item}" for item in made] or ["workspace: demo work already there"]
