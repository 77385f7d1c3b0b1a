from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

LOOP_SECTION = "loop"  # the registry name the loop page at /staff/reports/loop/ asks for


class ProposalsConfig(AppConfig):
    name = "manabiba.proposals"
    label = "proposals"
    verbose_name = _("Citizen-proposal lectures")

    def ready(self) -> None:
        from manabiba.accounts.selectors import personal_data_export_register
        from manabiba.accounts.services import account_erasure_register
        from manabiba.core.workspace import workspace_cards_register
        from manabiba.proposals.selectors import proposals_export
        from manabiba.proposals.services import proposals_erase_for_deleted_account
        from manabiba.proposals.workspace import proposal_cards

        # A deleted account takes its proposals with it; its reviews stay, without the person.
        account_erasure_register("proposals", lambda user: proposals_erase_for_deleted_account(user=user))
        personal_data_export_register("proposals", proposals_export)
        # Proposals to assign and decide, and reviews assigned to me, on the staff workspace.
        workspace_cards_register("proposals", proposal_cards, order=46)

        from manabiba.core.figures import figures_register
        from manabiba.proposals.figures import loop_figure_sources, loop_figures

        # The loop, measured: the reports' section and the staff page /staff/reports/loop/.
        figures_register(LOOP_SECTION, loop_figures, order=65, sources=loop_figure_sources())

        from manabiba.proposals.audit_actions import audit_register

        # What this app's audit log codes mean, for the log page (core/audit.py).
        audit_register()
