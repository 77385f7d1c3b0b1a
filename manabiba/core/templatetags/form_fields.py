"""One way to show a form's fields and its errors on every page of the site.

``{% include "core/forms/field.html" with field=form.name %}`` renders one field;
``{% include "core/forms/fields.html" %}`` renders a whole ``form``; ``{% error_summary form %}``
puts the error summary (the GOV.UK pattern) at the top of the page; ``{% page_has_form_errors %}``
tells the base template to say "Error:" in the page title.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django import forms, template
from django.forms.formsets import BaseFormSet
from django.template.context import Context
from django.utils.safestring import SafeString
from django.utils.translation import pgettext

register = template.Library()


@dataclass(frozen=True)
class SummaryEntry:
    """One line of the error summary: the text and the id of the control it links to ("" for none)."""

    target: str
    text: str


def form_has_errors(item: object) -> bool:
    """Whether a form or formset on the page has errors to show.

    A form whose errors are held back (the programme form's "More dates") reports none, and an
    unbound form never validates, so asking does not make a blank form complain.
    """
    if isinstance(item, forms.BaseForm):
        return item.is_bound and bool(item.errors)
    if isinstance(item, BaseFormSet):
        return item.is_bound and item.total_error_count() > 0
    return False


def field_target(field: forms.BoundField) -> str:
    """The id the summary links to: the control itself, or the first radio or checkbox of a group."""
    if field.use_fieldset:
        subwidgets = field.subwidgets
        if subwidgets and subwidgets[0].id_for_label:
            return str(subwidgets[0].id_for_label)
    return str(field.id_for_label or field.auto_id or "")


def _first_target(form: forms.BaseForm) -> str:
    for field in form.visible_fields():
        return field_target(field)
    return ""


def _entry(target: str, label: str, error: str) -> SummaryEntry:
    if not label:
        return SummaryEntry(target, error)
    return SummaryEntry(target, pgettext("error summary", "%(label)s: %(error)s") % {"label": label, "error": error})


def _form_entries(form: forms.BaseForm, prefix: str = "") -> Iterator[SummaryEntry]:
    # Errors of the whole form link to its first field, where a reader starts to put it right.
    for error in form.non_field_errors():
        yield _entry(_first_target(form), prefix, str(error))
    for field in form.visible_fields():
        label = str(field.label)
        if prefix:
            label = pgettext("error summary", "%(row)s, %(label)s") % {"row": prefix, "label": label}
        for error in field.errors:
            yield _entry(field_target(field), label, str(error))
    # A hidden field's error has no control to link to; say it all the same.
    for field in form.hidden_fields():
        for error in field.errors:
            yield _entry("", prefix, str(error))


def summary_entries(*items: object, row_label: str = "", label: str = "") -> list[SummaryEntry]:
    """The summary's lines for forms and formsets, in the order given.

    ``row_label`` names a formset's rows, ``{n}`` standing for the row's number ("Date {n}": a
    template makes it with ``{% blocktranslate asvar row with n="{n}" %}``, since a translated
    literal in a template cannot hold %-placeholders); ``label`` names a form that needs it (one
    row of a table of forms).
    """
    entries: list[SummaryEntry] = []
    for item in items:
        if isinstance(item, BaseFormSet):
            if not form_has_errors(item):
                continue
            first = next((_first_target(form) for form in item.forms), "")
            entries.extend(_entry(first, label, str(error)) for error in item.non_form_errors())
            for n, form in enumerate(item.forms, start=1):
                row = row_label.replace("{n}", str(n)) if row_label else str(n)
                entries.extend(_form_entries(form, row))
        elif isinstance(item, forms.BaseForm) and form_has_errors(item):
            entries.extend(_form_entries(item, label))
    return entries


@register.inclusion_tag("core/forms/error_summary.html")
def error_summary(*items: object, row_label: str = "", label: str = "") -> dict[str, Any]:
    """The error summary for the given forms and formsets; nothing when none has errors."""
    return {"entries": summary_entries(*items, row_label=row_label, label=label)}


def _forms_in(values: Iterable[object]) -> Iterator[object]:
    for value in values:
        # type(), not isinstance(): isinstance() would evaluate the context's lazy values, the CSRF
        # token among them, and a page without a form would set a CSRF cookie for every visitor.
        kind = type(value)
        if issubclass(kind, forms.BaseForm | BaseFormSet):
            yield value
        elif issubclass(kind, list | tuple) and isinstance(value, list | tuple):
            # Rows of a table of forms, such as (registration, form) pairs.
            for inner in value:
                if isinstance(inner, forms.BaseForm | BaseFormSet):
                    yield inner
                elif isinstance(inner, tuple):
                    yield from (part for part in inner if isinstance(part, forms.BaseForm | BaseFormSet))


@register.simple_tag(takes_context=True)
def page_has_form_errors(context: Context) -> bool:
    """Whether any form the view gave the page has errors, for the page title."""
    return any(form_has_errors(item) for item in _forms_in(context.flatten().values()))


@register.simple_tag
def error_title_prefix() -> str:
    return pgettext("page title when a form has errors", "Error: ")


@register.filter
def control(field: forms.BoundField) -> SafeString:
    """The field's control; when the form has errors the summary takes the focus, so no field autofocuses."""
    html = field.as_widget(attrs={"autofocus": False}) if form_has_errors(field.form) else field.as_widget()
    if field.field.show_hidden_initial:
        html += field.as_hidden(only_initial=True)
    return html
