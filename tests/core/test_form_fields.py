"""The one field include and the error summary, on a form of their own."""

from html.parser import HTMLParser

from django import forms
from django.template import Context, Template
from django.utils import translation

from manabiba.core.templatetags.form_fields import SummaryEntry, summary_entries


class Elements(HTMLParser):
    """Each element's tag and attributes, and the text of the page, in order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data: str) -> None:
        self.text += data

    def by_id(self, element_id: str) -> tuple[str, dict[str, str]]:
        matches = [element for element in self.elements if element[1].get("id") == element_id]
        assert len(matches) == 1, f"{len(matches)} elements with id {element_id}"
        return matches[0]

    def all(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.elements if name == tag]


class AskForm(forms.Form):
    name = forms.CharField(
        label="Name", help_text="As on your card.", widget=forms.TextInput(attrs={"autofocus": True})
    )
    reply = forms.ChoiceField(
        label="Reply by", choices=[("mail", "e-mail"), ("phone", "phone")], widget=forms.RadioSelect
    )
    agree = forms.BooleanField(label="I agree")
    note = forms.CharField(label="Note", required=False)

    def clean(self) -> dict[str, object]:
        raise forms.ValidationError("The desk is closed today.")


def render(template: str, **context: object) -> Elements:
    with translation.override("en"):
        return Elements(Template("{% load form_fields %}" + template).render(Context(context)))


def test_a_field_has_its_label_hint_required_mark_and_control() -> None:
    page = render('{% include "core/forms/field.html" with field=form.name %}', form=AskForm())

    label = page.all("label")[0]
    tag, control = page.by_id(label["for"])
    assert tag == "input"
    assert control["aria-describedby"] == "id_name_helptext"
    page.by_id("id_name_helptext")
    assert "As on your card." in page.text
    assert "required" in page.text
    assert "aria-invalid" not in control
    assert not page.all("ul")


def test_a_field_with_errors_shows_them_and_points_the_control_at_them() -> None:
    page = render('{% include "core/forms/field.html" with field=form.name %}', form=AskForm({"name": ""}))

    _tag, control = page.by_id("id_name")
    assert control["aria-invalid"] == "true"
    for described_by in control["aria-describedby"].split():
        page.by_id(described_by)  # every id it names is there
    assert "id_name_error" in control["aria-describedby"]
    assert page.by_id("id_name_error")[0] == "ul"
    assert "This field is required." in page.text
    # The summary takes the focus, so the field gives up its autofocus.
    assert "autofocus" not in control


def test_a_radio_group_is_a_fieldset_with_a_legend_described_by_its_errors() -> None:
    page = render('{% include "core/forms/field.html" with field=form.reply %}', form=AskForm({"name": "x"}))

    fieldset = page.all("fieldset")[0]
    assert page.all("legend")
    assert "Reply by" in page.text
    assert fieldset["aria-describedby"] == "id_reply_error"
    page.by_id("id_reply_error")
    radios = page.all("input")
    assert [radio["id"] for radio in radios] == ["id_reply_0", "id_reply_1"]
    assert all(radio["aria-invalid"] == "true" for radio in radios)


def test_a_single_checkbox_comes_before_its_label() -> None:
    page = render('{% include "core/forms/field.html" with field=form.agree %}', form=AskForm())

    assert [tag for tag, _attrs in page.elements if tag in {"input", "label"}] == ["input", "label"]
    assert page.all("label")[0]["for"] == "id_agree"


def test_the_summary_lists_every_error_with_a_link_to_its_control() -> None:
    form = AskForm({"name": "", "note": ""})
    page = render("{% error_summary form %}", form=form)

    summary = page.by_id("error-summary")[1]
    assert summary["tabindex"] == "-1"
    assert "autofocus" in summary
    assert "There is a problem" in page.text
    links = [link["href"] for link in page.all("a")]
    # The form's own error links to its first field; a radio group links to its first radio.
    assert links == ["#id_name", "#id_name", "#id_reply_0", "#id_agree"]
    assert "The desk is closed today." in page.text
    assert "Name: This field is required." in page.text


def test_no_summary_for_a_blank_form_or_a_correct_one() -> None:
    class Quiet(forms.Form):
        name = forms.CharField()

    assert render("{% error_summary form %}", form=AskForm()).elements == []
    assert render("{% error_summary form %}", form=Quiet({"name": "x"})).elements == []


def test_formset_rows_are_named_in_the_summary_and_in_japanese_punctuation() -> None:
    class Row(forms.Form):
        day = forms.DateField(label="Day")

    rows = forms.formset_factory(Row, extra=0)(
        {"r-TOTAL_FORMS": "2", "r-INITIAL_FORMS": "0", "r-0-day": "?", "r-1-day": "31 Feb"}, prefix="r"
    )

    with translation.override("en"):
        entries = summary_entries(rows, row_label="Date {n}")
    assert entries == [
        SummaryEntry("id_r-0-day", "Date 1, Day: Enter a valid date."),
        SummaryEntry("id_r-1-day", "Date 2, Day: Enter a valid date."),
    ]
    with translation.override("ja"):
        entry = summary_entries(rows, row_label="日程{n}")[0]
    assert entry.text.startswith("日程1・Day：")


def test_a_row_of_a_table_of_forms_is_named_by_its_label() -> None:
    class Move(forms.Form):
        position = forms.IntegerField(label="New place")

    with translation.override("en"):
        entries = summary_entries(Move({"move-3-position": "x"}, prefix="move-3"), label="市民 花子")
    assert entries == [SummaryEntry("id_move-3-position", "市民 花子, New place: Enter a whole number.")]
