"""What the audit log's action codes of this app mean (core/audit.py reads them for the log page)."""

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from manabiba.core.audit import audit_actions_register, audit_targets_register

ACTIONS = {
    "exchanges.attendance.recorded": pgettext_lazy("audit action", "Recorded a group's attendance"),
    "exchanges.attendance.registered": pgettext_lazy("audit action", "A group registered to attend"),
    "exchanges.introduction.requested": pgettext_lazy("audit action", "A group asked to be introduced"),
    "exchanges.material.removed": pgettext_lazy("audit action", "Removed a material"),
    "exchanges.material.uploaded": pgettext_lazy("audit action", "Uploaded a material"),
    "exchanges.meeting.changed": pgettext_lazy("audit action", "Changed an exchange meeting"),
    "exchanges.meeting.created": pgettext_lazy("audit action", "Set up an exchange meeting"),
    "exchanges.presentation.applied": pgettext_lazy("audit action", "A group applied to present"),
    "exchanges.presentation.accepted": pgettext_lazy("audit action", "Accepted a presentation"),
    "exchanges.presentation.waitlisted": pgettext_lazy("audit action", "Put a presentation on the waiting list"),
    "exchanges.presentation.declined": pgettext_lazy("audit action", "Declined a presentation"),
    "exchanges.presentation.withdrawn": pgettext_lazy("audit action", "Withdrew a presentation"),
    "exchanges.presentation.consent_changed": pgettext_lazy(
        "audit action", "Changed consent to publish a presentation"
    ),
    "exchanges.slot.added": pgettext_lazy("audit action", "Added a timetable slot"),
    "exchanges.slot.removed": pgettext_lazy("audit action", "Removed a timetable slot"),
    "exchanges.survey.answered": pgettext_lazy("audit action", "Answered the survey"),
    "exchanges.survey.sent": pgettext_lazy("audit action", "Sent the survey"),
    "exchanges.table.applied": pgettext_lazy("audit action", "A group applied for a fair table"),
    "exchanges.table.accepted": pgettext_lazy("audit action", "Accepted a fair table"),
    "exchanges.table.declined": pgettext_lazy("audit action", "Declined a fair table"),
    "exchanges.timetable.published": pgettext_lazy("audit action", "Published the timetable"),
}


def audit_register() -> None:
    """Called from the app's ready()."""
    audit_actions_register(ACTIONS)
    audit_targets_register(
        "exchanges.presentation",
        url=lambda presentation: reverse("staff_exchanges:manage", args=[presentation.program_id]),
    )
    audit_targets_register(
        "exchanges.fairtable", url=lambda table: reverse("staff_exchanges:manage", args=[table.program_id])
    )
