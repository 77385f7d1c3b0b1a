"""Forms for schools: the calendar, 学校開放 rules, projects and offers to help."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from manabiba.programs.models import Category
from manabiba.talents.models import TalentProfile
from manabiba.venues.forms import PlainForm
from manabiba.venues.models import ProjectVolunteer, SchoolProject


class SchoolBlockForm(PlainForm):
    day = forms.DateField(label=pgettext_lazy("column of days", "Day"), widget=forms.DateInput(attrs={"type": "date"}))
    event = forms.CharField(
        label=_("School event"), max_length=100, help_text=_("For example: 運動会, 入学式, 学校公開")
    )


class SchoolRulesForm(PlainForm):
    min_members = forms.IntegerField(label=_("At least this many members"), min_value=1, max_value=1000)
    min_city_percent = forms.IntegerField(
        label=_("Members from the city, at least (%)"),
        min_value=0,
        max_value=100,
        help_text=_("Members who live, work or study in the city."),
    )
    adult_representative_for_minors = forms.BooleanField(
        label=_("A group with members under 18 needs an adult representative"), required=False
    )


class SchoolProjectForm(PlainForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=SchoolProject.Kind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("What it is"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    first_day = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    schedule = forms.CharField(label=_("When"), max_length=200, help_text=_("For example: Wednesdays 15:00–16:30"))
    audience = forms.CharField(label=_("For whom"), max_length=200, help_text=_("For example: children in years 1–3"))
    helpers_needed = forms.IntegerField(label=_("Helpers needed"), min_value=0, max_value=1000, initial=0)
    skills = forms.CharField(
        label=_("Skills wanted"),
        max_length=300,
        required=False,
        help_text=_("Separate them with commas, for example: 読み聞かせ, 園芸"),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Fields"),
        queryset=Category.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Used to suggest talent-bank members who could help."),
    )
    details_for_volunteers = forms.CharField(
        label=_("Details for accepted volunteers"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Where to come, whom to ask for, what to bring: sent to each volunteer the school accepts."),
    )
    lecture_starts = forms.TimeField(
        label=_("Open lecture starts at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_(
            "For an open lecture: it meets weekly from the first day to the last, and appears in the catalogue."
        ),
    )
    lecture_ends = forms.TimeField(
        label=_("Open lecture ends at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    capacity = forms.IntegerField(label=_("Capacity of the open lecture"), min_value=1, max_value=10000, required=False)


class VolunteerForm(PlainForm):
    offered_as = forms.ChoiceField(
        label=_("I offer to help"), choices=ProjectVolunteer.As.choices, widget=forms.RadioSelect, initial="resident"
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    group_name = forms.CharField(
        label=_("Group"), max_length=200, required=False, help_text=_("When you offer for a group.")
    )
    talent = forms.ModelChoiceField(
        label=_("Talent card"),
        queryset=TalentProfile.objects.none(),
        required=False,
        help_text=_("When you offer as a talent-bank member."),
    )
    message = forms.CharField(label=_("What you can offer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, talents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["talent"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = talents
        if not talents.exists():
            del self.fields["talent"]
            offered = self.fields["offered_as"]
            assert isinstance(offered, forms.ChoiceField)
            offered.choices = [c for c in ProjectVolunteer.As.choices if c[0] != ProjectVolunteer.As.TALENT]


class AnswerForm(PlainForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
