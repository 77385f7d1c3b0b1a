"""Forms for room booking: they parse and validate; the services do the writing."""

from collections.abc import Iterator
from datetime import date
from itertools import groupby
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from manabiba.core.choices import LabelledModelChoiceField, WrittenNamesSelect
from manabiba.facilities.models import FeeExemption, Room, TimeFrame
from manabiba.venues.models import Booking, UserGroup


class PlainForm(forms.Form):
    """Forms without the trailing colon that reads oddly after Japanese labels."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class UserGroupForm(PlainForm):
    name = forms.CharField(label=_("Group name"), max_length=200)
    community_group = forms.TypedChoiceField(
        label=_("Listed on the community station as"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("If the group is already on the community station, choose it."),
        widget=WrittenNamesSelect,
    )
    representative_name = forms.CharField(label=_("Representative"), max_length=100)
    address = forms.CharField(label=_("Representative's address"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=30)
    email = forms.EmailField(label=_("E-mail address"))
    members_count = forms.IntegerField(label=_("Members"), min_value=1, max_value=100000)
    members_in_city = forms.IntegerField(
        label=_("Members who live, work or study in the city"), min_value=0, max_value=100000
    )
    purpose = forms.CharField(
        label=_("What the group uses rooms for"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    has_minor_members = forms.BooleanField(label=_("Some members are under 18"), required=False)
    representative_is_adult = forms.BooleanField(
        label=_("The representative is 18 or older"),
        required=False,
        initial=True,
        help_text=_("Schools open their rooms to groups with members under 18 only with an adult representative."),
    )
    declaration = forms.BooleanField(
        label=_(
            "We use rooms for non-profit learning and activities, not for commercial, party-political or religious "
            "purposes."
        )
    )

    def __init__(self, *args: Any, community_groups: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["community_group"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Not listed")), *community_groups]
        if not community_groups:
            del self.fields["community_group"]


def _frame_label(frame: TimeFrame) -> str:
    """A frame in the reader's language with its hours: Morning 09:00–12:00."""
    return f"{frame.label} {frame.starts_at:%H:%M}–{frame.ends_at:%H:%M}"


class _ByFacility(ModelChoiceIterator):
    """The choices in one group per facility (``<optgroup>`` named by the facility), facilities by name."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = sorted(self.queryset, key=lambda obj: (obj.facility.name, obj.facility_id))
        for _facility, members in groupby(rows, key=lambda obj: obj.facility_id):
            items = list(members)
            yield (items[0].facility.name, [self.choice(obj) for obj in items])


class ByFacilityChoiceField(forms.ModelChoiceField[Any]):
    """Rooms or frames of several facilities, grouped under each facility's name, each read in the
    page's language (the facility's name is its own, in Japanese)."""

    iterator = _ByFacility

    def label_from_instance(self, obj: Any) -> str:
        return _frame_label(obj) if isinstance(obj, TimeFrame) else str(obj.label)


class ExemptionChoiceField(forms.ModelChoiceField[FeeExemption]):
    """Each exemption category in the reader's language, with its reduction."""

    def label_from_instance(self, obj: FeeExemption) -> str:
        return f"{obj.label} ({obj.percent}%)"


class BookingForm(PlainForm):
    group = forms.ModelChoiceField(label=_("User group"), queryset=UserGroup.objects.none(), widget=WrittenNamesSelect)
    channel = forms.ChoiceField(
        label=_("The group asked"),
        choices=[(Booking.Channel.PHONE, _("by phone")), (Booking.Channel.COUNTER, _("at the counter"))],
        widget=forms.RadioSelect,
    )
    purpose = forms.CharField(label=_("What the room is used for"), max_length=200)
    attendees = forms.IntegerField(label=_("Expected attendees"), min_value=1, max_value=10000)
    exemption = ExemptionChoiceField(
        label=_("Fee exemption"),
        queryset=FeeExemption.objects.none(),
        required=False,
        empty_label=_("None (full fee)"),
        help_text=_("Staff check that the group qualifies when the fee is paid."),
    )

    def __init__(
        self,
        *args: Any,
        groups: QuerySet[UserGroup],
        exemptions: QuerySet[FeeExemption],
        on_behalf: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        group = self.fields["group"]
        assert isinstance(group, forms.ModelChoiceField)
        group.queryset = groups
        exemption = self.fields["exemption"]
        assert isinstance(exemption, forms.ModelChoiceField)
        exemption.queryset = exemptions
        if not exemptions.exists():
            del self.fields["exemption"]
        if not on_behalf:
            del self.fields["channel"]


class ReviewForm(PlainForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the group"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when rejecting."),
    )


class FrameForm(PlainForm):
    name = forms.CharField(label=pgettext_lazy("time frame", "Name"), max_length=30)
    starts_at = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends_at = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))


