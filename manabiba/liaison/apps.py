"""Coordination across departments."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "manabiba.liaison"
    label = "liaison"
    verbose_name = _("Coordination across departments")

    def ready(self) -> None:
        from manabiba.core.workspace import workspace_cards_register
        from manabiba.liaison.workspace import liaison_cards

        # Open and overdue action items of liaison meetings, for the owner department and the coordinator.
        workspace_cards_register("liaison", liaison_cards, order=55)
        # Nothing to erase here: meetings and items name departments, not people; who recorded or
        # closed one points at the account, which deletion anonymises. A deleted account stops being
        # a department's contact through accounts' own eraser.

        from manabiba.liaison.audit_actions import audit_register

        # What this app's audit log codes mean, for the log page (core/audit.py).
        audit_register()
