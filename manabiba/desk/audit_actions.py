"""What the audit log's action codes of this app mean (core/audit.py reads them for the log page)."""

from django.utils.translation import pgettext_lazy

from manabiba.core.audit import audit_actions_register

ACTIONS = {
    "desk.appointment.booked": pgettext_lazy("audit action", "Booked a desk appointment"),
    "desk.appointment.cancelled": pgettext_lazy("audit action", "Cancelled a desk appointment"),
    "desk.appointment.reminded": pgettext_lazy("audit action", "Reminded of a desk appointment"),
    "desk.contact.loaded": pgettext_lazy("audit action", "Loaded the desk's contact details (reference data)"),
    "desk.contact.saved": pgettext_lazy("audit action", "Changed the desk's contact details"),
    "desk.hours.added": pgettext_lazy("audit action", "Added desk opening hours"),
    "desk.hours.loaded": pgettext_lazy("audit action", "Loaded the desk's hours (reference data)"),
    "desk.hours.removed": pgettext_lazy("audit action", "Removed desk opening hours"),
    "desk.personal_data.erased": pgettext_lazy("audit action", "Erased a person's desk appointments"),
    "desk.personal_data.viewed": pgettext_lazy("audit action", "Viewed desk appointments' personal data"),
    "desk.shift.added": pgettext_lazy("audit action", "Added a desk shift"),
    "desk.shift.removed": pgettext_lazy("audit action", "Removed a desk shift"),
    "desk.special_day.removed": pgettext_lazy("audit action", "Removed a special day"),
    "desk.special_day.set": pgettext_lazy("audit action", "Set a special day"),
}


def audit_register() -> None:
    """Called from the app's ready()."""
    audit_actions_register(ACTIONS)
