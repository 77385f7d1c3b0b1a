"""Everything that is due by time, in one run (the scheduled task and ``manage.py registrations_due``)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from manabiba.programs.models import Program
from manabiba.registrations.selectors import lotteries_due
from manabiba.registrations.services.lottery import lottery_draw
from manabiba.registrations.services.offers import registrations_offers_expire
from manabiba.registrations.services.people import fiscal_year_salts_destroy_spent, registrations_person_tokens_fill
from manabiba.registrations.services.personal_data import registrations_purge_due
from manabiba.registrations.services.program import registrations_flag_below_minimum
from manabiba.registrations.services.reminders import registrations_send_reminders
from manabiba.registrations.services.waitlist import registrations_fill_free_seats


@dataclass
class DueReport:
    drawn: list[int] = field(default_factory=list)
    draw_errors: dict[int, str] = field(default_factory=dict)
    seats_filled: int = 0
    offers_expired: int = 0
    reminders_sent: int = 0
    below_minimum: list[int] = field(default_factory=list)
    purged: int = 0
    person_tokens_filled: int = 0
    salts_destroyed: list[int] = field(default_factory=list)


def registrations_run_due(*, now: datetime | None = None) -> DueReport:
    """Everything that is due by time: draws after deadlines, expired offers and unconfirmed wins,
    seats freed by a larger capacity, reminders two days ahead, minimum-enrolment flags, the retention
    purge, then the person tokens of rows written without one and the salts of years left with no
    registration. Safe to run again."""
    now = now or timezone.now()
    report = DueReport()
    for program_id in lotteries_due(now=now):
        program = Program.objects.get(pk=program_id)
        try:
            lottery_draw(program=program, actor=None, now=now)
        except ValidationError as error:
            report.draw_errors[program_id] = " ".join(error.messages)
        else:
            report.drawn.append(program_id)
    report.offers_expired = registrations_offers_expire(now=now)
    report.seats_filled = registrations_fill_free_seats(now=now)
    report.reminders_sent = registrations_send_reminders(now=now)
    report.below_minimum = registrations_flag_below_minimum(now=now)
    report.purged = registrations_purge_due(now=now)
    report.person_tokens_filled = registrations_person_tokens_fill()
    report.salts_destroyed = fiscal_year_salts_destroy_spent(now=now)
    return report
