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