class ClosureForm(PlainForm):
    day = forms.DateField(label=pgettext_lazy("column of days", "Day"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Reason"), max_length=200, required=False)


class LotteryEntryForm(PlainForm):
    """A group's ranked wishes in a round: up to the round's number of rows of room, day and frame.
    Rows left empty are skipped; the first filled row is the first choice."""

    group = forms.ModelChoiceField(label=_("User group"), queryset=UserGroup.objects.none(), widget=WrittenNamesSelect)
    channel = forms.ChoiceField(
        label=_("The group asked"),
        choices=[(Booking.Channel.PHONE, _("by phone")), (Booking.Channel.COUNTER, _("at the counter"))],
        widget=forms.RadioSelect,
    )
    purpose = forms.CharField(label=_("What the room is used for"), max_length=200)
    attendees = forms.IntegerField(label=_("Expected attendees"), min_value=1, max_value=10000)

    def __init__(
        self,
        *args: Any,
        groups: QuerySet[UserGroup],
        rooms: QuerySet[Room],
        frames: list[TimeFrame],
        month_first: date,
        month_last: date,
        wishes: int,
        on_behalf: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        group = self.fields["group"]
        assert isinstance(group, forms.ModelChoiceField)
        group.queryset = groups
        if not on_behalf:
            del self.fields["channel"]
        self.wish_count = wishes
        for rank in range(1, wishes + 1):
            self.fields[f"room_{rank}"] = LabelledModelChoiceField(
                label=_("Choice %(rank)s: room") % {"rank": rank}, queryset=rooms, required=False
            )
            self.fields[f"day_{rank}"] = forms.DateField(
                label=_("Choice %(rank)s: day") % {"rank": rank},
                required=False,
                widget=forms.DateInput(
                    attrs={"type": "date", "min": month_first.isoformat(), "max": month_last.isoformat()}
                ),
            )
            self.fields[f"frame_{rank}"] = forms.TypedChoiceField(
                label=_("Choice %(rank)s: time frame") % {"rank": rank},
                choices=[("", "---------"), *((frame.pk, _frame_label(frame)) for frame in frames)],
                coerce=int,
                empty_value=None,
                required=False,
            )

    def wish_rows(self) -> list[tuple[int, Any, Any, Any]]:
        return [
            (rank, self[f"room_{rank}"], self[f"day_{rank}"], self[f"frame_{rank}"])
            for rank in range(1, self.wish_count + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        wishes = []
        for rank in range(1, self.wish_count + 1):
            values = [data.get(f"room_{rank}"), data.get(f"day_{rank}"), data.get(f"frame_{rank}")]
            if all(value in (None, "") for value in values):
                continue
            if any(value in (None, "") for value in values):
                self.add_error(f"room_{rank}", _("Give the room, the day and the frame of this choice."))
                continue
            wishes.append(tuple(values))
        if not wishes and not self.errors:
            raise forms.ValidationError(_("Choose at least one frame."))
        data["wishes"] = wishes
        return data


class RegularSlotForm(PlainForm):
    group = forms.ModelChoiceField(label=_("User group"), queryset=UserGroup.objects.none(), widget=WrittenNamesSelect)
    fiscal_year = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int)
    # Rooms and frames of several facilities: grouped under each facility's name.
    room = ByFacilityChoiceField(label=_("Room"), queryset=Room.objects.none())
    weekday = forms.TypedChoiceField(
        label=_("Weekday"),
        coerce=int,
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    frame = ByFacilityChoiceField(label=_("Time frame"), queryset=TimeFrame.objects.none())
    purpose = forms.CharField(label=_("What the room is used for"), max_length=200)
    attendees = forms.IntegerField(label=_("Expected attendees"), min_value=1, max_value=10000)

    def __init__(
        self, *args: Any, groups: QuerySet[UserGroup], rooms: QuerySet[Room], years: list[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        group = self.fields["group"]
        assert isinstance(group, forms.ModelChoiceField)
        group.queryset = groups
        room = self.fields["room"]
        assert isinstance(room, forms.ModelChoiceField)
        room.queryset = rooms.select_related("facility")
        frame = self.fields["frame"]
        assert isinstance(frame, forms.ModelChoiceField)
        frame.queryset = TimeFrame.objects.filter(facility__rooms__in=rooms).distinct().select_related("facility")
        year = self.fields["fiscal_year"]
        assert isinstance(year, forms.TypedChoiceField)
        year.choices = [
            (y, _("Fiscal %(year)s (April %(year)s – March %(next)s)") % {"year": y, "next": y + 1}) for y in years
        ]


class AttendanceForm(PlainForm):
    came = forms.TypedChoiceField(
        label=_("Attendance"),
        coerce=lambda value: value == "1",
        choices=[("1", _("came")), ("0", _("did not come (no-show)"))],
        widget=forms.RadioSelect,
    )
