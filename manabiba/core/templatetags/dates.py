"""Dates and times for people, in pages and mail: ``{{ value|day_text }}`` 2027年1月16日（土）,
``{{ value|moment_text }}`` 2027年1月16日（土）10:00, ``{{ starts|span_text:ends }}`` …10:00〜12:00,
``{{ first|days_text:last }}`` 2027年1月16日（土）〜2027年1月31日（日）,
``{{ value|month_text }}`` 2027年1月. The formats live in ``core.dates``; see there."""

from datetime import date, datetime

from django import template

from manabiba.core.dates import format_day, format_moment, format_month, format_span, range_dash

register = template.Library()


@register.filter
def day_text(value: date | datetime | None) -> str:
    return format_day(value)


@register.filter
def moment_text(value: datetime | None) -> str:
    return format_moment(value)


@register.filter
def month_text(value: date | datetime | None) -> str:
    return format_month(value)


@register.filter
def span_text(starts: datetime | None, ends: datetime | None) -> str:
    return format_span(starts, ends)


@register.filter
def days_text(first: date | datetime | None, last: date | datetime | None) -> str:
    """A span of days: 2027年1月16日（土）〜2027年1月31日（日） or Sat 16 January 2027–Sun 31 January 2027."""
    if first is None or last is None:
        return format_day(first or last)
    return f"{format_day(first)}{range_dash()}{format_day(last)}"
