from datetime import date

import pytest

from manabiba.core.holidays import holiday_name, holidays_of, is_day_off

# The Cabinet Office's published list for 2026 (内閣府「国民の祝日について」).
OFFICIAL_2026 = {
    date(2026, 1, 1): "元日",
    date(2026, 1, 12): "成人の日",
    date(2026, 2, 11): "建国記念の日",
    date(2026, 2, 23): "天皇誕生日",
    date(2026, 3, 20): "春分の日",
    date(2026, 4, 29): "昭和の日",
    date(2026, 5, 3): "憲法記念日",
    date(2026, 5, 4): "みどりの日",
    date(2026, 5, 5): "こどもの日",
    date(2026, 5, 6): "振替休日",
    date(2026, 7, 20): "海の日",
    date(2026, 8, 11): "山の日",
    date(2026, 9, 21): "敬老の日",
    date(2026, 9, 22): "国民の休日",
    date(2026, 9, 23): "秋分の日",
    date(2026, 10, 12): "スポーツの日",
    date(2026, 11, 3): "文化の日",
    date(2026, 11, 23): "勤労感謝の日",
}


def test_2026_matches_the_official_list() -> None:
    assert holidays_of(2026) == OFFICIAL_2026


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2021, 7, 23), "スポーツの日"),  # moved for the Olympics
        (date(2021, 8, 9), "振替休日"),  # 山の日 on Sunday 8 August
        (date(2025, 2, 24), "振替休日"),  # 天皇誕生日 on a Sunday
        (date(2025, 3, 20), "春分の日"),
        (date(2024, 9, 22), "秋分の日"),
        (date(2027, 3, 21), "春分の日"),
    ],
)
def test_moved_substitute_and_equinox_days(day: date, name: str) -> None:
    assert holiday_name(day) == name


def test_days_off_are_weekends_and_holidays() -> None:
    assert is_day_off(date(2026, 11, 28))  # Saturday
    assert is_day_off(date(2026, 11, 23))  # Monday, 勤労感謝の日
    assert not is_day_off(date(2026, 11, 25))  # an ordinary Wednesday
    assert holiday_name(date(2026, 11, 25)) is None
