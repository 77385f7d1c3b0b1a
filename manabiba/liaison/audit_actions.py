"""What the audit log's action codes of this app mean (core/audit.py reads them for the log page)."""

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from manabiba.core.audit import audit_actions_register, audit_targets_register

ACTIONS = {
    "liaison.action.assigned": pgettext_lazy("audit action", "Gave a department an action item"),
    "liaison.action.closed": pgettext_lazy("audit action", "Closed an action item"),
    "liaison.action.reopened": pgettext_lazy("audit action", "Reopened an action item"),
    "liaison.meeting.changed": pgettext_lazy("audit action", "Changed a liaison meeting's record"),
    "liaison.meeting.recorded": pgettext_lazy("audit action", "Recorded a liaison meeting"),
}


def audit_register() -> None:
    """Called from the app's ready()."""
    audit_actions_register(ACTIONS)
    audit_targets_register(
        "liaison.liaisonmeeting", url=lambda meeting: reverse("staff_liaison:meeting", args=[meeting.pk])
    )
    audit_targets_register("liaison.actionitem", url=lambda item: reverse("staff_liaison:action", args=[item.pk]))
