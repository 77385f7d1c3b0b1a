from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "manabiba.desk"
    label = "desk"
    verbose_name = _("One-stop desk")

    def ready(self) -> None:
        from manabiba.accounts.selectors import personal_data_export_register
        from manabiba.accounts.services import account_erasure_register
        from manabiba.desk.selectors import appointments_export
        from manabiba.desk.services import appointments_erase_for_deleted_account

        # A deleted account's appointments are cancelled (when still to come) and anonymised; the
        # person can download them first.
        account_erasure_register("desk", lambda user: appointments_erase_for_deleted_account(user=user))
        personal_data_export_register("desk", appointments_export)

        from manabiba.core.workspace import workspace_cards_register
        from manabiba.desk.workspace import desk_cards

        workspace_cards_register("desk", desk_cards, order=50)

        from manabiba.core.figures import figures_register
        from manabiba.desk.figures import desk_figures

        figures_register("desk", desk_figures, order=40)

        from manabiba.desk.audit_actions import audit_register

        # What this app's audit log codes mean, for the log page (core/audit.py).
        audit_register()
