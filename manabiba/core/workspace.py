"""The staff workspace's registry: each app contributes counted cards for the day's work.

An app registers a *provider* from its ``AppConfig.ready()``; the workspace page (``/staff/``)
asks every provider for the cards a person may see and renders whatever comes back, so a new
app adds its cards without touching the page. A provider:

- returns only the cards the person's permissions cover (a card it may not open is not shown),
  scoped to what the person handles (a department its own department's work, the coordinator
  everything);
- counts with a fixed number of queries whatever the data: one aggregate per model, with a
  conditional ``Count(filter=Q(...))`` per card, so the page's cost does not grow with the data;
- links each card to a list page that filters the same way, so the number on the card is the
  number of rows the clerk finds behind it.

``Registry`` is generic so that later figure providers (the reports) plug in the same way.
"""

import enum
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from typing import Any, Generic, TypeVar

from django.db.models import Count, Q, QuerySet


class Severity(enum.StrEnum):
    NORMAL = "normal"
    ATTENTION = "attention"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Card:
    """One counted card: ``key`` is stable (``<app>.<what>``) for tests and styling."""

    key: str
    title: str
    count: int
    url: str
    severity: Severity = Severity.NORMAL
    group: str = ""


def card(*, key: str, title: str, count: int, url: str, group: str = "", when_any: Severity = Severity.NORMAL) -> Card:
    """A card whose severity is ``when_any`` if something is counted, and normal when nothing is."""
    return Card(
        key=key,
        title=title,
        count=count,
        url=url,
        severity=when_any if count else Severity.NORMAL,
        group=group,
    )


def counts_where_any(queryset: QuerySet[Any], filters: Mapping[str, Q]) -> dict[str, int]:
    """How many rows of ``queryset`` each filter matches, in one aggregate query.

    The query reads only the rows some filter matches (a WHERE of the filters joined by OR), so the
    database can go through its indexes (a status, a date) instead of reading every row of a table
    that grows by thousands a year; the counts are the same as counting over the whole queryset."""
    if not filters:
        return {}
    anywhere = reduce(operator.or_, filters.values())
    counted: dict[str, int] = queryset.filter(anywhere).aggregate(
        **{name: Count("pk", filter=condition) for name, condition in filters.items()}
    )
    return counted


@dataclass(frozen=True)
class Counted:
    """One card to count: the rows of ``rows`` that ``where`` matches (``None``: every row), shown as
    ``title``, linked to ``url``, ``when_any`` when something is counted. Cards given the same
    ``rows`` (the same queryset object) are counted together, in one query."""

    key: str
    title: str
    rows: QuerySet[Any]
    url: str
    where: Q | None = None
    when_any: Severity = Severity.ATTENTION


def counted_cards(cards: Sequence[Counted], *, group: str) -> list[Card]:
    """The cards of ``group``, in the order given, with one aggregate query per distinct ``rows``
    (``counts_where_any``: only the rows some card matches are read)."""
    batches: dict[int, list[int]] = {}
    for index, counted in enumerate(cards):
        batches.setdefault(id(counted.rows), []).append(index)
    counts: dict[str, int] = {}
    for indexes in batches.values():
        filters = {f"card{index}": cards[index].where or Q(pk__isnull=False) for index in indexes}
        counts.update(counts_where_any(cards[indexes[0]].rows, filters))
    return [
        card(
            key=counted.key,
            title=counted.title,
            count=counts[f"card{index}"],
            url=counted.url,
            group=group,
            when_any=counted.when_any,
        )
        for index, counted in enumerate(cards)
    ]


Provider = TypeVar("Provider")


class Registry(Generic[Provider]):
    """Providers by name, called by ``order`` then name (so the page's layout is stable)."""

    def __init__(self) -> None:
        self._providers: dict[str, tuple[int, Provider]] = {}

    def register(self, name: str, provider: Provider, *, order: int = 100) -> None:
        self._providers[name] = (order, provider)

    def unregister(self, name: str) -> None:
        self._providers.pop(name, None)

    def __iter__(self) -> Iterator[tuple[str, Provider]]:
        ranked = sorted(self._providers.items(), key=lambda item: (item[1][0], item[0]))
        return iter([(name, provider) for name, (_order, provider) in ranked])


CardProvider = Callable[[Any, datetime], list[Card]]
"""``provider(user, now)`` → the cards ``user`` may see (possibly none)."""

workspace_cards_registry: Registry[CardProvider] = Registry()


def workspace_cards_register(name: str, provider: CardProvider, *, order: int = 100) -> None:
    """Let an app contribute cards to the staff workspace; call from ``AppConfig.ready()``.

    ``order`` places the app's cards on the page (lower first): what residents wait for comes first.
    """
    workspace_cards_registry.register(name, provider, order=order)


def workspace_cards(*, user: Any, now: datetime) -> list[Card]:
    """Every card ``user`` may see, app by app in name order."""
    return [found for _name, provider in workspace_cards_registry for found in provider(user, now)]
