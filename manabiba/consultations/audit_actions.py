"""What the audit log's action codes of this app mean (core/audit.py reads them for the log page)."""

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from manabiba.core.audit import audit_actions_register, audit_targets_register

ACTIONS = {
    "consultations.canned_reply.deleted": pgettext_lazy("audit action", "Deleted a canned reply"),
    "consultations.canned_reply.saved": pgettext_lazy("audit action", "Saved a canned reply"),
    "consultations.consultation.closed": pgettext_lazy("audit action", "Closed a consultation"),
    "consultations.consultation.confirmed": pgettext_lazy("audit action", "Confirmed a consultation's e-mail address"),
    "consultations.consultation.erased": pgettext_lazy("audit action", "Erased a consultation's personal data"),
    "consultations.consultation.purged": pgettext_lazy("audit action", "Anonymised an old consultation"),
    "consultations.consultation.resident_replied": pgettext_lazy("audit action", "The resident replied"),
    "consultations.consultation.routed": pgettext_lazy("audit action", "Passed a consultation on"),
    "consultations.consultation.submitted": pgettext_lazy("audit action", "A consultation came in"),
    "consultations.note.added": pgettext_lazy("audit action", "Added an internal note"),
    "consultations.personal_data.viewed": pgettext_lazy("audit action", "Viewed a consultation's personal data"),
    "consultations.reply.sent": pgettext_lazy("audit action", "Replied to the resident"),
}


def audit_register() -> None:
    """Called from the app's ready()."""
    audit_actions_register(ACTIONS)
    audit_targets_register(
        "consultations.consultation",
        url=lambda consultation: reverse("staff_consultations:detail", args=[consultation.pk]),
    )
