"""Dates and times for the desk's pages and mail: ``2026年11月28日（土）9:00`` or ``Sat 28 November 2026 9:00``.

The desk sits below the programmes in the layering, so it keeps its own small copy of these
formats rather than loading the programmes' template library.
"""

from datetime import date, datetime, time

from django import template
from django.utils.translation import get_language

from manabiba.core.dates import format_day, format_month, format_short_day
from manabiba.desk.selectors import local_zone

register = template.Library()


def _japanese() -> bool:
    return not (get_language() or "ja").startswith("en")


def _local(value: datetime) -> datetime:
    return value.astimezone(local_zone())


@register.filter
def desk_day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return format_day(_local(value).date() if isinstance(value, datetime) else value)


@register.filter
def desk_short_day(value: date | datetime | None) -> str:
    """``11月28日（土）`` or ``Sat 28 Nov``: for the footer, where the year goes without saying."""
    if value is None:
        return ""
    return format_short_day(_local(value).date() if isinstance(value, datetime) else value)


@register.filter
def desk_time(value: time | datetime | None) -> str:
    if value is None:
        return ""
    moment = _local(value).time() if isinstance(value, datetime) else value
    return f"{moment.hour}:{moment.minute:02d}"


@register.filter
def desk_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    separator = "" if _japanese() else " "
    return f"{desk_day(value)}{separator}{desk_time(value)}"


@register.filter
def desk_month(value: date) -> str:
    return format_month(value)


@register.filter
def desk_ranges(ranges: tuple[tuple[time, time], ...]) -> str:
    dash = "〜" if _japanese() else "–"
    separator = "、" if _japanese() else ", "
    return separator.join(f"{desk_time(start)}{dash}{desk_time(end)}" for start, end in ranges)


@register.filter
def desk_span(starts_at: datetime | None, ends_at: datetime | None) -> str:
    """``2026年11月28日（土）10:00〜10:30`` or ``Sat 28 November 2026 10:00–10:30``."""
    if starts_at is None:
        return ""
    dash = "〜" if _japanese() else "–"
    return f"{desk_datetime(starts_at)}{dash}{desk_time(ends_at)}"
