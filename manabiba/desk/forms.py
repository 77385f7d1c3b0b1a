"""Forms for the desk: they parse and validate; the services do the writing."""

from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from manabiba.accounts.models import User
from manabiba.desk.models import Appointment, DeskContact, Weekday
from manabiba.desk.selectors import Slot, desk_staff_choices, local_zone


class PlainForm(forms.Form):
    """Forms without the trailing colon that reads oddly after Japanese labels."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _slot_label(slot: Slot) -> str:
    start, end = slot.starts_at.astimezone(local_zone()), slot.ends_at.astimezone(local_zone())
    dash = "–" if (get_language() or "ja").startswith("en") else "〜"
    label = f"{start.hour}:{start.minute:02d}{dash}{end.hour}:{end.minute:02d}"
    if slot.capacity > 1:
        label += " " + ngettext("(%(count)s place free)", "(%(count)s places free)", slot.free) % {"count": slot.free}
    return label


class BookingForm(PlainForm):
    starts_at = forms.ChoiceField(
        label=_("Time"),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("This time is no longer free. Please choose another.")},
    )
    topic = forms.ChoiceField(label=_("What would you like to talk about?"), choices=Appointment.Topic.choices)
    note = forms.CharField(
        label=_("Note for the desk"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional: what you would like to know, so that we can prepare."),
    )

    def __init__(self, *args: Any, slots: list[Slot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_slots(slots)

    def set_slots(self, slots: list[Slot]) -> None:
        """Offer these slots (after a booking failed, the ones still free; what was typed stays)."""
        field = self.fields["starts_at"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(slot.starts_at.isoformat(), _slot_label(slot)) for slot in slots]

    def clean_starts_at(self) -> datetime:
        return datetime.fromisoformat(self.cleaned_data["starts_at"])


class StaffBookingForm(BookingForm):
    name = forms.CharField(label=_("Caller's name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False, help_text=_("The confirmation is mailed here."))
    channel = forms.ChoiceField(
        label=_("Taken"),
        choices=[(Appointment.Channel.PHONE, _("by phone")), (Appointment.Channel.COUNTER, _("at the counter"))],
    )

    field_order = ["starts_at", "name", "phone", "email", "channel", "topic", "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("phone") and not data.get("email"):
            raise forms.ValidationError(_("Give a phone number or an e-mail address."))
        return data


class StaffChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


class ShiftForm(PlainForm):
    person = StaffChoiceField(label=_("Staff member"), queryset=User.objects.none())
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, StaffChoiceField)
        field.queryset = desk_staff_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            raise forms.ValidationError(_("The shift must end after it starts."))
        return data


class WeeklyHoursForm(PlainForm):
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=Weekday.choices, coerce=int)
    opens_at = forms.TimeField(label=_("Opens at"), widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(label=_("Closes at"), widget=forms.TimeInput(attrs={"type": "time"}))


class SpecialDayForm(PlainForm):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    is_closed = forms.BooleanField(label=_("Closed all day"), required=False)
    opens_at = forms.TimeField(label=_("Opens at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(label=_("Closes at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    note = forms.CharField(
        label=_("Note shown with the hours"), max_length=200, required=False, help_text=_("For example: summer event.")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("is_closed"):
            opens, closes = data.get("opens_at"), data.get("closes_at")
            if opens is None or closes is None or closes <= opens:
                raise forms.ValidationError(_("Give an opening time and a later closing time, or mark the day closed."))
        return data


class DeskContactForm(forms.ModelForm[DeskContact]):
    """The desk's name, phone, address, map link and directions, as residents see them."""

    map_url = forms.URLField(
        label=DeskContact._meta.get_field("map_url").verbose_name,
        help_text=DeskContact._meta.get_field("map_url").help_text,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = DeskContact
        fields = ["name", "phone", "phone_note", "address", "map_url", "access"]
        widgets = {"access": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
