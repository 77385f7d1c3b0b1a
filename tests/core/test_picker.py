"""The searchable picker (core/picker.py): the server narrows the list, keeps what is chosen, says how
many match, and tells a search from a save."""

import pytest
from django import forms
from django.http import QueryDict
from django.utils import translation

from manabiba.core.models import Area
from manabiba.core.picker import (
    PickerFormMixin,
    SearchableCheckboxes,
    SearchableSelect,
    picker_hold_errors,
    picker_search_requested,
)

pytestmark = pytest.mark.django_db


class AreaForm(PickerFormMixin, forms.Form):
    area = forms.ModelChoiceField(
        label="Area",
        queryset=Area.objects.order_by("sort_order", "name"),
        widget=SearchableSelect(search_fields=("name", "kana", "name_en"), limit=3),
    )
    areas = forms.ModelMultipleChoiceField(
        label="Areas",
        queryset=Area.objects.order_by("sort_order", "name"),
        required=False,
        widget=SearchableCheckboxes(search_fields=("name", "kana"), limit=3),
    )
    note = forms.CharField(label="Note")


@pytest.fixture
def areas() -> list[Area]:
    names = [
        ("北町", "きたまち", "Kitamachi"),
        ("南町", "みなみちょう", "Minamicho"),
        ("東町", "ひがしちょう", "Higashicho"),
    ]
    names += [("西原町", "にしはらちょう", "Nishiharacho"), ("緑町", "みどりちょう", "Midoricho")]
    return [Area.objects.create(name=n, kana=k, name_en=e, sort_order=i) for i, (n, k, e) in enumerate(names)]


def _data(**values: str | list[str]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in values.items():
        if isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = value
    return data


def test_without_a_search_the_first_of_the_list_and_how_many_there_are(areas: list[Area]) -> None:
    with translation.override("en"):
        html = str(AreaForm()["area"])
    assert html.count("<option") == 4  # the empty choice and the first three
    assert "5 choices. The first 3 are listed" in html
    assert 'aria-describedby="id_area_count"' in html
    assert '<label for="id_area__q"' in html
    assert 'name="_search" value="area"' in html


def test_a_search_narrows_in_either_kana_and_keeps_the_chosen(areas: list[Area]) -> None:
    *_rest, green = areas
    form = AreaForm(_data(area=str(green.pk), area__q="チョウ", _search="area", note="typed"))
    picker_hold_errors(form)
    with translation.override("en"):
        html = str(form["area"])
    # The four ちょう towns match; the chosen one is listed first, then the first three matches.
    assert "4 of 5 match “チョウ”." in html
    assert html.index(f'value="{green.pk}" selected') < html.index("南町")
    assert "北町" not in html
    assert 'value="typed"' in str(form["note"])
    assert not form.errors


def test_the_checkbox_picker_keeps_every_ticked_choice(areas: list[Area]) -> None:
    north, south, *_rest = areas
    form = AreaForm(_data(areas=[str(north.pk), str(south.pk)], areas__q="midori"))
    html = str(form["areas"])
    assert "緑町" not in html  # "midori" is in the English name, which this picker does not search
    assert html.count('type="checkbox"') == 2
    assert html.count("checked") == 2


def test_a_chosen_value_outside_the_narrowed_list_is_still_valid(areas: list[Area]) -> None:
    form = AreaForm(_data(area=str(areas[4].pk), area__q="北", area__applied="北", note="x"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["area"] == areas[4]


@pytest.mark.parametrize(
    ("data", "searching"),
    [
        ({"_search": "area"}, True),
        ({"area__q": "北", "area__applied": ""}, True),  # Enter in the search box
        ({"area__q": "北", "area__applied": "北"}, False),  # saved after searching
        ({"area__q": " 北 ", "area__applied": "北"}, False),
        ({"area__q": "", "area__applied": ""}, False),
        ({"area": "1"}, False),
    ],
)
def test_a_search_is_told_from_a_save(data: dict[str, str], searching: bool) -> None:
    assert picker_search_requested(data) is searching
