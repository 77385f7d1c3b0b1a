"""What the audit log's action codes of this app mean (core/audit.py reads them for the log page)."""

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from manabiba.core.audit import audit_actions_register, audit_targets_register

ACTIONS = {
    "proposals.call.created": pgettext_lazy("audit action", "Opened a round of the proposal call"),
    "proposals.call.updated": pgettext_lazy("audit action", "Changed a round of the proposal call"),
    "proposals.personal_data.viewed": pgettext_lazy("audit action", "Viewed a proposal's personal data"),
    "proposals.proposal.created": pgettext_lazy("audit action", "Started a proposal"),
    "proposals.proposal.decided": pgettext_lazy("audit action", "Decided a proposal"),
    "proposals.proposal.scheduled": pgettext_lazy("audit action", "Made a programme of a proposal"),
    "proposals.proposal.submitted": pgettext_lazy("audit action", "Submitted a proposal"),
    "proposals.proposal.updated": pgettext_lazy("audit action", "Changed a proposal"),
    "proposals.report.accepted": pgettext_lazy("audit action", "Accepted a lecture report"),
    "proposals.report.changes_requested": pgettext_lazy("audit action", "Asked for changes to a lecture report"),
    "proposals.report.filed": pgettext_lazy("audit action", "Filed a lecture report"),
    "proposals.review.assigned": pgettext_lazy("audit action", "Assigned a reviewer"),
    "proposals.review.submitted": pgettext_lazy("audit action", "Submitted a review"),
    "proposals.survey.answered": pgettext_lazy("audit action", "Answered the participant survey"),
    "proposals.survey.sent": pgettext_lazy("audit action", "Sent the participant survey"),
}


def audit_register() -> None:
    """Called from the app's ready()."""
    audit_actions_register(ACTIONS)
    audit_targets_register(
        "proposals.proposal", url=lambda proposal: reverse("staff_proposals:proposal", args=[proposal.pk])
    )
