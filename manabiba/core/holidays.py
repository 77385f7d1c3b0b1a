"""Japanese national holidays (国民の祝日), computed, for 2020 onwards.

Computed rather than listed so that nothing has to be updated each year. The equinox days
use the standard approximation, which matches the official announcements for 1980–2099.
"""

from datetime import date, timedelta
from functools import lru_cache

from manabiba.core.dates import FIRST_DAY, LAST_DAY

# The Olympic years moved three holidays by special law.
_MOVED = {
    2020: {"umi": date(2020, 7, 23), "sports": date(2020, 7, 24), "yama": date(2020, 8, 10)},
    2021: {"umi": date(2021, 7, 22), "sports": date(2021, 7, 23), "yama": date(2021, 8, 8)},
}


def _nth_monday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    offset = (0 - first.weekday()) % 7
    return first + timedelta(days=offset + 7 * (n - 1))


def _equinox(year: int, base: float) -> int:
    return int(base + 0.242194 * (year - 1980) - (year - 1980) // 4)


@lru_cache(maxsize=64)
def holidays_of(year: int) -> dict[date, str]:
    """Every national holiday of ``year``, with its Japanese name (none outside the site's span of
    days, ``core.dates``: the equinox formulas hold for this century only)."""
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        return {}
    moved = _MOVED.get(year, {})
    days = {
        date(year, 1, 1): "元日",
        _nth_monday(year, 1, 2): "成人の日",
        date(year, 2, 11): "建国記念の日",
        date(year, 2, 23): "天皇誕生日",
        date(year, 3, _equinox(year, 20.8431)): "春分の日",
        date(year, 4, 29): "昭和の日",
        date(year, 5, 3): "憲法記念日",
        date(year, 5, 4): "みどりの日",
        date(year, 5, 5): "こどもの日",
        moved.get("umi", _nth_monday(year, 7, 3)): "海の日",
        moved.get("yama", date(year, 8, 11)): "山の日",
        _nth_monday(year, 9, 3): "敬老の日",
        date(year, 9, _equinox(year, 23.2488)): "秋分の日",
        moved.get("sports", _nth_monday(year, 10, 2)): "スポーツの日",
        date(year, 11, 3): "文化の日",
        date(year, 11, 23): "勤労感謝の日",
    }
    # 国民の休日: a day between two holidays is a holiday too (in practice, in September).
    for day in sorted(days):
        between = day + timedelta(days=1)
        if between not in days and between + timedelta(days=1) in days and between.weekday() != 6:
            days[between] = "国民の休日"
    # 振替休日: a holiday on a Sunday moves the day off to the next day that is not a holiday.
    for day in sorted(days):
        if day.weekday() == 6:
            substitute = day + timedelta(days=1)
            while substitute in days:
                substitute += timedelta(days=1)
            days[substitute] = "振替休日"
    return dict(sorted(days.items()))


def holiday_name(day: date) -> str | None:
    return holidays_of(day.year).get(day)


def is_day_off(day: date) -> bool:
    """Saturday, Sunday or a national holiday: when people who work weekdays are free."""
    return day.weekday() >= 5 or day in holidays_of(day.year)


def is_year_end_closure(day: date) -> bool:
    """29 December to 3 January, when the city's offices and most of its facilities close (年末年始)."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


# The holidays' names on English pages (the Cabinet Office's English list).
HOLIDAY_NAMES_EN = {
    "元日": "New Year's Day",
    "成人の日": "Coming of Age Day",
    "建国記念の日": "National Foundation Day",
    "天皇誕生日": "The Emperor's Birthday",
    "春分の日": "Vernal Equinox Day",
    "昭和の日": "Showa Day",
    "憲法記念日": "Constitution Memorial Day",
    "みどりの日": "Greenery Day",
    "こどもの日": "Children's Day",
    "海の日": "Marine Day",
    "山の日": "Mountain Day",
    "敬老の日": "Respect for the Aged Day",
    "秋分の日": "Autumnal Equinox Day",
    "体育の日": "Health and Sports Day",
    "スポーツの日": "Sports Day",
    "文化の日": "Culture Day",
    "勤労感謝の日": "Labour Thanksgiving Day",
    "振替休日": "Substitute Holiday",
    "国民の休日": "Citizens' Holiday",
    "休日": "Holiday",
}


def holiday_label(name: str) -> str:
    """A holiday's name in the reader's language (the Japanese name on Japanese pages)."""
    from django.utils import translation

    if (translation.get_language() or "").startswith("en"):
        return HOLIDAY_NAMES_EN.get(name, "Public holiday")
    return name
