from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "manabiba.communities"
    label = "communities"
    verbose_name = _("Community groups")

    def ready(self) -> None:
        from manabiba.accounts.selectors import personal_data_export_register
        from manabiba.accounts.services import account_erasure_register
        from manabiba.communities.selectors import SEARCH_KIND, communities_export, group_search_documents
        from manabiba.communities.services import communities_erase_for_deleted_account
        from manabiba.core.search import search_source_register

        # Lets `manabiba rebuild_search_index` rebuild the directory's part of the index.
        search_source_register(SEARCH_KIND, group_search_documents)
        # A deleted account leaves the groups (an owner must hand the group over first).
        account_erasure_register("communities", lambda user: communities_erase_for_deleted_account(user=user))
        personal_data_export_register("communities", communities_export)

        from manabiba.communities.workspace import community_cards
        from manabiba.core.workspace import workspace_cards_register

        workspace_cards_register("communities", community_cards, order=30)

        from manabiba.communities.figures import group_figures
        from manabiba.core.figures import figures_register

        figures_register("communities", group_figures, order=50)

        from manabiba.communities.services import DIGEST_LIST, UNSUBSCRIBE_SALT, digest_unsubscribe_by_link
        from manabiba.core.unsubscribe import UnsubscribeList, unsubscribe_list_register

        # The digest's one-click unsubscribe link (and List-Unsubscribe header).
        unsubscribe_list_register(
            UnsubscribeList(
                name=DIGEST_LIST,
                salt=UNSUBSCRIBE_SALT,
                unsubscribe=digest_unsubscribe_by_link,
                title=_("Weekly mail"),
                question=_("Stop the weekly mail about the groups you follow? You will still follow them."),
                done=_(
                    "You will receive no more weekly mails about the groups you follow. You still follow them; "
                    "you can follow or stop following on each group's page."
                ),
                back_url_name="communities:list",
                back_label=_("Community groups"),
            )
        )

        from manabiba.communities.audit_actions import audit_register

        # What this app's audit log codes mean, for the log page (core/audit.py).
        audit_register()
