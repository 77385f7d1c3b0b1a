from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "manabiba.alerts"
    label = "alerts"
    verbose_name = _("New-programme mail")

    def ready(self) -> None:
        from manabiba.accounts.selectors import personal_data_export_register
        from manabiba.accounts.services import account_erasure_register
        from manabiba.alerts.audit_actions import audit_register
        from manabiba.alerts.selectors import saved_search_described, saved_searches_export
        from manabiba.alerts.services import (
            ALERTS_LIST,
            UNSUBSCRIBE_SALT,
            alerts_erase_for_deleted_account,
            saved_search_unsubscribe_by_link,
        )
        from manabiba.core.unsubscribe import UnsubscribeList, unsubscribe_list_register

        # A deleted account takes its saved searches with it.
        account_erasure_register("alerts", lambda user: alerts_erase_for_deleted_account(user=user))
        personal_data_export_register("alerts", saved_searches_export)
        # Each alert mail's one-click unsubscribe link (and List-Unsubscribe header) stops that saved search.
        unsubscribe_list_register(
            UnsubscribeList(
                name=ALERTS_LIST,
                salt=UNSUBSCRIBE_SALT,
                unsubscribe=saved_search_unsubscribe_by_link,
                title=_("New-programme mail"),
                question=_("Stop the weekly mail of new programmes for these conditions?"),
                done=_(
                    "You will receive no more mail for these conditions. Your other saved conditions, if any, "
                    "are on My page."
                ),
                describe=saved_search_described,
                back_url_name="programs:list",
                back_label=_("Find a programme"),
            )
        )
        # What this app's audit log codes mean, for the log page (core/audit.py).
        audit_register()
