from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "manabiba.registrations"
    label = "registrations"
    verbose_name = _("Registrations")

    def ready(self) -> None:
        from manabiba.accounts.selectors import personal_data_export_register
        from manabiba.accounts.services import account_erasure_register
        from manabiba.programs.availability import seats_free_register
        from manabiba.registrations.selectors import registrations_export, seats_free
        from manabiba.registrations.services import registrations_erase_for_deleted_account

        # A deleted account's registrations lose the person's data (see docs/registrations.md); the
        # person can download that data first.
        account_erasure_register("registrations", lambda user: registrations_erase_for_deleted_account(user=user))
        personal_data_export_register("registrations", registrations_export)
        # A programme's structured data says "sold out" when its seats are taken.
        seats_free_register(seats_free)

        from manabiba.core.workspace import workspace_cards_register
        from manabiba.registrations.workspace import registration_cards

        workspace_cards_register("registrations", registration_cards, order=40)

        from manabiba.core.figures import figures_register
        from manabiba.registrations.figures import participation_figure_sources, participation_figures

        figures_register("registrations", participation_figures, order=20, sources=participation_figure_sources())

        from manabiba.registrations.audit_actions import audit_register

        # What this app's audit log codes mean, for the log page (core/audit.py).
        audit_register()
