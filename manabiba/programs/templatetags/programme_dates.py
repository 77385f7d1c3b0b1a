"""Dates and times the way residents read them: ``2026年12月5日（土）13:30〜15:00``.

Japanese dates are not a translation of an English pattern (the weekday sits in full-width
parentheses after the day), so the format is chosen by language rather than by the catalogue.
"""

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.translation import get_language, pgettext

from manabiba.core.dates import format_day, format_moment, format_month
from manabiba.programs.models import Program, ProgramSession, next_of_sessions

register = template.Library()


def _japanese() -> bool:
    return not (get_language() or "ja").startswith("en")


@register.filter
def day_label(value: date | datetime | None) -> str:
    """``2026年12月5日（土）`` or ``Sat 5 December 2026`` (``core.dates.format_day``)."""
    return format_day(value)


@register.filter
def month_label(value: date) -> str:
    """``2026年12月`` or ``December 2026``."""
    return format_month(value)


@register.filter
def datetime_label(value: datetime | None) -> str:
    """``2026年12月5日（土）13:30``."""
    return format_moment(value)


@register.filter
def session_label(session: ProgramSession) -> str:
    """``2026年12月5日（土）13:30〜15:00``; the end date is repeated only when it is another day.

    A time nobody announced is not shown as 00:00: ``2026年11月8日（日）時間未定``.
    """
    starts = timezone.localtime(session.starts_at)
    dash = "〜" if _japanese() else "–"
    if not session.start_time_known:
        text = day_label(starts.date())
        if session.end_local_date != starts.date():
            text = f"{text}{dash}{day_label(session.end_local_date)}"
        return f"{text}{_time_unknown_separator()}{time_unknown()}"
    text = datetime_label(starts)
    if session.ends_at is None:
        return text
    ends = timezone.localtime(session.ends_at)
    if not session.end_time_known:
        return f"{text}{dash}{day_label(ends.date())}"
    if ends.date() == starts.date():
        return f"{text}{dash}{ends:%H:%M}"
    return f"{text}{dash}{datetime_label(ends)}"


def time_unknown() -> str:
    return pgettext("session time", "time to be announced")


def _time_unknown_separator() -> str:
    return "" if _japanese() else ", "


@register.filter
def time_range(session: ProgramSession) -> str:
    """``13:30〜15:00``, for a day list where the date is already said."""
    if not session.start_time_known:
        return time_unknown()
    starts = timezone.localtime(session.starts_at)
    dash = "〜" if _japanese() else "–"
    if session.ends_at is None or not session.end_time_known:
        return f"{starts:%H:%M}{dash}" if _japanese() else f"{starts:%H:%M}"
    ends = timezone.localtime(session.ends_at)
    if ends.date() != starts.date():
        return f"{starts:%H:%M}{dash}{datetime_label(ends)}"
    return f"{starts:%H:%M}{dash}{ends:%H:%M}"


@register.filter
def next_session(program: Program) -> ProgramSession | None:
    """The session a resident can still go to (the last one once all are over).

    A course that began months ago and still meets weekly is shown by its next meeting,
    not by its first. Reads the prefetched sessions, so it costs no query.
    """
    return next_of_sessions(list(program.sessions.all()), timezone.now())


@register.filter
def session_datetime_attr(session: ProgramSession) -> str:
    """The ``datetime`` attribute of a session's ``<time>``: the day alone when its time is unknown."""
    starts = timezone.localtime(session.starts_at)
    return starts.isoformat() if session.start_time_known else starts.date().isoformat()
