"""Demo data for room booking: user groups (one flagged as a likely duplicate), a month of bookings, and
田無小学校 with its school calendar, 学校開放 rules, community learning projects (volunteers offered and
accepted) and an open lecture whose sessions hold its 多目的室.

Idempotent: groups are found by name, a frame already held is left alone, so a second run changes nothing.
"""

from datetime import date, time, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.facilities.models import Facility, Room
from manabiba.facilities.reference import rooms_load
from manabiba.facilities.selectors import facility_closed_days, facility_frames
from manabiba.venues import school_services, selectors, services
from manabiba.venues.factories import UserGroupFactory
from manabiba.venues.models import (
    Booking,
    LotteryEntry,
    LotteryRound,
    LotteryWish,
    ProjectVolunteer,
    RegularSlot,
    SchoolBlock,
    SchoolOpeningRules,
    SchoolProject,
    UserGroup,
)
from manabiba.venues.programme_selectors import HOLDABLE, frames_for_session
from manabiba.venues.programme_services import program_room_book
from manabiba.venues.services import MAX_UPCOMING_PER_GROUP

DEMO_DOMAIN = "demo.manabiba.jp"
# The facilities whose rooms get a month of bookings; the others stay free to try booking.
BUSY_FACILITIES = ["田無公民館", "保谷駅前公民館"]
BOOKING_DAYS = 30
# Names of the groups that fill the month; each holds at most MAX_UPCOMING_PER_GROUP frames, as a real one would.
CIRCLES = [
    "田無俳句会", "水彩スケッチの会", "太極拳ひばり", "英会話サロン", "囲碁クラブ柳沢", "フラダンス教室",
    "西東京写真部", "子育てひろば", "手話サークル", "歴史散歩の会", "シニアPC教室", "読み聞かせの会",
    "ウクレレ同好会", "健康体操クラブ", "書道の会", "生け花サークル", "落語を楽しむ会", "日本語教室",
    "折り紙クラブ", "絵手紙の会", "合唱団こもれび", "茶道サークル", "料理研究会", "社交ダンス同好会",
    "川柳の会", "詩吟の会", "将棋クラブ", "朗読の会", "園芸サークル", "マジック同好会",
    "ペン習字の会", "布ぞうりの会", "ヨガサークル", "切り絵の会", "大正琴の会", "民謡同好会",
    "郷土料理の会", "パソコン相談会", "オカリナの会", "ボッチャ同好会", "ハーモニカの会", "健康麻雀の会",
    "手芸の会", "映画を語る会", "野鳥観察の会", "ストレッチの会", "自分史を書く会", "防災を学ぶ会",
    "ボードゲーム部", "クラシック鑑賞会",
]  # fmt: skip


def _owner(email: str, name: str) -> User:
    found = User.objects.filter(email=email).first()
    if found is None:
        found = User.objects.create(
            email=email, full_name=name, password=make_password(None), email_verified_at=timezone.now()
        )
    return found


def _group(name: str, owner: User, **fields: object) -> UserGroup:
    found = UserGroup.objects.filter(name=name).first()
    if found is None:
        found = UserGroupFactory.create(name=name, owner=owner, email=owner.email, **fields)
    assert isinstance(found, UserGroup)
    return found


