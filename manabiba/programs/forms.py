"""The catalogue's filter: GET parameters in, ProgramFilters out.

Parsing is lenient on purpose. Listing URLs are bookmarked and shared; a stale link may carry a
field that no longer exists or a mistyped date, and the resident should still see the rest of
the filter applied instead of an error page. No value is looked up in the database here, so the
listing keeps a fixed number of queries.
"""

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from manabiba.programs.models import Organizer, Program
from manabiba.programs.selectors import ProgramFilters, Sort, When

PAGE_SIZE = 20
# Beyond this page the count says there is nothing; it also keeps OFFSET bounded.
MAX_PAGE = 500


class LenientListField(forms.Field):
    """Several values of one GET parameter; the ones that do not parse are dropped."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, parse: Callable[[str], Any], allowed: Iterable[Any] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.parse = parse
        self.allowed = frozenset(allowed) if allowed is not None else None

    def to_python(self, value: Any) -> tuple[Any, ...]:
        if not value:
            return ()
        raw = value if isinstance(value, list | tuple) else [value]
        seen: dict[Any, None] = {}
        for item in raw:
            try:
                parsed = self.parse(str(item).strip())
            except (TypeError, ValueError):
                continue
            if self.allowed is None or parsed in self.allowed:
                seen[parsed] = None
        return tuple(seen)


def _positive_int(text: str) -> int:
    number = int(text)
    if number <= 0:
        raise ValueError(text)
    return number


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class ProgramFilterForm(forms.Form):
    q = forms.CharField(label=_("Keyword"), required=False, max_length=200)
    category = LenientListField(parse=_positive_int, label=_("Field"))
    audience = LenientListField(parse=_positive_int, label=_("Audience"))
    area = LenientListField(parse=_positive_int, label=_("Area"))
    organizer = LenientListField(parse=str, allowed=Organizer.Kind.values, label=_("Organiser"))
    kind = LenientListField(parse=str, allowed=Program.Kind.values, label=_("Kind of programme"))
    weekday = LenientListField(parse=int, allowed=range(7), label=_("Day of the week"))
    when = LenientListField(parse=str, allowed=When.values, label=_("Time"))
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    free = forms.ChoiceField(
        label=_("Fee"),
        required=False,
        choices=[("", _("any")), ("1", _("free")), ("0", _("fee or materials"))],
    )
    open = forms.BooleanField(label=_("Applications open now"), required=False)
    wheelchair = forms.BooleanField(label=_("Wheelchair access"), required=False)
    childcare = forms.BooleanField(label=_("Childcare available"), required=False)
    sign_language = forms.BooleanField(label=_("Sign language interpretation"), required=False)
    easy = forms.BooleanField(label=_("With a summary in easy Japanese"), required=False)
    past = forms.BooleanField(label=_("Include finished programmes"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=Sort.choices)
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, widget=forms.HiddenInput)

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        # input_type, not attrs: a "type" in attrs after construction is written as a second attribute.
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs.update({"autocomplete": "off"})

    def cleaned(self, name: str, default: Any = None) -> Any:
        """A field's value, or ``default`` when it was missing or did not parse."""
        if not self.is_bound:
            return default
        self.is_valid()
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value

    def filters(self) -> ProgramFilters:
        date_from: date | None = self.cleaned("date_from")
        date_to: date | None = self.cleaned("date_to")
        if date_from and date_to and date_to < date_from:
            date_from, date_to = date_to, date_from
        free = self.cleaned("free", "")
        return ProgramFilters(
            q=self.cleaned("q", "").strip(),
            categories=self.cleaned("category", ()),
            audiences=self.cleaned("audience", ()),
            areas=self.cleaned("area", ()),
            organizer_kinds=self.cleaned("organizer", ()),
            kinds=self.cleaned("kind", ()),
            date_from=date_from,
            date_to=date_to,
            weekdays=self.cleaned("weekday", ()),
            when=self.cleaned("when", ()),
            free=None if free == "" else free == "1",
            open_now=bool(self.cleaned("open", False)),
            wheelchair=bool(self.cleaned("wheelchair", False)),
            childcare=bool(self.cleaned("childcare", False)),
            sign_language=bool(self.cleaned("sign_language", False)),
            easy_japanese=bool(self.cleaned("easy", False)),
            include_past=bool(self.cleaned("past", False)),
            sort=self.cleaned("sort", ""),
        )

    @property
    def page_number(self) -> int:
        page: int = self.cleaned("page", 1)
        return page

    @property
    def is_filtered(self) -> bool:
        """Whether anything but the order or the page was asked for: the "clear filters" link shows."""
        return self.filters() != ProgramFilters(sort=self.filters().sort)


def filters_from_query(query: str) -> ProgramFilters:
    """The filters of the listing for a query string (``category=3&area=5``), parsed as the listing parses it."""
    return ProgramFilterForm(QueryDict(query) if query else None).filters()


def filters_query(filters: ProgramFilters) -> str:
    """The listing's query string for ``filters`` in one normal form: the filters in the form's order,
    each one's values sorted, without the order or the page. Two queries that show the same
    programmes give the same string (a saved search is kept in it)."""
    params: list[tuple[str, str]] = []
    if filters.q:
        params.append(("q", filters.q))
    for name, values in (
        ("category", filters.categories),
        ("audience", filters.audiences),
        ("area", filters.areas),
        ("organizer", filters.organizer_kinds),
        ("kind", filters.kinds),
        ("weekday", filters.weekdays),
        ("when", filters.when),
    ):
        params += [(name, str(value)) for value in sorted(values)]
    if filters.date_from is not None:
        params.append(("date_from", filters.date_from.isoformat()))
    if filters.date_to is not None:
        params.append(("date_to", filters.date_to.isoformat()))
    if filters.free is not None:
        params.append(("free", "1" if filters.free else "0"))
    for name, on in (
        ("open", filters.open_now),
        ("wheelchair", filters.wheelchair),
        ("childcare", filters.childcare),
        ("sign_language", filters.sign_language),
        ("past", filters.include_past),
    ):
        if on:
            params.append((name, "on"))
    return urlencode(params)
