"""A programme's fee the way residents read it: 「無料」, 「1,500円（材料費）」, with the organiser's note."""

from django import template
from django.template.defaultfilters import capfirst, floatformat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext

from manabiba.core.templatetags.japanese import lang_ja
from manabiba.programs.models import Program

register = template.Library()


@register.filter
def fee_html(program: Program) -> SafeString:
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
        text = escape(capfirst(program.get_fee_display()))
    if program.fee_note:
        separator = escape(pgettext("separator", " — "))
        text += f"{separator}<span{lang_ja(program.fee_note)}>{escape(program.fee_note)}</span>"
    return mark_safe(text)  # every value above is escaped
