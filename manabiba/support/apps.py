from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "manabiba.support"
    label = "support"
    verbose_name = _("Community activity support requests")

    def ready(self) -> None:
        from manabiba.accounts.selectors import personal_data_export_register
        from manabiba.accounts.services import account_erasure_register
        from manabiba.core.figures import figures_register
        from manabiba.core.inbound_mail import inbound_mail_handler_register
        from manabiba.core.search import search_source_register
        from manabiba.core.workspace import workspace_cards_register
        from manabiba.support.figures import support_report_figures
        from manabiba.support.inbound import support_mail_handle
        from manabiba.support.selectors import SEARCH_KIND, case_search_documents, support_export
        from manabiba.support.services import support_erase_for_deleted_account
        from manabiba.support.workspace import support_cards

        # What deleting the account removes from support requests, the person can download first.
        account_erasure_register("support", lambda user: support_erase_for_deleted_account(user=user))
        personal_data_export_register("support", support_export)
        workspace_cards_register("support", support_cards, order=15)
        search_source_register(SEARCH_KIND, case_search_documents)
        figures_register("support", support_report_figures, order=35)
        # Groups answer mail from the same reply address and mailbox as residents (consultations first).
        inbound_mail_handler_register("support", support_mail_handle, order=20)

        from manabiba.support.audit_actions import audit_register

        # What this app's audit log codes mean, for the log page (core/audit.py).
        audit_register()
