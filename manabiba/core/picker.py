"""The searchable picker: a long list of choices with a search box that narrows it on the server.

A ``<select>`` of 150 programmes or 100 organisations is hard to use, and impossible with a screen
reader. The picker puts a search box and a 「検索」 button above the list; the server narrows the
list to the choices matching what was typed (the first ``limit`` of them), always keeping the ones
already chosen, and says how many match in a line the list is described by.

It works without JavaScript. The search box and its button belong to the same form as the list, so
pressing 「検索」 (or Enter in the search box) sends everything typed so far; the view sees
``picker_search_requested(data)``, shows the form again as typed with the narrowed list and saves
nothing (``picker_hold_errors(form)`` keeps it from complaining about fields not filled in yet).
A hidden ``<name>__applied`` holds the search the list was narrowed by: a form sent while the search
box holds something else was sent by Enter in the search box, so it searches instead of saving.
With JavaScript, htmx sends the same request as one types and swaps in only the narrowed list.

Use::

    class MyForm(PickerFormMixin, forms.Form):
        organizer = forms.ModelChoiceField(queryset=..., widget=SearchableSelect(search_fields=("name", "name_kana")))

    # the view
    form = MyForm(request.POST or None)
    if request.method == "POST" and picker_search_requested(request.POST):
        picker_hold_errors(form)
    elif request.method == "POST" and form.is_valid():
        ...

A GET form (one step choosing a thing) binds to ``request.GET`` and gives the widget
``method="get"``.
"""

from collections.abc import Iterable, Mapping, Sequence
from functools import reduce
from operator import and_, or_
from typing import Any

from django import forms
from django.db.models import Model, Q, QuerySet
from django.forms.models import ModelChoiceIterator
from django.forms.utils import ErrorDict
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from manabiba.core.japanese import to_hiragana, to_katakana

SEARCH_BUTTON = "_search"
QUERY_SUFFIX = "__q"
APPLIED_SUFFIX = "__applied"
DEFAULT_LIMIT = 50


def picker_search_requested(data: Mapping[str, Any]) -> bool:
    """Whether the form was sent to narrow a picker (its button, or Enter in its search box), not to save."""
    if SEARCH_BUTTON in data:
        return True
    for key in data:
        if key.endswith(QUERY_SUFFIX):
            base = key.removesuffix(QUERY_SUFFIX)
            if _text(data.get(key)) != _text(data.get(base + APPLIED_SUFFIX)):
                return True
    return False


def picker_hold_errors(form: forms.BaseForm) -> None:
    """Show a bound form again as typed, without judging it yet (a search is not a save)."""
    # A bound form validates itself when first asked for its errors; an empty error dict tells it
    # that has happened, so the page shows what was typed and no complaints.
    form._errors = ErrorDict()  # type: ignore[attr-defined]


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())[:100]


def picker_queries_set(form: forms.BaseForm, data: Mapping[str, Any]) -> None:
    """Give each picker of ``form`` what was typed into its search box and the field's label."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, PickerWidgetMixin):
            widget.query = _text(data.get(form.add_prefix(name) + QUERY_SUFFIX))
            widget.field_label = str(field.label or "")


class PickerFormMixin:
    """Sets the pickers' searches from the data the form is bound to."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert isinstance(self, forms.BaseForm)
        picker_queries_set(self, self.data)


def search_filter(query: str, fields: Sequence[str]) -> Q:
    """Every word of ``query`` in one of ``fields`` (kana in either script, case and width folded)."""
    words = query.split()
    if not words or not fields:
        return Q()
    conditions = []
    for word in words:
        variants = {word, to_hiragana(word), to_katakana(word)}
        conditions.append(reduce(or_, (Q(**{f"{field}__icontains": v}) for field in fields for v in variants)))
    return reduce(and_, conditions)


