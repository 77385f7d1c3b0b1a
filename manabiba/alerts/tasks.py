"""Background work of new-programme mail: a thin wrapper around its service, idempotent."""

from django_tasks import task

from manabiba.alerts.services import alerts_send


@task()
def alerts_send_task() -> int:
    """The weekly mail of new programmes; a second run in the same week sends nothing."""
    return alerts_send()
