"""A listing's filters in words, for its ``<title>``: each filtered view of a listing is its own page
(in the browser's history, a bookmark, a screen reader's first words), so its title says what is shown."""

from collections.abc import Callable, Iterable, Mapping
from html import escape
from typing import Any

from django import template
from django.utils.formats import get_format, number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from manabiba.core.holidays import holiday_label

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


@register.simple_tag
def facets_chosen(facets: Mapping[str, Iterable[Any]]) -> int:
    """How many facet values are chosen (``.selected``), for the closed filter disclosure to say."""
    return sum(1 for values in facets.values() for value in values if value.selected)


@register.filter
def list_join(values: Iterable[Any]) -> str:
    """Words joined the way the reader's language lists them: 「水曜、土曜」, "Wednesday, Saturday"."""
    return pgettext("list separator", ", ").join(str(value) for value in values)


@register.filter(name="holiday_label")
def holiday_label_filter(name: str) -> str:
    """A national holiday's name in the reader's language: 文化の日 or Culture Day."""
    return holiday_label(name) if name else ""


def _count(name: str, option: Any, brackets: tuple[str, str], grouped: Callable[[int], str], extra: str = "") -> str:
    """A facet option's count in the page's brackets (「（3）」, " (3)"), with the stable id an htmx
    update refreshes it by."""
    opening, closing = brackets
    return (
        f'<span class="facet__count" id="count-{escape(name)}-{escape(str(option.value))}"{extra}>'
        f"{opening}{grouped(option.count)}{closing}</span>"
    )


def _brackets() -> tuple[str, str]:
    return pgettext("opening bracket", " ("), pgettext("closing bracket", ")")


def _grouping() -> Callable[[int], str]:
    """Whole numbers with the page's language's thousands separator (「1,234」), the format read once
    for all of a page's options: ``number_format`` for each of sixty counts was a tenth of the page."""
    separator = get_format("THOUSAND_SEPARATOR")
    if get_format("NUMBER_GROUPING") == 3 and isinstance(separator, str):
        return lambda number: f"{number:,}".replace(",", separator)
    return lambda number: number_format(number, force_grouping=True)


@register.simple_tag
def facet_options(name: str, values: Iterable[Any], kind: str = "") -> SafeString:
    """A facet's options, each a checkbox (or radio) with how many results it would give.

    Built here with plain strings rather than in a template loop or with ``format_html``: a
    catalogue page shows some sixty options, and either way they cost more than the rest of the
    page (docs/performance.md). Every value from outside is escaped.
    """
    kind, name = escape(kind or "checkbox"), escape(name)
    brackets, grouped = _brackets(), _grouping()
    options = []
    for option in values:
        value = escape(str(option.value))
        checked = " checked" if option.selected else ""
        options.append(
            f'<li>\n  <input type="{kind}" name="{name}" value="{value}" id="f-{name}-{value}"{checked}>\n'
            f'  <label for="f-{name}-{value}">{escape(str(capfirst(option.label)))}'
            f"{_count(name, option, brackets, grouped)}</label>\n</li>"
        )
    return mark_safe("\n".join(options))  # every value from outside is escaped above


@register.simple_tag
def facet_counts_out_of_band(facet_counts: Iterable[tuple[str, Iterable[Any]]]) -> SafeString:
    """Every facet option's count, each to replace its namesake out of band (an htmx update of the list)."""
    brackets, grouped = _brackets(), _grouping()
    return mark_safe(
        "".join(
            _count(name, option, brackets, grouped, ' hx-swap-oob="true"')
            for name, values in facet_counts
            for option in values
        )
    )
