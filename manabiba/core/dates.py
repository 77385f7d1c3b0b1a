"""The span of days the site deals with, and reading a day a visitor typed into a URL.

National holidays are computed by formulas (equinoxes, happy Mondays) that hold for this
century only, and Python's dates end in year 9999, so a day far outside this span is not a
question the site can answer: pages say "not found", forms and the API say which span is allowed.
"""

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)
# Offsets and page numbers beyond this are no list the site can have; databases overflow at 2**63.
MAX_OFFSET = 1_000_000


def day_in_range(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def moment_in_range(moment: datetime) -> bool:
    return day_in_range(timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date())


def day_from_iso(value: str) -> date | None:
    """The day ``YYYY-MM-DD`` names, or None when it is not a day or lies outside the span."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if day_in_range(day) else None


def out_of_range_message() -> str:
    return _("Choose a date between %(first)s and %(last)s.") % {
        "first": FIRST_DAY.isoformat(),
        "last": LAST_DAY.isoformat(),
    }


def require_day_in_range(day: date) -> date:
    """For schema validators: the day, or a ValueError with the message the caller reads."""
    if not day_in_range(day):
        raise ValueError(out_of_range_message())
    return day


def require_moment_in_range(moment: datetime) -> datetime:
    if not moment_in_range(moment):
        raise ValueError(out_of_range_message())
    return moment


def month_from_text(value: str) -> date | None:
    """The first day of the month ``YYYY-MM`` names, or None when it is not one within the span."""
    year, dash, month = value.partition("-")
    if not (dash and year.isdigit() and month.isdigit() and len(year) == 4 and len(month) == 2):
        return None
    if not 1 <= int(month) <= 12:
        return None
    first = date(int(year), int(month), 1)
    return first if day_in_range(first) else None


def require_month(value: str) -> str:
    """For schema validators: ``YYYY-MM`` within the span, or empty; otherwise a ValueError saying so."""
    if value and month_from_text(value) is None:
        raise ValueError(
            _("Give the month as YYYY-MM between %(first)s and %(last)s, for example 2026-11.")
            % {"first": f"{FIRST_DAY:%Y-%m}", "last": f"{LAST_DAY:%Y-%m}"}
        )
    return value


def response_target(targets: Mapping[str, int], key: str, *, fallback: str = "other") -> timedelta:
    """The time the city takes at most to answer, from a ``{key: days}`` setting with a fallback key.

    Consultations (per topic) and support requests' tasks (per kind of help) count their due dates
    with it, so both read such settings the same way."""
    return timedelta(days=targets.get(key, targets[fallback]))


# --- the one way dates and times are written for people -------------------------------------------
# Japanese: 2027年1月16日（土）10:00〜12:00 (the weekday in full-width brackets, no space before the
# time, 〜 between); English: Sat 16 January 2027 10:00–12:00. Pages and mail use these through the
# template filters of ``core/templatetags/dates.py`` (and the programmes' and desk's filters, which
# call them); ISO dates are only for data and machine formats (URLs, ``datetime`` attributes, CSV).

JAPANESE_WEEKDAYS = "月火水木金土日"


def _japanese() -> bool:
    from django.utils.translation import get_language

    return not (get_language() or "ja").startswith("en")


def _local_day(value: date | datetime) -> date:
    return timezone.localtime(value).date() if isinstance(value, datetime) else value


def format_day(value: date | datetime | None) -> str:
    """``2027年1月16日（土）`` or ``Sat 16 January 2027``."""
    if value is None:
        return ""
    day = _local_day(value)
    if _japanese():
        return f"{day.year}年{day.month}月{day.day}日（{JAPANESE_WEEKDAYS[day.weekday()]}）"
    from django.utils.formats import date_format

    return date_format(day, "D j F Y")


def format_short_day(value: date | datetime | None) -> str:
    """``1月16日（土）`` or ``Sat 16 Jan``: where the year goes without saying."""
    if value is None:
        return ""
    day = _local_day(value)
    if _japanese():
        return f"{day.month}月{day.day}日（{JAPANESE_WEEKDAYS[day.weekday()]}）"
    from django.utils.formats import date_format

    return date_format(day, "D j M")


def format_month(value: date | datetime | None) -> str:
    """``2027年1月`` or ``January 2027``."""
    if value is None:
        return ""
    day = _local_day(value)
    if _japanese():
        return f"{day.year}年{day.month}月"
    from django.utils.formats import date_format

    return date_format(day, "F Y")


def format_time(value: datetime | None) -> str:
    """``10:00``, in Tokyo time."""
    return "" if value is None else f"{timezone.localtime(value):%H:%M}"


def format_moment(value: datetime | None) -> str:
    """``2027年1月16日（土）10:00`` or ``Sat 16 January 2027 10:00``."""
    if value is None:
        return ""
    separator = "" if _japanese() else " "
    return f"{format_day(value)}{separator}{format_time(value)}"


def range_dash() -> str:
    return "〜" if _japanese() else "–"


def format_span(starts: datetime | None, ends: datetime | None) -> str:
    """``2027年1月16日（土）10:00〜12:00``; the end's day is written again only when it is another day."""
    if starts is None:
        return ""
    if ends is None:
        return format_moment(starts)
    if _local_day(ends) == _local_day(starts):
        return f"{format_moment(starts)}{range_dash()}{format_time(ends)}"
    return f"{format_moment(starts)}{range_dash()}{format_moment(ends)}"
