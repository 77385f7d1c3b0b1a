"""One page of a directory's ids: the search's ranking when there is a query, else the directory's order."""


def page_ids(ids: list[int], ranked: list[int] | None, *, offset: int, limit: int | None) -> list[int]:
    """``ids`` (every match, in the directory's own order) reordered best match first when the search
    ranked them (a match the ranking lacks goes last, in its own order), then cut to one page."""
    if ranked is not None:
        position = {pk: index for index, pk in enumerate(ranked)}
        ids = sorted(ids, key=lambda pk: position.get(pk, len(position)))
    return ids[offset : offset + limit] if limit is not None else ids[offset:]
