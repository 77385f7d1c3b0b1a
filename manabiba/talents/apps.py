from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentsConfig(AppConfig):
    name = "manabiba.talents"
    label = "talents"
    verbose_name = _("Talent bank")

    def ready(self) -> None:
        from manabiba.accounts.selectors import personal_data_export_register
        from manabiba.accounts.services import account_erasure_register
        from manabiba.core.search import search_source_register
        from manabiba.core.workspace import workspace_cards_register
        from manabiba.talents.selectors import talents_export
        from manabiba.talents.services import SEARCH_KIND, talent_search_documents, talents_erase_for_deleted_account
        from manabiba.talents.workspace import talent_cards

        # Lets `manabiba rebuild_search_index` rebuild the directory's part of the index.
        search_source_register(SEARCH_KIND, talent_search_documents)
        # A deleted account takes its cards with it; its introduction requests lose their contact details.
        account_erasure_register("talents", lambda user: talents_erase_for_deleted_account(user=user))
        personal_data_export_register("talents", talents_export)
        # Cards to screen and introductions to forward, on the staff workspace.
        workspace_cards_register("talents", talent_cards, order=45)

        from manabiba.core.figures import figures_register
        from manabiba.talents.figures import talent_figures

        figures_register("talents", talent_figures, order=60)

        from manabiba.talents.audit_actions import audit_register

        # What this app's audit log codes mean, for the log page (core/audit.py).
        audit_register()
