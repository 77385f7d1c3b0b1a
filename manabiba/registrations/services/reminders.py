"""Reminders to everyone with a place, two days before the first session."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from manabiba.programs.models import Program
from manabiba.registrations.models import Registration
from manabiba.registrations.services._common import Status
from manabiba.registrations.services._mail import _mail

REMINDER_BEFORE = timedelta(days=2)


def registrations_send_reminders(*, now: datetime | None = None) -> int:
    """Remind everyone with a place two days before the first session. Each is reminded once."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        program__status=Program.Status.PUBLISHED,
        program__first_starts_at__gt=now,
        program__first_starts_at__lte=now + REMINDER_BEFORE,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            # The conditional UPDATE claims the reminder: a second run finds nothing to claim.
            if not Registration.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now):
                continue
            registration = Registration.objects.select_related("program", "user").get(pk=pk)
            _mail(registration, "reminder")
            sent += 1
    return sent
