"""What the audit log's action codes of this app mean (core/audit.py reads them for the log page)."""

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from manabiba.core.audit import audit_actions_register, audit_targets_register

ACTIONS = {
    "talents.introduction.accepted": pgettext_lazy("audit action", "The talent accepted an introduction"),
    "talents.introduction.declined": pgettext_lazy("audit action", "The talent declined an introduction"),
    "talents.introduction.forwarded": pgettext_lazy("audit action", "Forwarded an introduction request"),
    "talents.introduction.outcome_recorded": pgettext_lazy("audit action", "Recorded how an introduction went"),
    "talents.introduction.refused": pgettext_lazy("audit action", "Refused an introduction request"),
    "talents.introduction.requested": pgettext_lazy("audit action", "Asked for an introduction"),
    "talents.lecture.recorded": pgettext_lazy("audit action", "Recorded a lecture given"),
    "talents.personal_data.erased": pgettext_lazy("audit action", "Erased a person's talent-bank data"),
    "talents.personal_data.purged": pgettext_lazy("audit action", "Removed old talent-bank personal data"),
    "talents.personal_data.viewed": pgettext_lazy("audit action", "Viewed a talent's personal data"),
    "talents.talent.approved": pgettext_lazy("audit action", "Approved a talent's registration"),
    "talents.talent.changes_requested": pgettext_lazy("audit action", "Asked a talent for changes"),
    "talents.talent.consent_refused": pgettext_lazy("audit action", "The instructor refused registration by a group"),
    "talents.talent.consented": pgettext_lazy("audit action", "The instructor agreed to registration by a group"),
    "talents.talent.declined": pgettext_lazy("audit action", "Declined a talent's registration"),
    "talents.talent.lapsed": pgettext_lazy("audit action", "A talent's registration lapsed"),
    "talents.talent.registered": pgettext_lazy("audit action", "Registered in the talent bank"),
    "talents.talent.registered_for_instructor": pgettext_lazy("audit action", "A group registered its instructor"),
    "talents.talent.reminded": pgettext_lazy("audit action", "Reminded a talent to renew"),
    "talents.talent.removed": pgettext_lazy("audit action", "Removed a talent"),
    "talents.talent.renewed": pgettext_lazy("audit action", "Renewed a talent's registration"),
    "talents.talent.resubmitted": pgettext_lazy("audit action", "A talent sent changes"),
    "talents.talent.updated": pgettext_lazy("audit action", "Changed a talent's card"),
    "talents.talent.withdrawn": pgettext_lazy("audit action", "A talent withdrew"),
}


def audit_register() -> None:
    """Called from the app's ready()."""
    audit_actions_register(ACTIONS)
    audit_targets_register(
        "talents.talentprofile", url=lambda talent: reverse("staff_talents:talent", args=[talent.pk])
    )
    audit_targets_register(
        "talents.introductionrequest", url=lambda request: reverse("staff_talents:introduction", args=[request.pk])
    )