class PickerWidgetMixin:
    """What the select and the checkbox picker share: narrowing, the count, the search box."""

    picker_base_template = ""
    query = ""
    field_label = ""
    choices: Any
    attrs: dict[str, Any]

    def __init__(
        self,
        attrs: dict[str, Any] | None = None,
        *,
        search_fields: Sequence[str] = ("name",),
        limit: int = DEFAULT_LIMIT,
        method: str = "post",
    ) -> None:
        super().__init__(attrs)  # type: ignore[call-arg]
        self.search_fields = tuple(search_fields)
        self.limit = limit
        self.method = method

    def use_required_attribute(self, initial: Any) -> bool:
        # Django's Select asks its first choice whether it is empty, which reads the whole queryset
        # once more; the field's empty label says the same without a query.
        choices = self.choices
        if isinstance(choices, ModelChoiceIterator) and not getattr(self, "allow_multiple_selected", False):
            return forms.Widget.use_required_attribute(self, initial) and choices.field.empty_label is not None  # type: ignore[arg-type]
        return bool(super().use_required_attribute(initial))  # type: ignore[misc]

    def _narrowed(self, selected: Iterable[str]) -> tuple[list[Any], int, int]:
        """The choices to show (the chosen ones first), how many match and how many there are."""
        choices = self.choices
        if not isinstance(choices, ModelChoiceIterator):
            every = list(choices)
            words = self.query.casefold().split()
            matching = [choice for choice in every if all(w in str(choice[1]).casefold() for w in words)]
            return matching[: self.limit], len(matching), len(every)
        field = choices.field
        queryset: QuerySet[Model] = choices.queryset
        total = queryset.count()
        matches = queryset.filter(search_filter(self.query, self.search_fields)) if self.query else queryset
        count = matches.count() if self.query else total
        shown: list[Model] = list(matches[: self.limit])
        chosen_keys = {str(key) for key in selected if key not in ("", None)}
        shown_keys = {str(obj.pk) for obj in shown}
        missing = [key for key in chosen_keys if key not in shown_keys and key.isdigit()]
        chosen = list(queryset.filter(pk__in=missing)) if missing else []
        rows: list[Any] = []
        if field.empty_label is not None and not getattr(self, "allow_multiple_selected", False):
            rows.append(("", field.empty_label))
        rows.extend(choices.choice(obj) for obj in [*chosen, *shown])
        return rows, count, total

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        selected = value if isinstance(value, list | tuple) else [value]
        rows, count, total = self._narrowed([str(v) for v in selected if v is not None])
        everything = self.choices
        self.choices = rows
        try:
            context: dict[str, Any] = super().get_context(name, value, attrs)  # type: ignore[misc]
        finally:
            self.choices = everything
        widget = context["widget"]
        control_id = widget["attrs"].get("id") or f"id_{name}"
        described = " ".join(filter(None, [widget["attrs"].get("aria-describedby", ""), f"{control_id}_count"]))
        widget["attrs"]["aria-describedby"] = described
        shown = len([row for row in rows if row[0] != ""])
        widget["picker"] = {
            "id": control_id,
            "query": self.query,
            "method": self.method,
            "base_template": self.picker_base_template,
            "count_text": self._count_text(count=count, total=total, shown=shown),
            "search_label": (
                _("Search the list: %(label)s") % {"label": self.field_label} if self.field_label else _("Search")
            ),
            "query_name": name + QUERY_SUFFIX,
            "applied_name": name + APPLIED_SUFFIX,
            "search_button": SEARCH_BUTTON,
        }
        return context

    def _count_text(self, *, count: int, total: int, shown: int) -> str:
        if self.query:
            text = ngettext(
                "%(count)s of %(total)s match “%(query)s”.",
                "%(count)s of %(total)s match “%(query)s”.",
                count,
            ) % {"count": count, "total": total, "query": self.query}
        else:
            text = ngettext("%(total)s choice.", "%(total)s choices.", total) % {"total": total}
        if count > self.limit:
            text += " " + _("The first %(limit)s are listed: type part of a name to narrow the list.") % {
                "limit": self.limit
            }
        return text


class SearchableSelect(PickerWidgetMixin, forms.Select):
    """A ``<select>`` with a search box that narrows it (see the module)."""

    template_name = "core/forms/picker.html"
    picker_base_template = "django/forms/widgets/select.html"


class SearchableCheckboxes(PickerWidgetMixin, forms.CheckboxSelectMultiple):
    """Checkboxes (several choices) with a search box that narrows them; the chosen ones stay listed first."""

    template_name = "core/forms/picker.html"
    picker_base_template = "django/forms/widgets/checkbox_select.html"
