"""Background work for registrations (django-tasks): ids in, one service call, idempotent."""

from django.core.exceptions import ValidationError
from django_tasks import task

from manabiba.programs.models import Program
from manabiba.registrations.services import lottery_draw, registrations_run_due


@task()
def lottery_draw_task(program_id: int) -> bool:
    """Draw one programme when it is due; a second run finds it drawn and does nothing."""
    program = Program.objects.filter(pk=program_id).first()
    if program is None:
        return False
    try:
        lottery_draw(program=program, actor=None)
    except ValidationError:
        return False
    return True


@task()
def registrations_run_due_task() -> dict[str, int]:
    """Everything due by time (draws, expiries, reminders, minimum enrolment, purge)."""
    report = registrations_run_due()
    return {
        "drawn": len(report.drawn),
        "offers_expired": report.offers_expired,
        "seats_filled": report.seats_filled,
        "reminders_sent": report.reminders_sent,
        "below_minimum": len(report.below_minimum),
        "purged": report.purged,
    }
