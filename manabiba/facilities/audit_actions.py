"""What the audit log's action codes of this app mean (core/audit.py reads them for the log page)."""

from django.utils.translation import pgettext_lazy

from manabiba.core.audit import audit_actions_register

ACTIONS = {
    "facilities.facilities.loaded": pgettext_lazy("audit action", "Loaded the facilities (reference data)"),
    "facilities.rooms.loaded": pgettext_lazy("audit action", "Loaded the rooms (reference data)"),
}


def audit_register() -> None:
    """Called from the app's ready()."""
    audit_actions_register(ACTIONS)
