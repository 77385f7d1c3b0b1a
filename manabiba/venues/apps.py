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
