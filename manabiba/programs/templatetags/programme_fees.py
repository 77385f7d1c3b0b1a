"""A programme's fee the way residents read it: 「無料」, 「1,500円（材料費）」, with the organiser's note."""

from typing import Protocol

from django import template
from django.template.defaultfilters import capfirst, floatformat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext

from manabiba.core.templatetags.japanese import lang_ja
from manabiba.programs.models import Program

register = template.Library()

# As the model's get_fee_display(): the kind's label, else the stored value.
_FEE_LABELS = dict(Program.Fee.choices)


class Priced(Protocol):
    """What ``fee_html`` reads: a programme, or a catalogue card's ``CardProgram``."""

    @property
    def fee(self) -> str: ...

    @property
    def fee_amount(self) -> int | None: ...

    @property
    def fee_note(self) -> str: ...


@register.filter
def fee_html(program: Priced) -> SafeString:
    """``{{ program|fee_html }}``: free, an amount (with "materials" when it pays for them) or the
    kind of fee, then the organiser's note in its own language. Written here, not by a template:
    every catalogue card shows it."""
    text: str
    if program.fee == Program.Fee.FREE:
        text = escape(gettext("Free"))
    elif program.fee_amount is not None:
        text = escape(gettext("%(amount)s yen") % {"amount": floatformat(program.fee_amount, "g")})
        if program.fee == Program.Fee.MATERIALS:
            text += " " + escape(gettext("(materials)"))
    else:
        text = escape(capfirst(str(_FEE_LABELS.get(program.fee, program.fee))))
    if program.fee_note:
        separator = escape(pgettext("separator", " — "))
        text += f"{separator}<span{lang_ja(program.fee_note)}>{escape(program.fee_note)}</span>"
    return mark_safe(text)  # every value above is escaped
