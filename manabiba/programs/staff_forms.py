"""Forms of the staff programme pages: they parse and validate; the services write.

The programme form is a ModelForm for its labels, widgets and the model's own checks, and is
never saved: the view hands ``cleaned_data`` to ``program_create`` / ``program_update``.
"""

import copy
from datetime import datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict, ErrorList
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from manabiba.core.picker import PickerFormMixin, SearchableCheckboxes, SearchableSelect
from manabiba.core.uploads import validate_image, validate_pdf
from manabiba.programs.models import Audience, Category, Organizer, Program
from manabiba.programs.selectors import organizers_of_the_city
from manabiba.programs.services import SessionTimes

# The form's fields, in the order of its fieldsets (every field of Program a person edits).
FIELDSETS: list[tuple[str, str | Promise, list[str]]] = [
    (
        "basics",
        _("The programme"),
        ["title", "title_kana", "title_en", "kind", "summary", "description", "easy_summary"],
    ),
    ("organiser", _("Organiser"), ["organizer", "co_organizers"]),
    ("classification", _("Fields and audiences"), ["categories", "audiences"]),
    ("where", _("Where"), ["facility", "room", "venue_name", "venue_address", "area", "is_online"]),
    ("fee", _("Fee and capacity"), ["fee", "fee_amount", "fee_note", "capacity", "min_participants"]),
    (
        "apply",
        _("How to apply"),
        ["application", "application_url", "application_note", "applications_open_at", "applications_close_at"],
    ),
    ("contact", _("Contact"), ["contact_name", "contact_phone", "contact_email"]),
    (
        "support",
        _("Accessibility and support"),
        ["wheelchair_accessible", "childcare_available", "sign_language", "accessibility_notes"],
    ),
    ("image", _("Image and flyer"), ["image", "image_alt", "flyer"]),
]
RELATION_FIELDS = ("categories", "audiences", "co_organizers")
DATETIME_INPUT = "%Y-%m-%dT%H:%M"


class HeldErrorsMixin:
    """Lets a bound form be shown again as typed, without judging it yet (the "more dates" button)."""

    _errors: ErrorDict | None

    def hold_errors(self) -> None:
        # A bound form validates itself when first asked for its errors; an empty error dict
        # tells it that has happened, so the page shows what was typed and no complaints.
        self._errors = ErrorDict()


ORGANIZER_SEARCH = ("name", "name_kana")


