from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "manabiba.communities"
    label = "communities"
    verbose_name = _("Community groups")

    def ready(self) -> None:
        from manabiba.communities.services import SEARCH_KIND, group_search_documents
        from manabiba.core.search import search_source_register

        # Lets `manabiba rebuild_search_index` rebuild the directory's part of the index.
        search_source_register(SEARCH_KIND, group_search_documents)
