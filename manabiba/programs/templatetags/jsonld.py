"""JSON-LD for ``<script type="application/ld+json">``: data, never markup.

Inside a script element the HTML parser ends the element at the first ``</script``, and
``<!--`` changes how it reads on; so ``<``, ``>`` and ``&`` are written as JSON's ``\\u003c``
escapes, which every JSON reader turns back into the same characters.
"""

import json
from typing import Any

from django import template
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from manabiba.programs.feeds import program_event_jsonld
from manabiba.programs.models import Program

register = template.Library()

_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026", 0x2028: "\\u2028", 0x2029: "\\u2029"}


@register.filter
def jsonld(value: Any) -> SafeString:
    """``value`` as JSON that cannot close or confuse the script element it is written into."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return mark_safe(text.translate(_ESCAPES))  # every character HTML acts on is escaped


@register.simple_tag(takes_context=True)
def program_event(context: template.Context, program: Program) -> dict[str, Any]:
    """The schema.org ``Event`` of ``program``, to pass through ``jsonld``."""
    request = context["request"]
    assert isinstance(request, HttpRequest)
    return program_event_jsonld(request, program)
