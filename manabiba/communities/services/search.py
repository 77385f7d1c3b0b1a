"""The group directory's part of the search index, kept in step with each change."""

from manabiba.communities.models import CommunityGroup
from manabiba.communities.selectors import SEARCH_KIND, group_search_document
from manabiba.core.search import search_index_remove, search_index_update


def group_reindex(group: CommunityGroup) -> None:
    """Listed groups are in the search index; any other is taken out. Same transaction as the change."""
    if group.is_listed:
        document = group_search_document(group)
        search_index_update(
            kind=SEARCH_KIND, object_id=group.pk, title=document.title, body=document.body, venue=document.venue
        )
    else:
        search_index_remove(kind=SEARCH_KIND, object_id=group.pk)
