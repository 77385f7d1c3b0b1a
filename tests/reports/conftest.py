"""A small city for the reports, with figures that can be counted by hand.

Today is fixed at 3 December 2026 (fiscal year 2026, April 2026 – March 2027). Per call of
``build_city`` each of the two departments (sports, childcare) gets, in FY2026:

- a weekday-evening course (Wednesday 10 June 2026, 19:00, one session) in the field 芸術・文化, area 田無町,
  with 3 confirmed registrations (2 came), 1 cancelled, and a lottery of 2 seats;
- a weekend event (Saturday 16 May 2026, 10:00) in the field スポーツ, with 1 confirmed registration;
and in FY2025 one weekday-morning event (Wednesday 11 June 2025, 10:00) in スポーツ with 2 confirmed.
Different people (guests, by e-mail, per department): a (the course, who came, and the weekend event),
b (the course, came), c (the course) in FY2026; a and d in FY2025.
A group organiser adds one weekday-morning event in FY2026 (no department). Consultations: per
department two in FY2026 (one by phone answered in 4 hours on time, one by web answered in 30 hours
late) and one in FY2025.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from manabiba.accounts.factories import DepartmentFactory
from manabiba.accounts.models import Department, User
from manabiba.accounts.roles import Role
from manabiba.consultations.models import Channel, Consultation, ReplyChannel, Topic
from manabiba.consultations.services import consultation_submit
from manabiba.core.models import Area
from manabiba.programs.factories import CategoryFactory, OrganizerFactory, ProgramFactory
from manabiba.programs.models import Organizer, Program
from manabiba.registrations.models import Attendance, LotteryDraw, Registration
from manabiba.registrations.services import registrations_person_tokens_fill

TOKYO = ZoneInfo("Asia/Tokyo")
TODAY = datetime(2026, 12, 3, 10, 0, tzinfo=TOKYO)


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(TODAY, tick=False):
        yield


@dataclass
class City:
    sports: Department
    childcare: Department
    coordinator: User
    sports_staff: User
    desk: User
    area: Area


@pytest.fixture
def city(make_persona: Callable[..., User]) -> City:
    sports = DepartmentFactory(name="スポーツ振興課")
    childcare = DepartmentFactory(name="子育て支援課")
    return City(
        sports=sports,
        childcare=childcare,
        coordinator=make_persona(Role.COORDINATOR, email="coordinator@example.jp"),
        sports_staff=make_persona(Role.DEPARTMENT_STAFF, email="sports@example.jp", department=sports),
        desk=make_persona(Role.DESK_STAFF, email="desk@example.jp"),
        area=Area.objects.get_or_create(name="田無町", defaults={"kana": "たなしちょう"})[0],
    )


def _at(year: int, month: int, day: int, hour: int) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=TOKYO)


def _register(
    program: Program, status: str, *, came: bool = False, area: Area | None = None, age: str = "", person: str = ""
) -> None:
    registration = Registration.objects.create(
        program=program,
        status=status,
        full_name="参加 者",
        lives_in_city=True,
        area=area,
        age_band=age,
        email=f"{person}@example.jp" if person else "",
    )
    if came:
        session = program.sessions.first()
        assert session is not None
        Attendance.objects.create(
            registration=registration, session=session, present=True, recorded_at=session.starts_at
        )


def _consultation(
    city: City, department: Department, *, at: datetime, channel: str, answer_hours: int, on_time: bool
) -> None:
    with time_machine.travel(at, tick=False):
        made = consultation_submit(
            topic=Topic.LEARN,
            body="講座を探しています。",
            reply_channel=ReplyChannel.PHONE,
            name="相談 者",
            phone="042-000-0000",
            channel=channel,
            logged_by=city.desk,
        )
    Consultation.objects.filter(pk=made.pk).update(
        department=department,
        first_response_at=at + timedelta(hours=answer_hours),
        first_response_on_time=on_time,
        closed_at=at + timedelta(hours=answer_hours * 2),
        status=Consultation.Status.CLOSED,
        last_activity_at=at + timedelta(hours=answer_hours * 2),
    )


def build_city(city: City, n: int = 1) -> None:
    arts = CategoryFactory(major="芸術・文化")
    sport = CategoryFactory(major="スポーツ")
    for round_ in range(n):
        for department in (city.sports, city.childcare):
            organizer = OrganizerFactory(name=f"{department.name}主催", department=department)
            course = ProgramFactory(
                published=True,
                organizer=organizer,
                starts_at=_at(2026, 6, 10, 19),
                categories=[arts],
                area=city.area,
                capacity=2,
                title=f"夜の講座{round_}",
            )
            LotteryDraw.objects.create(program=course, seed="s", capacity=2, drawn_at=_at(2026, 6, 1, 9))
            # People (by e-mail, as the desk registers guests): a comes to the course and the
            # weekend event, b and c to the course; a again and d last year.
            a, b, c, d = (f"{who}.{department.pk}" for who in "abcd")
            _register(course, Registration.Status.CONFIRMED, came=True, area=city.area, age="60代", person=a)
            _register(course, Registration.Status.CONFIRMED, came=True, area=city.area, age="60代", person=b)
            _register(course, Registration.Status.CONFIRMED, area=city.area, age="30代", person=c)
            _register(course, Registration.Status.CANCELLED)
            weekend = ProgramFactory(
                published=True, organizer=organizer, starts_at=_at(2026, 5, 16, 10), categories=[sport], weekend=True
            )
            _register(weekend, Registration.Status.CONFIRMED, person=a)
            last_year = ProgramFactory(
                published=True, organizer=organizer, starts_at=_at(2025, 6, 11, 10), categories=[sport]
            )
            _register(last_year, Registration.Status.CONFIRMED, person=a)
            _register(last_year, Registration.Status.CONFIRMED, person=d)
            _consultation(city, department, at=_at(2026, 5, 7, 10), channel=Channel.PHONE, answer_hours=4, on_time=True)
            _consultation(city, department, at=_at(2026, 9, 7, 10), channel=Channel.WEB, answer_hours=30, on_time=False)
            _consultation(
                city, department, at=_at(2025, 9, 8, 10), channel=Channel.PHONE, answer_hours=10, on_time=True
            )
        group = OrganizerFactory(name="市民の会", kind=Organizer.Kind.GROUP, department=None)
        ProgramFactory(published=True, organizer=group, starts_at=_at(2026, 7, 8, 10), categories=[sport])
    # Rows written without the services get their person tokens from the periodic run.
    registrations_person_tokens_fill()
