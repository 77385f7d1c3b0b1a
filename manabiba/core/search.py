"""PLACEHOLDER written by the lead so other apps can import while the search helper builds the
real module. The search helper replaces this whole file; nothing here is meant to stay."""

from datetime import datetime


def search_index_update(
    *, kind: str, object_id: int, title: str, body: str, venue: str, starts_at: datetime | None
) -> None:
    return None


def search_index_remove(*, kind: str, object_id: int) -> None:
    return None


def search_ids(*, kind: str, query: str, limit: int | None = None) -> list[int]:
    return []


def search_snippet(text: str, query: str) -> str:
    return text
