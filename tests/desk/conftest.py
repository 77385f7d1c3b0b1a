"""The desk's default week (weekday evenings 17–21, weekends 9–12 and 13–17) for every desk test."""

from collections.abc import Callable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.desk.reference import weekly_hours_load

TOKYO = ZoneInfo("Asia/Tokyo")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TOKYO)


@pytest.fixture
def default_week(db: None) -> None:
    weekly_hours_load()


@pytest.fixture
def desk_staff(make_persona: Callable[..., User]) -> User:
    return make_persona(Role.DESK_STAFF, email="desk@example.jp", full_name="窓口 明子")
