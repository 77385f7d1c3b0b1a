"""What the audit log's action codes of this app mean (core/audit.py reads them for the log page)."""

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from manabiba.core.audit import audit_actions_register, audit_targets_register

ACTIONS = {
    "registrations.attendance.recorded": pgettext_lazy("audit action", "Recorded attendance"),
    "registrations.fiscal_year_salt.destroyed": pgettext_lazy(
        "audit action", "Destroyed a past fiscal year's key for counting different people"
    ),
    "registrations.lottery.drawn": pgettext_lazy("audit action", "Ran a lottery"),
    "registrations.minimum.below": pgettext_lazy("audit action", "A course is below its minimum enrolment"),
    "registrations.minimum.decided": pgettext_lazy("audit action", "Decided a course below its minimum"),
    "registrations.offer.expired": pgettext_lazy("audit action", "An offer of a place expired"),
    "registrations.personal_data.erased": pgettext_lazy("audit action", "Erased a person's registrations"),
    "registrations.personal_data.purged": pgettext_lazy("audit action", "Removed old registrations' personal data"),
    "registrations.personal_data.viewed": pgettext_lazy("audit action", "Viewed applicants' personal data"),
    "registrations.program.cancelled": pgettext_lazy("audit action", "Cancelled a programme's registrations"),
    "registrations.registration.cancelled": pgettext_lazy("audit action", "Cancelled a registration"),
    "registrations.registration.confirmed": pgettext_lazy("audit action", "Confirmed a place"),
    "registrations.registration.promoted": pgettext_lazy("audit action", "Moved up from the waiting list"),
    "registrations.registration.submitted": pgettext_lazy("audit action", "Applied"),
    "registrations.registration.submitted_for_group": pgettext_lazy("audit action", "Applied for a group"),
    "registrations.registration.submitted_on_behalf": pgettext_lazy("audit action", "Registered a caller or visitor"),
    "registrations.session.cancelled_notified": pgettext_lazy("audit action", "Told applicants a session is cancelled"),
    "registrations.settings.changed": pgettext_lazy("audit action", "Changed the registration settings"),
    "registrations.waitlist.reordered": pgettext_lazy("audit action", "Reordered the waiting list"),
}


def audit_register() -> None:
    """Called from the app's ready()."""
    audit_actions_register(ACTIONS)
    audit_targets_register(
        "registrations.registration",
        url=lambda registration: reverse("staff_registrations:program", args=[registration.program_id]),
        name=lambda registration: registration.program.title,
        related=("program",),
    )
