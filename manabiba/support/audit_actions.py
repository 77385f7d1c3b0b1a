"""What the audit log's action codes of this app mean (core/audit.py reads them for the log page)."""

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from manabiba.core.audit import audit_actions_register, audit_targets_register

ACTIONS = {
    "support.case.consent_given": pgettext_lazy("audit action", "Agreed to publish the case study"),
    "support.case.consent_withdrawn": pgettext_lazy("audit action", "Withdrew consent to the case study"),
    "support.case.published": pgettext_lazy("audit action", "Published a case study"),
    "support.case.unpublished": pgettext_lazy("audit action", "Took a case study down"),
    "support.message.sent": pgettext_lazy("audit action", "Wrote to the group"),
    "support.note.added": pgettext_lazy("audit action", "Added an internal note"),
    "support.personal_data.viewed": pgettext_lazy("audit action", "Viewed a support request's personal data"),
    "support.request.closed": pgettext_lazy("audit action", "Closed a support request"),
    "support.request.erased": pgettext_lazy("audit action", "Erased a support request's personal data"),
    "support.request.purged": pgettext_lazy("audit action", "Anonymised support requests past their retention"),
    "support.request.group_wrote": pgettext_lazy("audit action", "The group wrote"),
    "support.request.split": pgettext_lazy("audit action", "Split a support request among departments"),
    "support.request.submitted": pgettext_lazy("audit action", "A group asked for support"),
    "support.task.updated": pgettext_lazy("audit action", "A department answered its part"),
}


def audit_register() -> None:
    """Called from the app's ready()."""
    audit_actions_register(ACTIONS)
    audit_targets_register(
        "support.supportrequest", url=lambda request: reverse("staff_support:detail", args=[request.pk])
    )
