"""Background work of the desk: thin wrappers around its services, idempotent."""

from django_tasks import task

from manabiba.desk.services import appointment_reminders_send


@task()
def send_desk_reminders() -> int:
    return appointment_reminders_send()
