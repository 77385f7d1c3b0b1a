from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "manabiba.consultations"
    label = "consultations"
    verbose_name = _("Learning consultations")

    def ready(self) -> None:
        from manabiba.accounts.selectors import personal_data_export_register
        from manabiba.accounts.services import account_erasure_register
        from manabiba.consultations.selectors import consultations_export
        from manabiba.consultations.services import consultations_erase_for_deleted_account

        # A deleted account's consultations are anonymised like those past the retention period;
        # the person can download them first.
        account_erasure_register("consultations", lambda user: consultations_erase_for_deleted_account(user=user))
        personal_data_export_register("consultations", consultations_export)

        from manabiba.consultations.workspace import consultation_cards
        from manabiba.core.workspace import workspace_cards_register

        workspace_cards_register("consultations", consultation_cards, order=10)

        from manabiba.consultations.figures import consultation_figure_sources, consultation_report_figures
        from manabiba.core.figures import figures_register

        figures_register("consultations", consultation_report_figures, order=30, sources=consultation_figure_sources())

        from manabiba.consultations.inbound import consultation_mail_handle
        from manabiba.core.inbound_mail import inbound_mail_handler_register

        # The one inbound mailbox: consultations answer first (their tokens and [2026-000123] subjects).
        inbound_mail_handler_register("consultations", consultation_mail_handle, order=10)

        from manabiba.consultations.audit_actions import audit_register

        # What this app's audit log codes mean, for the log page (core/audit.py).
        audit_register()
