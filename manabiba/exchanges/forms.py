"""Forms for exchange meetings: a group's applications, registration and uploads; the coordinator's
set-up, decisions, timetable slots and attendance; the attendees' survey."""

from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from manabiba.communities.models import CommunityGroup
from manabiba.core.choices import WrittenNamesSelect
from manabiba.exchanges.models import ExchangeMeeting, FairTable, Generation, Presentation

GENERATIONS_FIELD_HELP = _("Tick every generation that takes part.")


def _generations_field(label: Any = None) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label or _("Generations involved"),
        choices=Generation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=GENERATIONS_FIELD_HELP,
    )


class GroupChoiceMixin(forms.Form):
    group = forms.ModelChoiceField(
        label=_("Your group"), queryset=CommunityGroup.objects.none(), widget=WrittenNamesSelect
    )

    def __init__(self, *args: Any, groups: list[CommunityGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["group"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = CommunityGroup.objects.filter(pk__in=[group.pk for group in groups]).order_by("name_kana")
        if len(groups) == 1:
            field.initial = groups[0].pk


class PresentationForm(GroupChoiceMixin):
    title = forms.CharField(label=_("Title of the presentation"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))
    minutes_needed = forms.IntegerField(label=_("Minutes needed"), min_value=1, max_value=240, initial=15)
    generations = _generations_field()
    equipment = forms.CharField(
        label=_("Equipment needed"),
        max_length=300,
        required=False,
        help_text=_("e.g. a projector, a microphone, a table."),
    )
    materials_public = forms.BooleanField(
        label=_("Show our materials on the meeting's page after the day"), required=False
    )


class TableForm(GroupChoiceMixin):
    shows = forms.CharField(label=_("What you will show"), max_length=300)
    generations = _generations_field()


class AttendanceForm(GroupChoiceMixin):
    members = forms.IntegerField(label=_("Members coming"), min_value=1, max_value=999)
    generations = _generations_field(_("Generations of the members coming"))
    consent = forms.BooleanField(
        label=_("We agree that the city uses our group's name and contact address for this meeting"),
        required=True,
    )


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        help_text=_("A PDF (up to 10 MB) or a JPEG, PNG or WebP image (up to 5 MB)."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"}),
    )


class ConsentForm(forms.Form):
    materials_public = forms.BooleanField(
        label=_("Show our materials on the meeting's page after the day"), required=False
    )


class IntroductionForm(forms.Form):
    from_group = forms.ModelChoiceField(
        label=_("Your group"), queryset=CommunityGroup.objects.none(), widget=WrittenNamesSelect
    )
    to_group = forms.ModelChoiceField(
        label=_("The group you would like to meet"), queryset=CommunityGroup.objects.none(), widget=WrittenNamesSelect
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("It reaches the other group through the site; they answer you if they wish."),
    )

    def __init__(self, *args: Any, mine: list[CommunityGroup], others: list[CommunityGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, groups in (("from_group", mine), ("to_group", others)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = CommunityGroup.objects.filter(pk__in=[g.pk for g in groups]).order_by("name_kana")


class MeetingForm(forms.ModelForm[ExchangeMeeting]):
    class Meta:
        model = ExchangeMeeting
        fields = ["format", "stages", "groups_only", "presentations_open", "tables_open"]
        widgets = {"stages": forms.Textarea(attrs={"rows": 3}), "format": forms.RadioSelect}


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Presentation.Status.ACCEPTED, _("accept")),
            (Presentation.Status.WAITLISTED, _("waiting list")),
            (Presentation.Status.DECLINED, _("decline")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note to the group"), max_length=300, required=False)


class TableDecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[(FairTable.Status.ACCEPTED, _("accept")), (FairTable.Status.DECLINED, _("decline"))],
        widget=forms.RadioSelect,
    )
    table_label = forms.CharField(label=_("Table"), max_length=20, required=False, help_text=_("e.g. A-3"))


class PresentationChoiceField(forms.ModelChoiceField[Presentation]):
    def label_from_instance(self, obj: Presentation) -> str:
        return _("%(group)s: %(title)s (%(minutes)s min)") % {
            "group": obj.group.name,
            "title": obj.title,
            "minutes": obj.minutes_needed,
        }


class SlotForm(forms.Form):
    stage = forms.ChoiceField(label=_("Room or stage"))
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    ends = forms.TimeField(label=_("Ends"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    presentation = PresentationChoiceField(
        label=_("Presentation"),
        queryset=Presentation.objects.none(),
        required=False,
        help_text=_("Leave empty for a break and name it below."),
    )
    label = forms.CharField(label=_("Name of the break"), max_length=100, required=False)

    def __init__(self, *args: Any, stages: list[str], presentations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stage = self.fields["stage"]
        assert isinstance(stage, forms.ChoiceField)
        stage.choices = [(name, name) for name in stages]
        field = self.fields["presentation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = presentations

    def _at(self, day: Any, moment: time) -> datetime:
        return timezone.make_aware(datetime.combine(day, moment))

    def times(self) -> tuple[datetime, datetime]:
        day = self.cleaned_data["day"]
        return self._at(day, self.cleaned_data["starts"]), self._at(day, self.cleaned_data["ends"])


class PresentCountForm(forms.Form):
    members_present = forms.IntegerField(label=_("Members present"), min_value=0, max_value=999)


class SurveyForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied were you with the meeting?"),
        choices=[(5, _("5 (very)")), (4, "4"), (3, "3"), (2, "2"), (1, _("1 (not at all)"))],
        coerce=int,
        widget=forms.RadioSelect,
    )
    met_other_generations = forms.BooleanField(label=_("I talked with people of another generation"), required=False)
    new_contacts = forms.BooleanField(label=_("I made a contact with another group"), required=False)
    comment = forms.CharField(
        label=_("Comments"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
