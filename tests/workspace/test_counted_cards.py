"""``core.workspace.counted_cards``: the one helper the apps' count cards are built with."""

from typing import Any

import pytest
from django.db.models import Q

from manabiba.core.models import Area
from manabiba.core.workspace import Counted, Severity, counted_cards

pytestmark = pytest.mark.django_db


def test_cards_on_the_same_rows_are_counted_in_one_query_and_keep_their_order(
    django_assert_num_queries: Any,
) -> None:
    names = ("田無町", "谷戸町", "向台町")
    for name in names:
        Area.objects.get_or_create(name=name)
    areas = Area.objects.filter(name__in=names)
    cards = [
        Counted(key="t.all", title="All", rows=areas, url="/a"),
        Counted(key="t.other", title="Other rows", rows=Area.objects.filter(name="谷戸町"), url="/b"),
        Counted(
            key="t.some", title="Some", rows=areas, where=Q(name__endswith="台町"), url="/c", when_any=Severity.OVERDUE
        ),
        Counted(key="t.none", title="None", rows=areas, where=Q(name="ない"), url="/d"),
    ]
    with django_assert_num_queries(2):  # one per queryset
        found = counted_cards(cards, group="G")
    assert [(c.key, c.count, c.severity, c.group, c.url) for c in found] == [
        ("t.all", 3, Severity.ATTENTION, "G", "/a"),
        ("t.other", 1, Severity.ATTENTION, "G", "/b"),
        ("t.some", 1, Severity.OVERDUE, "G", "/c"),
        ("t.none", 0, Severity.NORMAL, "G", "/d"),
    ]
    assert counted_cards([], group="G") == []
