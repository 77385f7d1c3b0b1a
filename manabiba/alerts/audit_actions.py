"""What the audit log's action codes of this app mean (core/audit.py reads them for the log page)."""

from django.utils.translation import pgettext_lazy

from manabiba.core.audit import audit_actions_register

ACTIONS = {
    "alerts.saved_search.created": pgettext_lazy("audit action", "Saved a search for the new-programme mail"),
    "alerts.saved_search.deleted": pgettext_lazy("audit action", "Deleted a saved search"),
    "alerts.saved_search.unsubscribed": pgettext_lazy("audit action", "Stopped a new-programme mail from its link"),
}


def audit_register() -> None:
    """Called from the app's ready()."""
    audit_actions_register(ACTIONS)