class ProgramForm(HeldErrorsMixin, PickerFormMixin, forms.ModelForm[Program]):
    application_url = forms.URLField(
        label=capfirst(Program._meta.get_field("application_url").verbose_name),
        required=False,
        max_length=200,
        assume_scheme="https",
    )
    organizer = forms.ModelChoiceField(
        label=_("Organiser"),
        queryset=Organizer.objects.none(),
        widget=SearchableSelect(search_fields=ORGANIZER_SEARCH),
    )

    class Meta:
        model = Program
        fields = [name for _key, _legend, names in FIELDSETS for name in names]
        # Plain file fields: uploads.validate_image decides what is an image, with its own messages.
        field_classes = {"image": forms.FileField}
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 10}),
            "easy_summary": forms.Textarea(attrs={"rows": 4}),
            "application_note": forms.Textarea(attrs={"rows": 3}),
            "accessibility_notes": forms.Textarea(attrs={"rows": 3}),
            "categories": forms.CheckboxSelectMultiple,
            "audiences": forms.CheckboxSelectMultiple,
            "co_organizers": SearchableCheckboxes(search_fields=ORGANIZER_SEARCH),
            "facility": SearchableSelect(search_fields=("name", "kana")),
            "room": SearchableSelect(search_fields=("name", "facility__name", "facility__kana")),
            "applications_open_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
            "applications_close_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
            "image": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
            "flyer": forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }
        labels = {"fee": _("Fee"), "fee_amount": _("Fee in yen"), "co_organizers": _("Co-hosts")}
        help_texts = {
            "fee": _("Free, paid, or only the cost of materials."),
            "co_organizers": _("Bodies of the city that hold it together with the organiser (共催)."),
            "description": _("Markdown: **bold**, *italic*, lists with -, links as [text](https://…). No HTML."),
            "title_kana": _("In hiragana, for reading aloud and for search."),
            "room": _("Only with a facility."),
            "venue_name": _("When the place is not one of the facilities above."),
            "image": _("JPEG, PNG or WebP, up to 5 MB. Location data in photos is removed."),
            "image_alt": _("What the image shows, for people who cannot see it. Required with an image."),
            "flyer": _("PDF, up to 10 MB."),
        }

    def __init__(self, *args: Any, organizer_choice: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        if kwargs.get("instance") is not None:
            # Validation writes the typed values onto the instance (to run the model's checks);
            # a copy keeps the caller's programme as stored until the service has changed it.
            kwargs["instance"] = copy.copy(kwargs["instance"])
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = Category.objects.order_by("sort_order")  # type: ignore[attr-defined]
        self.fields["audiences"].queryset = Audience.objects.order_by("sort_order")  # type: ignore[attr-defined]
        self.fields["room"].queryset = self.fields["room"].queryset.select_related("facility")  # type: ignore[attr-defined]
        # Only this city's bodies (not another town's fire brigade from its open data), and whatever
        # the programme names already, so that editing it keeps them.
        program = self.instance if self.instance.pk else None
        kept_hosts = list(program.co_organizers.values_list("pk", flat=True)) if program else []
        self.fields["co_organizers"].queryset = organizers_of_the_city(keep=kept_hosts)  # type: ignore[attr-defined]
        if "organizer" in self.fields:
            kept = [program.organizer_id] if program else []
            self.fields["organizer"].queryset = organizers_of_the_city(keep=kept)  # type: ignore[attr-defined]
        if not organizer_choice:
            # Who organises follows from who is writing (see staff_views.organizer_for).
            del self.fields["organizer"]

    def clean_image(self) -> Any:
        image = self.cleaned_data.get("image")
        if image and image is not self.initial.get("image") and hasattr(image, "content_type"):
            return validate_image(image)
        return image

    def clean_flyer(self) -> Any:
        flyer = self.cleaned_data.get("flyer")
        if flyer and flyer is not self.initial.get("flyer") and hasattr(flyer, "content_type"):
            return validate_pdf(flyer)
        return flyer

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        facility, room = cleaned.get("facility"), cleaned.get("room")
        if room is not None and facility is None:
            self.add_error("room", _("Choose the facility the room is in."))
        elif room is not None and facility is not None and room.facility_id != facility.pk:
            self.add_error("room", _("This room is not in the chosen facility."))
        if facility is None and not cleaned.get("venue_name") and not cleaned.get("is_online"):
            self.add_error(
                "facility", _("Say where it takes place: choose a facility, write the venue, or tick online.")
            )
        minimum, capacity = cleaned.get("min_participants"), cleaned.get("capacity")
        if minimum is not None and capacity is not None and minimum > capacity:
            self.add_error("min_participants", _("The minimum enrolment cannot be more than the capacity."))
        if cleaned.get("fee") == Program.Fee.PAID and cleaned.get("fee_amount") is None:
            self.add_error("fee_amount", _("Give the fee in yen."))
        if cleaned.get("application") == Program.Application.EXTERNAL and not cleaned.get("application_url"):
            self.add_error("application_url", _("Give the page where people apply."))
        opens, closes = cleaned.get("applications_open_at"), cleaned.get("applications_close_at")
        if opens and closes and closes < opens:
            self.add_error("applications_close_at", _("Applications cannot close before they open."))
        if cleaned.get("image") and not cleaned.get("image_alt", "").strip():
            self.add_error("image_alt", _("Describe the image for people who cannot see it."))
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        """What ``program_create`` / ``program_update`` take, from the cleaned form."""
        data = dict(self.cleaned_data)
        for name in ("image", "flyer"):
            value = data.get(name)
            if value is None or value is self.initial.get(name):
                data.pop(name, None)  # unchanged: leave the stored file alone
            elif value is False:
                data[name] = ""  # "clear" was ticked
        return data


class SessionForm(HeldErrorsMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    starts = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    ends = forms.TimeField(
        label=_("Ends"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if starts and ends and ends < starts:
            self.add_error("ends", _("A session cannot end before it starts."))
        return cleaned

    def session_times(self) -> SessionTimes:
        day, starts, ends = self.cleaned_data["date"], self.cleaned_data["starts"], self.cleaned_data.get("ends")
        return SessionTimes(
            starts_at=timezone.make_aware(datetime.combine(day, starts)),
            ends_at=timezone.make_aware(datetime.combine(day, ends)) if ends else None,
            note=self.cleaned_data.get("note", ""),
        )


class BaseSessionFormSet(forms.BaseFormSet[SessionForm]):
    def add_fields(self, form: SessionForm, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this date")

    def hold_errors(self) -> None:
        self._errors: list[ErrorDict] = []
        self._non_form_errors = ErrorList()
        for form in self.forms:
            form.hold_errors()

    def session_times(self) -> list[SessionTimes]:
        return [
            form.session_times() for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


def session_formset_class(*, extra: int = 0) -> type[BaseSessionFormSet]:
    return cast(
        type[BaseSessionFormSet],
        forms.formset_factory(
            SessionForm,
            formset=BaseSessionFormSet,
            extra=extra,
            min_num=1,
            validate_min=True,
            can_delete=True,
            max_num=200,
            validate_max=True,
        ),
    )


def session_initial(sessions: Any) -> list[dict[str, Any]]:
    rows = []
    for session in sessions:
        starts = timezone.localtime(session.starts_at)
        rows.append(
            {
                "date": starts.date(),
                "starts": starts.time(),
                "ends": timezone.localtime(session.ends_at).time() if session.ends_at else None,
                "note": session.note,
            }
        )
    return rows


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def service_errors_to_form(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields where it names them, or on the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
