from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VenuesConfig(AppConfig):
    name = "manabiba.venues"
    label = "venues"
    verbose_name = _("Room booking")

    def ready(self) -> None:
        from manabiba.accounts.selectors import personal_data_export_register
        from manabiba.accounts.services import account_erasure_register
        from manabiba.core.figures import figures_register
        from manabiba.core.workspace import workspace_cards_register
        from manabiba.venues.figures import venues_report_figures
        from manabiba.venues.school_selectors import schools_export
        from manabiba.venues.school_services import schools_erase_for_deleted_account
        from manabiba.venues.selectors import venues_export
        from manabiba.venues.services import venues_erase_for_deleted_account
        from manabiba.venues.workspace import venues_cards

        # A deleted account's user groups lose their contact details and their coming bookings.
        account_erasure_register("venues", lambda user: venues_erase_for_deleted_account(user=user))
        personal_data_export_register("venues", venues_export)

        from manabiba.core.lottery import lottery_recheck_register
        from manabiba.venues.selectors import round_recheck

        # ``manabiba lottery_verify --kind rooms <round id>`` runs a room draw again.
        lottery_recheck_register("rooms", round_recheck)
        # Its offers to help with school projects lose the person's name, phone and message.
        account_erasure_register("venues_schools", lambda user: schools_erase_for_deleted_account(user=user))
        personal_data_export_register("venues_schools", schools_export)
        # Rounds to draw, attendance to mark, regular slots, groups to approve, duplicates flagged and
        # volunteers to answer, on the staff workspace.
        workspace_cards_register("venues", venues_cards, order=55)
        # Room utilisation (the city's "rooms under 60% used" policy), in the reports.
        figures_register("venues", venues_report_figures, order=70)

        from manabiba.venues.audit_actions import audit_register

        # What this app's audit log codes mean, for the log page (core/audit.py).
        audit_register()
