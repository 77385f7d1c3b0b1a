"""A listing's filters in words, for its ``<title>``: each filtered view of a listing is its own page
(in the browser's history, a bookmark, a screen reader's first words), so its title says what is shown."""

from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from manabiba.core.holidays import holiday_label
from manabiba.core.templatetags.japanese import bracketed

register = template.Library()


@register.simple_tag
def filters_in_words(query: str, facets: Mapping[str, Iterable[Any]], *choices: Iterable[tuple[Any, Any, bool]]) -> str:
    """The search words and every chosen facet value (``.label`` of those ``.selected``) and choice
    (``(value, label, selected)``), capitalised as the facets show them, joined as a list:
    「“書道”, Free, Saturday」; empty when unfiltered."""
    words = [_("“%(query)s”") % {"query": query}] if query else []
    for values in facets.values():
        words.extend(str(capfirst(value.label)) for value in values if value.selected)
    for options in choices:
        words.extend(str(capfirst(label)) for _value, label, selected in options if selected)
    return pgettext("list separator", ", ").join(words)


@register.filter
def list_join(values: Iterable[Any]) -> str:
    """Words joined the way the reader's language lists them: 「水曜、土曜」, "Wednesday, Saturday"."""
    return pgettext("list separator", ", ").join(str(value) for value in values)


@register.filter(name="holiday_label")
def holiday_label_filter(name: str) -> str:
    """A national holiday's name in the reader's language: 文化の日 or Culture Day."""
    return holiday_label(name) if name else ""


def _count(name: str, option: Any, extra: str = "") -> SafeString:
    """A facet option's count in the page's brackets (「（3）」, " (3)"), with the stable id an htmx
    update refreshes it by."""
    return format_html(
        '<span class="facet__count" id="count-{}-{}"{}>{}</span>',
        name,
        option.value,
        extra,
        bracketed(localize(option.count)),
    )


@register.simple_tag
def facet_options(name: str, values: Iterable[Any], kind: str = "") -> SafeString:
    """A facet's options, each a checkbox (or radio) with how many results it would give.

    Built here rather than in a template loop: a catalogue page shows some sixty options, and as
    template variables they cost more than the rest of the page (docs/performance.md).
    """
    kind = kind or "checkbox"
    return format_html_join(
        "\n",
        '<li>\n  <input type="{}" name="{}" value="{}" id="f-{}-{}"{}>\n  <label for="f-{}-{}">{}{}</label>\n</li>',
        (
            (
                kind,
                name,
                option.value,
                name,
                option.value,
                mark_safe(" checked") if option.selected else "",
                name,
                option.value,
                capfirst(option.label),
                _count(name, option),
            )
            for option in values
        ),
    )


@register.simple_tag
def facet_counts_out_of_band(facet_counts: Iterable[tuple[str, Iterable[Any]]]) -> SafeString:
    """Every facet option's count, each to replace its namesake out of band (an htmx update of the list)."""
    oob = mark_safe(' hx-swap-oob="true"')
    return mark_safe("".join(_count(name, option, oob) for name, values in facet_counts for option in values))
