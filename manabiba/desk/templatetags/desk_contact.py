"""Filters for the desk's contact block: a dialable phone link and the map link."""

import re

from django import template

from manabiba.desk.models import DeskContact
from manabiba.desk.selectors import desk_map_url as _desk_map_url

register = template.Library()


@register.filter
def desk_tel(phone: str) -> str:
    """``042-464-1311`` → ``0424641311`` for a ``tel:`` link (phones dial it, screen readers read the text)."""
    return re.sub(r"[^0-9+]", "", phone or "")


@register.filter
def desk_map_url(contact: DeskContact) -> str:
    return _desk_map_url(contact)
