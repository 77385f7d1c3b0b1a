"""The group directory's part of the search index."""

from collections.abc import Iterable

from manabiba.communities.models import CommunityGroup
from manabiba.core.search import SearchDocument, search_index_remove, search_index_update

SEARCH_KIND = "communities.group"


def group_search_document(group: CommunityGroup) -> SearchDocument:
    return SearchDocument(
        object_id=group.pk,
        title=" ".join(filter(None, [group.name, group.name_kana])),
        body=" ".join(
            filter(
                None,
                [
                    group.purpose,
                    group.activities,
                    str(group.get_kind_display()),
                    " ".join(c.minor or c.major for c in group.categories.all()),
                ],
            )
        ),
        venue=" ".join(filter(None, [group.activity_place, " ".join(a.name for a in group.areas.all())])),
    )


def group_search_documents() -> Iterable[SearchDocument]:
    groups = CommunityGroup.objects.filter(status=CommunityGroup.Status.APPROVED, hidden_at__isnull=True)
    for group in groups.prefetch_related("categories", "areas").order_by("pk").iterator(chunk_size=500):
        yield group_search_document(group)


def group_reindex(group: CommunityGroup) -> None:
    """Listed groups are in the search index; any other is taken out. Same transaction as the change."""
    if group.is_listed:
        document = group_search_document(group)
        search_index_update(
            kind=SEARCH_KIND, object_id=group.pk, title=document.title, body=document.body, venue=document.venue
        )
    else:
        search_index_remove(kind=SEARCH_KIND, object_id=group.pk)
