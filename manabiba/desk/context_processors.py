"""``desk_status`` for the footer of every page: open now and until when, or when it opens next;
``desk_contact``: where the desk is and its phone (cached until staff change them).

Computed at the minute from the day's openings, read once a day for everyone (``desk_status_cached``),
and only when a template uses it.
Whole public pages are cached by the minute too (core.page_cache), so a cached page's footer is
never older than the minute it was rendered in.
"""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from manabiba.desk.selectors import desk_contact, desk_status_cached


def desk(request: HttpRequest) -> dict[str, Any]:
    return {"desk_status": SimpleLazyObject(desk_status_cached), "desk_contact": SimpleLazyObject(desk_contact)}