@transaction.atomic
def venues_demo_seed(*, today: date | None = None) -> list[str]:
    """Rooms and frames, facility staff at 田無公民館, user groups and a month of bookings."""
    rooms_load()
    today = today or timezone.localdate()
    staff = User.objects.filter(email=f"facility-staff@{DEMO_DOMAIN}").first()
    tanashi = Facility.objects.filter(name="田無公民館").first()
    if staff is not None and tanashi is not None:
        tanashi.staff.add(staff)
    organiser = User.objects.filter(email=f"group-organiser@{DEMO_DOMAIN}").first()
    if organiser is not None:
        _group(
            "ひばり合唱団",
            organiser,
            representative_name="歌 好子",
            phone="042-111-2222",
            address="ひばりが丘一丁目2番3号",
        )
    # The same circle again under another name and applicant: the approval page flags it.
    _group(
        "ひばりコーラス",
        _owner(f"venues-chorus@{DEMO_DOMAIN}", "歌 好男"),
        representative_name="歌 好男",
        phone="042(111)2222",
        address="西東京市ひばりが丘1-2-3",
        status=UserGroup.Status.PENDING,
    )
    circles = [
        _group(name, _owner(f"venues-group{number}@{DEMO_DOMAIN}", f"{name} 代表"))
        for number, name in enumerate(CIRCLES, start=1)
    ]
    held = {group.pk: selectors.bookings_of_group(group).count() for group in circles}
    created = 0
    rooms = Room.objects.filter(facility__name__in=BUSY_FACILITIES, bookable=True).select_related("facility")
    for room in rooms.order_by("facility__name", "name"):
        frames = facility_frames(room.facility)
        last = today + timedelta(days=BOOKING_DAYS)
        closed = facility_closed_days(room.facility, today + timedelta(days=1), last)
        day = today + timedelta(days=1)
        while day <= last:
            for frame in frames:
                # About two frames in five, the same ones on every run.
                if day in closed or (room.pk * 7 + day.toordinal() * 3 + frame.starts_at.hour) % 5 > 1:
                    continue
                if Booking.objects.filter(room=room, day=day, frame=frame, status=Booking.Status.BOOKED).exists():
                    continue
                group = next((g for g in circles if held[g.pk] < MAX_UPCOMING_PER_GROUP), None)
                if group is None:
                    break
                channel = [Booking.Channel.ONLINE, Booking.Channel.ONLINE, Booking.Channel.PHONE][day.day % 3]
                Booking.objects.create(
                    room=room,
                    day=day,
                    frame=frame,
                    starts_at=selectors.at(day, frame.starts_at),
                    ends_at=selectors.at(day, frame.ends_at),
                    group=group,
                    purpose="定例の活動",
                    attendees=min(room.capacity or 10, 12),
                    fee=room.fee_per_frame,
                    amount_due=room.fee_per_frame,
                    channel=channel,
                    booked_by=group.owner if channel == Booking.Channel.ONLINE else staff,
                )
                held[group.pk] += 1
                created += 1
            day += timedelta(days=1)
    lines = [f"room user groups: {UserGroup.objects.count()}", f"room bookings: {created} created"]
    # The school's blocked days and programme rooms first, so that the lottery's rounds see them.
    schools = _schools_seed(staff, today)
    return [*lines, f"school projects: {schools} created", *_fair_allocation_demo(today, circles, staff)]


