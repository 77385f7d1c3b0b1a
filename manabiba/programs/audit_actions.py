"""What the audit log's action codes of this app mean (core/audit.py reads them for the log page)."""

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from manabiba.core.audit import audit_actions_register, audit_targets_register

ACTIONS = {
    "programs.audiences.loaded": pgettext_lazy("audit action", "Loaded the audiences (reference data)"),
    "programs.categories.loaded": pgettext_lazy("audit action", "Loaded the fields (reference data)"),
    "programs.clash.acknowledged": pgettext_lazy("audit action", "Kept a programme despite a clash"),
    "programs.organizer.created": pgettext_lazy("audit action", "Added an organiser"),
    "programs.program.cancelled": pgettext_lazy("audit action", "Cancelled a programme"),
    "programs.program.created": pgettext_lazy("audit action", "Added a programme"),
    "programs.program.finished": pgettext_lazy("audit action", "Marked a programme finished"),
    "programs.program.published": pgettext_lazy("audit action", "Published a programme"),
    "programs.program.returned": pgettext_lazy("audit action", "Returned a programme for changes"),
    "programs.program.submitted": pgettext_lazy("audit action", "Sent a programme for review"),
    "programs.program.updated": pgettext_lazy("audit action", "Changed a programme"),
}


def audit_register() -> None:
    """Called from the app's ready()."""
    audit_actions_register(ACTIONS)
    audit_targets_register(
        "programs.program",
        url=lambda program: reverse("staff_programs:detail", args=[program.pk]),
        name=lambda program: program.title,
    )
    audit_targets_register("programs.organizer")
