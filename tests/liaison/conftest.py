"""Two departments planning in the same town: fixtures for the liaison tests."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.core.factories import AreaFactory
from manabiba.core.models import Area
from manabiba.programs.factories import AudienceFactory, OrganizerFactory, ProgramFactory
from manabiba.programs.models import Audience, Program
from tests.workspace.conftest import Office, make_office


@pytest.fixture
def office(make_persona: Callable[..., User]) -> Office:
    return make_office(make_persona)


@dataclass
class Town:
    area: Area
    other_area: Area
    families: Audience
    seniors: Audience
    saturday: date


@pytest.fixture
def town(db: None) -> Town:
    today = timezone.localdate()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 + 14)
    return Town(
        area=AreaFactory(name="保谷町"),
        other_area=AreaFactory(name="田無町"),
        families=AudienceFactory(name="親子"),
        seniors=AudienceFactory(name="高齢者"),
        saturday=saturday,
    )


def at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def programme(
    department: Any, *, title: str, starts_at: datetime, area: Area, audiences: list[Audience], **kw: Any
) -> Program:
    organizer = OrganizerFactory(name=f"{department.name}", department=department)
    return ProgramFactory(organizer=organizer, title=title, starts_at=starts_at, area=area, audiences=audiences, **kw)