def _fair_allocation_demo(today: date, circles: list[UserGroup], staff: User | None) -> list[str]:
    """A regular weekly slot, a drawn round (next month, 保谷駅前公民館) and a round of the month after next
    (田無公民館) with entries, which takes entries when the demo is seeded between the timeline's opening and
    closing days (1st–10th by default)."""
    tanashi = Facility.objects.filter(name="田無公民館").first()
    hoya = Facility.objects.filter(name="保谷駅前公民館").first()
    if tanashi is None or hoya is None or len(circles) < 4:
        return []
    now = selectors.at(today, time(10))
    room = Room.objects.filter(facility=hoya, bookable=True).order_by("name").first()
    frames = facility_frames(hoya)
    if room is None or not frames:
        return []
    slot, created = RegularSlot.objects.get_or_create(
        group=circles[0],
        fiscal_year=selectors.fiscal_year_of(today),
        defaults={
            "room": room,
            "weekday": 2,
            "frame": frames[-1],
            "purpose": "毎週の定例練習",
            "attendees": min(room.capacity or 10, 15),
            "status": RegularSlot.Status.APPROVED,
            "reviewed_at": now,
            "reviewed_by": staff,
        },
    )
    if created:
        for months in (0, 1):
            services.regular_slot_place(slot=slot, month=selectors.month_shift(today.replace(day=1), months), now=now)
    drawn = services.round_open(facility=hoya, month=selectors.month_shift(today.replace(day=1), 1), now=now)
    upcoming = services.round_open(facility=tanashi, month=selectors.month_shift(today.replace(day=1), 2), now=now)
    for round_, groups in ((drawn, circles[1:4]), (upcoming, circles[4:7])):
        rooms = list(Room.objects.filter(facility=round_.facility, bookable=True).order_by("name")[:2])
        round_frames = facility_frames(round_.facility)
        if round_.status != LotteryRound.Status.OPEN or not rooms or not round_frames:
            continue
        for number, group in enumerate(groups):
            entry, entry_created = LotteryEntry.objects.get_or_create(
                round=round_,
                group=group,
                defaults={"purpose": "定例の活動", "attendees": 10, "entered_by": group.owner},
            )
            if not entry_created:
                continue
            # Every group wants the first Saturday evening first: the draw decides.
            saturdays = [d for d in services._month_days(round_.month) if d.weekday() == 5]
            wishes = [
                (rooms[0], saturdays[0], round_frames[-1]),
                (rooms[-1], saturdays[1 + number % 2], round_frames[0]),
            ]
            LotteryWish.objects.bulk_create(
                [
                    LotteryWish(entry=entry, rank=rank, room=w_room, day=w_day, frame=w_frame)
                    for rank, (w_room, w_day, w_frame) in enumerate(wishes, start=1)
                ]
            )
    if drawn.status == LotteryRound.Status.OPEN and now >= drawn.closes_at:
        services.round_draw(round_=drawn, now=now)
    return [
        f"room lottery rounds: {LotteryRound.objects.count()}",
        f"regular weekly slots: {RegularSlot.objects.count()}",
    ]


def _next_open_saturday(school: Facility, start: date, blocked: set[date]) -> date:
    """The first Saturday from ``start`` on which the school's rooms are open."""
    day = start + timedelta(days=(5 - start.weekday()) % 7)
    closed = facility_closed_days(school, day, day + timedelta(days=120))
    while day in closed or day in blocked:
        day += timedelta(days=7)
    return day


