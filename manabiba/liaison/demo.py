"""Demo data for working as one city: department contacts, a liaison meeting with open action items, and a
clash on the planning calendar (two departments' 親子 events in the same town on the same Saturday morning).

Made through the services, as the coordinator and the departments would. Every name is made up; the
phone numbers are the departments' published ones or fictional extensions. A second run finds each
row again (contacts by department and name, the meeting by its title, programmes by their titles) and
creates nothing. Run after the demo people, the reference data and the demo programmes exist.
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from manabiba.accounts.models import Department, DepartmentContact, User
from manabiba.accounts.services import department_contact_save
from manabiba.core.models import Area
from manabiba.liaison.models import LiaisonMeeting
from manabiba.liaison.services import action_item_assign, action_item_close, meeting_record
from manabiba.programs.models import Audience, Organizer, Program
from manabiba.programs.services import SessionTimes, organizer_get_or_create, program_create, program_publish

# The demo people made by the web app's demo data (same values, not imported: web sits above this app).
DEMO_DOMAIN = "demo.manabiba.jp"
COORDINATOR_EMAIL = f"coordinator@{DEMO_DOMAIN}"
DEPARTMENT_EMAIL = f"department-staff@{DEMO_DOMAIN}"
DEMO_DEPARTMENT = "社会教育課"

# (department, name, role, phone, extension): contacts without an account of their own.
CONTACTS = [
    ("子育て支援課", "子育て 葵", "地域子育て支援係長", "042-000-0101", "3120"),
    ("スポーツ振興課", "運動 健太", "地域スポーツ担当", "042-438-4081", "3341"),
    ("高齢者支援課", "長寿 和子", "地域包括ケア担当", "042-000-0102", "2210"),
    ("文化振興課", "文化 誠", "市民文化担当", "042-438-4040", "2405"),
]
MEETING_TITLE = "令和8年度 第2回 庁内地域施策連絡会議"
CLASH_AREA = "保谷町"
CLASH_AUDIENCE = "親子"
CLASH_TITLES = ("親子でからだを動かそう（デモ）", "親子ふれあいひろば（デモ）")


def _saturday(weeks_ahead: int) -> date:
    today = timezone.localdate()
    return today + timedelta(days=(5 - today.weekday()) % 7 + 7 * weeks_ahead)


def _contacts(coordinator: User) -> int:
    made = 0
    demo_department = Department.objects.filter(name=DEMO_DEPARTMENT).first()
    staff = User.objects.filter(email=DEPARTMENT_EMAIL).first()
    ours = demo_department is not None and staff is not None and staff.department_id == demo_department.pk
    if ours and not DepartmentContact.objects.filter(department=demo_department, user=staff).exists():
        assert demo_department is not None
        department_contact_save(
            department=demo_department,
            actor=coordinator,
            user=staff,
            role_note="生涯学習・地域施策担当",
            extension="2831",
        )
        made += 1
    for name, person, role, phone, extension in CONTACTS:
        department = Department.objects.filter(name=name).first()
        if department is None or DepartmentContact.objects.filter(department=department, name=person).exists():
            continue
        department_contact_save(
            department=department, actor=coordinator, name=person, role_note=role, phone=phone, extension=extension
        )
        made += 1
    return made


def _meeting(coordinator: User) -> int:
    if LiaisonMeeting.objects.filter(title=MEETING_TITLE).exists():
        return 0
    by_name = {d.name: d for d in Department.objects.filter(name__in=[DEMO_DEPARTMENT, *(c[0] for c in CONTACTS)])}
    if DEMO_DEPARTMENT not in by_name or "子育て支援課" not in by_name:
        return 0
    today = timezone.localdate()
    meeting = meeting_record(
        actor=coordinator,
        title=MEETING_TITLE,
        held_on=today - timedelta(days=14),
        departments=list(by_name.values()),
        minutes=(
            "1. 各課の秋の講座・行事予定を共有した。\n"
            "2. 保谷町で子育て支援課とスポーツ振興課の親子向け行事が同じ土曜午前に重なる件を協議した。\n"
            "3. 地域団体向けの支援窓口を一覧にし、市民にわかりやすく周知することを確認した。"
        ),
    )
    owner = by_name[DEMO_DEPARTMENT]
    action_item_assign(
        meeting=meeting,
        actor=coordinator,
        title="各課の地域施策担当者の一覧を更新し、庁内に共有する",
        owner=owner,
        due_on=today - timedelta(days=2),
        details="連絡先ディレクトリに未登録の課に登録を依頼する。",
    )
    action_item_assign(
        meeting=meeting,
        actor=coordinator,
        title="地域団体向け支援窓口の案内ページ案を作る",
        owner=owner,
        due_on=today + timedelta(days=21),
    )
    done = action_item_assign(
        meeting=meeting,
        actor=coordinator,
        title="保谷町の親子行事の日程重複について相手課と調整する",
        owner=by_name["子育て支援課"],
        due_on=today + timedelta(days=7),
    )
    action_item_close(item=done, actor=coordinator, note="スポーツ振興課と電話で調整。対象年齢が異なるため両方実施。")
    return 3


def _clash() -> int:
    area = Area.objects.filter(name=CLASH_AREA).first()
    audience = Audience.objects.filter(name=CLASH_AUDIENCE).first()
    if area is None or audience is None:
        return 0
    day = _saturday(3)
    made = 0
    plans = [
        ("子育て支援課", CLASH_TITLES[1], time(10, 0), True),
        ("スポーツ振興課", CLASH_TITLES[0], time(10, 30), False),
    ]
    for department_name, title, starts, publish in plans:
        department = Department.objects.filter(name=department_name).first()
        if department is None or Program.objects.filter(title=title).exists():
            continue
        organizer = organizer_get_or_create(kind=Organizer.Kind.DEPARTMENT, name=department.name, department=department)
        starts_at = timezone.make_aware(datetime.combine(day, starts))
        program = program_create(
            actor=None,
            organizer=organizer,
            title=title,
            summary="親子で参加できる地域の催しです。",
            kind=Program.Kind.EVENT,
            area=area,
            venue_name="保谷町の地域施設",
            audiences=[audience],
            sessions=[SessionTimes(starts_at=starts_at, ends_at=starts_at + timedelta(hours=2))],
        )
        if publish:
            program_publish(program=program, actor=None)
        made += 1
    return made


@transaction.atomic
def demo_liaison_seed() -> list[str]:
    coordinator = User.objects.filter(email=COORDINATOR_EMAIL).first()
    if coordinator is None:
        return ["liaison: no demo coordinator, nothing made"]
    return [
        f"department contacts: {_contacts(coordinator)} created",
        f"liaison meeting action items: {_meeting(coordinator)} created",
        f"programmes that clash on the planning calendar: {_clash()} created",
    ]
