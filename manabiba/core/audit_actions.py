"""What the audit log's action codes of this app mean (core/audit.py reads them for the log page)."""

from django.utils.translation import pgettext_lazy

from manabiba.core.audit import audit_actions_register

ACTIONS = {
    "core.areas.loaded": pgettext_lazy("audit action", "Loaded the areas (reference data)"),
    "core.outbox.requeued": pgettext_lazy("audit action", "Sent failed mail again"),
}


def audit_register() -> None:
    """Called from the app's ready()."""
    audit_actions_register(ACTIONS)
