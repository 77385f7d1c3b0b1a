from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    name = "manabiba.exchanges"
    label = "exchanges"
    verbose_name = _("Exchange meetings and joint training")

    def ready(self) -> None:
        from manabiba.accounts.selectors import personal_data_export_register
        from manabiba.accounts.services import account_erasure_register
        from manabiba.core.figures import figures_register
        from manabiba.core.workspace import workspace_cards_register
        from manabiba.exchanges.figures import exchange_figure_sources, exchange_figures
        from manabiba.exchanges.selectors import exchanges_export
        from manabiba.exchanges.services import exchange_refusal, exchanges_erase_for_deleted_account
        from manabiba.exchanges.workspace import exchange_cards
        from manabiba.registrations.selectors import application_refusal_register

        # A deleted account is no longer named on what it did for its groups; the person can
        # download what names them first.
        account_erasure_register("exchanges", lambda user: exchanges_erase_for_deleted_account(user=user))
        personal_data_export_register("exchanges", exchanges_export)
        # Presentations to decide and materials missing, on the staff workspace.
        workspace_cards_register("exchanges", exchange_cards, order=48)
        # The generations met at exchange meetings, in the reports.
        figures_register("exchanges", exchange_figures, order=75, sources=exchange_figure_sources())
        # A joint training session for registered groups only keeps individuals out.
        application_refusal_register(exchange_refusal)

        from manabiba.exchanges.audit_actions import audit_register

        # What this app's audit log codes mean, for the log page (core/audit.py).
        audit_register()
