"""Addresses reversed once: of pages without arguments, and of objects by id.

``reverse()`` walks the URL patterns and quotes its arguments on every call, some twenty
microseconds here. A page's header, footer and forms name about thirty addresses that never
change, and a catalogue page or an API answer names twenty programmes: on a distinct search that
was a tenth of the answer's own work. So an address without arguments is reversed once, and the
pattern of an address whose one argument is an integer id is reversed once and the id put in its
place (each per URLconf, script prefix and language, the things ``reverse()`` depends on here).
"""

import functools

from django.urls import NoReverseMatch, URLResolver, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# An id no row has, to find where the id goes in the reversed address.
_MARKER = 918273645546372819


def path_with_id(view_name: str, pk: int) -> str:
    """What ``reverse(view_name, args=[pk])`` gives, for a URL whose one argument is an integer."""
    head, tail = path_around_id(view_name)
    return f"{head}{int(pk)}{tail}"


def path_around_id(view_name: str) -> tuple[str, str]:
    """The address of ``view_name`` before and after its integer id, for a loop that names many
    (each lookup of the URLconf and script prefix costs as much as putting the id in)."""
    return _pattern(view_name, get_resolver(get_urlconf()), get_script_prefix(), get_language())


def path_of(view_name: str, current_app: str | None = None) -> str:
    """What ``reverse(view_name, current_app=current_app)`` gives (or raises), for an address
    without arguments: ``{% url %}`` without arguments comes here (``core.templatetags.urls``)."""
    path = _plain(view_name, current_app, get_resolver(get_urlconf()), get_script_prefix(), get_language())
    if path is None:
        raise NoReverseMatch(f"Reverse for '{view_name}' not found.")
    return path


# The URLconf's resolver (a new one when ROOT_URLCONF changes), the script prefix and the language
# are the keys: reverse() reads each itself.


@functools.lru_cache(maxsize=64)
def _pattern(view_name: str, urlconf: URLResolver, prefix: str, language: str | None) -> tuple[str, str]:
    head, found, tail = reverse(view_name, args=[_MARKER]).partition(str(_MARKER))
    if not found:
        raise ValueError(f"{view_name}'s address does not hold its id as written")
    return head, tail


@functools.lru_cache(maxsize=1024)
def _plain(
    view_name: str, current_app: str | None, urlconf: URLResolver, prefix: str, language: str | None
) -> str | None:
    try:
        return reverse(view_name, current_app=current_app)
    except NoReverseMatch:
        return None  # kept too: an optional app's page stays absent (``{% url … as name %}``)
