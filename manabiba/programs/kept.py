"""What the catalogue makes from one programme (a card, an API item), kept in each process.

Kept per catalogue version (``catalogue_changed`` renews it with every change of a programme)
and per variant (the language, the furigana switch …), so a kept thing is never served once its
programme has changed; the oldest are dropped beyond the limit.
"""

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

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
