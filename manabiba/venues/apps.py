from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VenuesConfig(AppConfig):
    name = "manabiba.venues"
    label = "venues"
    verbose_name = _("Room booking")

    def ready(self) -> None:
        from manabiba.accounts.services import account_erasure_register
        from manabiba.venues.services import venues_erase_for_deleted_account

        # A deleted account's user groups lose their contact details and their coming bookings.
        account_erasure_register("venues", lambda user: venues_erase_for_deleted_account(user=user))

        from manabiba.core.lottery import lottery_recheck_register
        from manabiba.core.workspace import workspace_cards_register
        from manabiba.venues.selectors import round_recheck
        from manabiba.venues.workspace import venue_cards

        # ``manabiba lottery_verify --kind rooms <round id>`` runs a room draw again.
        lottery_recheck_register("rooms", round_recheck)
        workspace_cards_register("venues", venue_cards, order=60)
