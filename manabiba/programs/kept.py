"""What the catalogue makes from one programme (a card, an API item), kept in each process.

Kept per catalogue version (``catalogue_changed`` renews it with every change of a programme)
and per variant (the language, the furigana switch …), so a kept thing is never served once its
programme has changed; the oldest are dropped beyond the limit.
"""

import threading
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class KeptByProgramme(Generic[V]):
    def __init__(self, limit: Callable[[], int]) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        self._kept: dict[tuple[int, str, Hashable], V] = {}

    def get(self, pk: int, version: str, variant: Hashable) -> V | None:
        return self._kept.get((pk, version, variant))

    def put(self, pk: int, version: str, variant: Hashable, value: V) -> V:
        with self._lock:
            self._kept[(pk, version, variant)] = value
            # Dicts keep insertion order: the first keys are the oldest.
            while len(self._kept) > self._limit():
                del self._kept[next(iter(self._kept))]
        return value

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


class KeptForTheRequest:
    """One value per name, kept by each thread for the request it serves and forgotten when its next
    request starts (``forget``, connected to ``request_started``): with keywords not kept between
    requests, a page and its facets, asked one after the other, still share one computation."""

    def __init__(self) -> None:
        self._local = threading.local()

    def get(self, name: str, key: Hashable) -> Any:
        """The value put under ``name`` for ``key`` in this request, or None."""
        kept: tuple[Hashable, Any] | None = getattr(self._local, name, None)
        return kept[1] if kept is not None and kept[0] == key else None

    def put(self, name: str, key: Hashable, value: V) -> V:
        setattr(self._local, name, (key, value))
        return value

    def forget(self, **_kwargs: Any) -> None:
        self._local.__dict__.clear()


# The one kept by every thread for its request (catalogue_index, selectors).
kept_for_the_request = KeptForTheRequest()