def _schools_seed(staff: User | None, today: date) -> int:
    """田無小学校 run by the demo facility staff: two blocked days, the usual 学校開放 rules saved, three
    projects (a volunteer offer waiting and one accepted) and an open lecture holding its room."""
    school = Facility.objects.filter(name="田無小学校").first()
    if school is None or staff is None:
        return 0
    school.staff.add(staff)
    sports_day = _next_open_saturday(school, today + timedelta(days=10), set())
    for day, event in [(sports_day, "運動会"), (sports_day + timedelta(days=28), "学芸会")]:
        if not SchoolBlock.objects.filter(school=school, day=day).exists():
            school_services.school_block_set(actor=staff, school=school, day=day, event=event)
    if not SchoolOpeningRules.objects.filter(school=school).exists():
        school_services.school_rules_set(
            actor=staff, school=school, min_members=10, min_city_percent=50, adult_representative_for_minors=True
        )
    # Three Saturdays in a row on which the school is open (not the year end, a holiday or a school event).
    blocked = set(SchoolBlock.objects.filter(school=school).values_list("day", flat=True))
    lecture_day = _next_open_saturday(school, today + timedelta(days=14), blocked)
    while any(
        _next_open_saturday(school, lecture_day + timedelta(days=7 * n), blocked) != lecture_day + timedelta(days=7 * n)
        for n in (1, 2)
    ):
        lecture_day = _next_open_saturday(school, lecture_day + timedelta(days=7), blocked)
    projects: list[dict[str, Any]] = [
        {
            "kind": SchoolProject.Kind.VOLUNTEERS,
            "title": "朝の読み聞かせボランティア",
            "description": "毎週水曜の朝15分、1〜3年生の教室で絵本を読んでくださる方を募集します。",
            "schedule": "毎週水曜 8:30–8:45",
            "audience": "1〜3年生",
            "helpers_needed": 4,
            "skills": "読み聞かせ, 絵本",
            "details_for_volunteers": "8:20までに正門横の受付で名札を受け取ってください。上履きをお持ちください。",
        },
        {
            "kind": SchoolProject.Kind.AFTER_SCHOOL,
            "title": "放課後子ども教室「おりがみとあそび」",
            "description": "放課後の多目的室で、子どもたちと折り紙や昔遊びをします。見守りの方も歓迎です。",
            "schedule": "毎週木曜 15:00–16:30",
            "audience": "全学年の児童",
            "helpers_needed": 3,
            "skills": "折り紙, 昔遊び",
            "details_for_volunteers": "14:50に多目的室へお越しください。",
        },
        {
            "kind": SchoolProject.Kind.VOLUNTEERS,
            "title": "学校花壇づくりサポーター",
            "description": "学校の花壇の植え替えと水やりを、子どもたちと一緒に行います。",
            "schedule": "月1回 土曜 9:30–11:00",
            "audience": "4年生と地域の方",
            "helpers_needed": 5,
            "skills": "園芸",
            "details_for_volunteers": "軍手と帽子をお持ちください。",
        },
    ]
    created = 0
    for fields in projects:
        if SchoolProject.objects.filter(school=school, title=fields["title"]).exists():
            continue
        school_services.school_project_create(
            actor=staff,
            school=school,
            first_day=today + timedelta(days=7),
            last_day=today + timedelta(days=90),
            **fields,
        )
        created += 1
    lecture_title = "親子で楽しむプログラミング教室"
    if not SchoolProject.objects.filter(school=school, title=lecture_title).exists():
        lecture = school_services.school_project_create(
            actor=staff,
            school=school,
            kind=SchoolProject.Kind.OPEN_LECTURE,
            title=lecture_title,
            description="学校のパソコン室の機器を使い、親子でやさしいプログラミングに挑戦します。",
            first_day=lecture_day,
            last_day=lecture_day + timedelta(days=14),
            schedule="土曜 10:00–12:00（3回）",
            audience="小学生とその保護者",
            helpers_needed=2,
            skills="プログラミング",
            lecture_starts=time(10),
            lecture_ends=time(12),
            capacity=20,
        )
        created += 1
        room = Room.objects.filter(facility=school, name="多目的室", bookable=True).first()
        if room is not None and lecture.program is not None:
            # The lecture's sessions hold the room, so no group books it for those mornings.
            for session in lecture.program.sessions.all():
                for frame in frames_for_session(session, school):
                    if selectors.frame_state(room, day=session.local_date, frame=frame) in HOLDABLE:
                        program_room_book(
                            actor=staff, program=lecture.program, room=room, day=session.local_date, frame=frame
                        )
    reading = SchoolProject.objects.filter(school=school, title="朝の読み聞かせボランティア").first()
    if reading is not None and not reading.volunteers.exists():
        for number, (name, status) in enumerate(
            [("本田 よみこ", ProjectVolunteer.Status.ACCEPTED), ("絵本 すきお", ProjectVolunteer.Status.OFFERED)],
            start=1,
        ):
            ProjectVolunteer.objects.create(
                project=reading,
                user=_owner(f"school-volunteer{number}@{DEMO_DOMAIN}", name),
                name=name,
                phone=f"090-0000-00{number:02d}",
                message="子どもが好きで、家でも毎晩読み聞かせをしています。",
                status=status,
                answered_by=staff if status == ProjectVolunteer.Status.ACCEPTED else None,
                answered_at=timezone.now() if status == ProjectVolunteer.Status.ACCEPTED else None,
            )
    return created
