"""Demo data for room booking: user groups (one flagged as a likely duplicate) and a month of bookings.

Idempotent: groups are found by name, a frame already held is left alone, so a second run changes nothing.
"""

from datetime import date, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.facilities.models import Facility, Room
from manabiba.facilities.reference import rooms_load
from manabiba.facilities.selectors import facility_closed_days, facility_frames
from manabiba.venues import selectors, services
from manabiba.venues.factories import UserGroupFactory
from manabiba.venues.models import Booking, LotteryEntry, LotteryRound, LotteryWish, RegularSlot, UserGroup
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
    return [*lines, *_fair_allocation_demo(today, circles, staff)]


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
