"""Addresses of objects by id, for lists that name many of them.

``reverse()`` walks the URL patterns and quotes its arguments on every call, some twenty
microseconds here: a catalogue page or an API answer names twenty programmes, and on a distinct
search that was a tenth of the answer's own work. The pattern of an address whose one argument
is an integer id is the same for every id, so it is reversed once (per URLconf and script prefix)
and the id put in its place.
"""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# An id no row has, to find where the id goes in the reversed address.
_MARKER = 918273645546372819


def path_with_id(view_name: str, pk: int) -> str:
    """What ``reverse(view_name, args=[pk])`` gives, for a URL whose one argument is an integer."""
    head, tail = path_around_id(view_name)
    return f"{head}{int(pk)}{tail}"


def path_around_id(view_name: str) -> tuple[str, str]:
    """The address of ``view_name`` before and after its integer id, for a loop that names many
    (each lookup of the URLconf and script prefix costs as much as putting the id in)."""
    return _pattern(view_name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.lru_cache(maxsize=64)
def _pattern(view_name: str, urlconf: str, prefix: str) -> tuple[str, str]:
    # ``prefix`` is part of the key only: reverse() reads the script prefix itself.
    head, found, tail = reverse(view_name, args=[_MARKER], urlconf=urlconf).partition(str(_MARKER))
    if not found:
        raise ValueError(f"{view_name}'s address does not hold its id as written")
    return head, tail
