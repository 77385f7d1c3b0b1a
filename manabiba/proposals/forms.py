"""Forms for proposals: the proposal form, a reviewer's scores, and the coordinator's decisions."""

import re
from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from manabiba.accounts.models import User
from manabiba.accounts.permissions import roles_with
from manabiba.communities.models import CommunityGroup
from manabiba.core.choices import WrittenNamesSelect
from manabiba.core.picker import PickerFormMixin, SearchableSelect
from manabiba.facilities.models import Facility, Room
from manabiba.programs.services import SessionTimes
from manabiba.proposals.models import PROPOSAL_FIELDS, Proposal, ProposalCall, ProposalReport, SurveyAnswer
from manabiba.proposals.services import SessionOutline
from manabiba.talents.selectors import listed_talents

PROPOSAL_FORM_FIELDS = list(PROPOSAL_FIELDS)


class ProposalForm(forms.ModelForm[Proposal]):
    kind = forms.ChoiceField(label=_("Proposed by"), choices=Proposal.Kind.choices, widget=forms.RadioSelect)
    group = forms.ModelChoiceField(
        label=_("Your group"), queryset=CommunityGroup.objects.none(), required=False, widget=WrittenNamesSelect
    )
    outline = forms.CharField(
        label=_("Outline per session"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One line per session: the topic, then a colon and what it covers."),
    )

    class Meta:
        model = Proposal
        fields = PROPOSAL_FORM_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("record", "other_subsidies", "aim", "lecturer_profile", "appeal")
        }

    def __init__(self, *args: Any, user: User, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        group = self.fields["group"]
        assert isinstance(group, forms.ModelChoiceField)
        group.queryset = CommunityGroup.objects.filter(
            memberships__user=user, status=CommunityGroup.Status.APPROVED
        ).order_by("name")
        lecturer = self.fields["lecturer_talent"]
        assert isinstance(lecturer, forms.ModelChoiceField)
        lecturer.widget = WrittenNamesSelect()
        lecturer.queryset = listed_talents().filter(name_public=True).order_by("name_kana")
        lecturer.help_text = _("Choose the lecturer from the talent bank, or give their name below.")
        # Who proposes first, then the group, the lecture and its outline, then the lecturer and the money.
        self.order_fields(["kind", "group", *PROPOSAL_FORM_FIELDS[:12], "outline"])
        if editing:
            del self.fields["kind"]
            del self.fields["group"]
        if self.instance.pk:
            self.initial["outline"] = "\n".join(
                f"{s.topic}: {s.content}" if s.content else s.topic for s in self.instance.sessions.all()
            )

    def sessions(self) -> list[SessionOutline]:
        rows = []
        for line in self.cleaned_data["outline"].splitlines():
            topic, _sep, content = line.partition(":")
            if not topic.strip():
                topic, _sep, content = line.partition("：")
            if topic.strip():
                rows.append(SessionOutline(topic=topic.strip()[:200], content=content.strip()))
        return rows

    def proposal_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PROPOSAL_FORM_FIELDS}


class CallForm(forms.ModelForm[ProposalCall]):
    class Meta:
        model = ProposalCall
        fields = [
            "name",
            "term",
            "opens_on",
            "closes_on",
            "lectures_from",
            "lectures_until",
            "groups_may_propose",
            "min_members",
            "talents_may_propose",
            "sessions_min",
            "sessions_max",
            "hours_per_session_max",
            "fee_max_per_person",
            "themes",
            "honorarium_budget",
            "lectures_funded",
        ]
        widgets = {
            name: forms.DateInput(attrs={"type": "date"})
            for name in ("opens_on", "closes_on", "lectures_from", "lectures_until")
        }


SCORE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class ReviewForm(forms.Form):
    conflict = forms.BooleanField(label=_("I have a conflict of interest with this proposal"), required=False)
    conflict_note = forms.CharField(label=_("About the conflict"), max_length=300, required=False)
    pioneering = forms.TypedChoiceField(
        label=_("Pioneering"), choices=SCORE_CHOICES, coerce=int, required=False, widget=forms.RadioSelect
    )
    public_benefit = forms.TypedChoiceField(
        label=_("Public benefit"), choices=SCORE_CHOICES, coerce=int, required=False, widget=forms.RadioSelect
    )
    feasibility = forms.TypedChoiceField(
        label=_("Feasibility"), choices=SCORE_CHOICES, coerce=int, required=False, widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("pioneering", "public_benefit", "feasibility"):
            data[name] = data[name] if data[name] not in ("", None) else None
        return data


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reviewer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            User.objects.filter(
                is_active=True, anonymised_at__isnull=True, role_grants__role__in=roles_with("proposals.review")
            )
            .distinct()
            .order_by("full_name_kana", "email")
        )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Proposal.Decision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}))
    conditions = forms.CharField(
        label=_("Conditions"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Only when accepting with conditions."),
    )


_SESSION_LINE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s+(\d{1,2}:\d{2})\s*[-–〜~]\s*(\d{1,2}:\d{2})\s*$")


VENUE_SEARCH = ("name", "kana")
ROOM_SEARCH = ("name", "facility__name", "facility__kana")


class ScheduleForm(PickerFormMixin, forms.Form):
    dates = forms.CharField(
        label=_("Dates of the sessions"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One line per session, e.g. 2027-07-10 10:00-12:00."),
    )
    facility = forms.ModelChoiceField(
        label=_("Venue"),
        queryset=Facility.objects.order_by("name"),
        widget=SearchableSelect(search_fields=VENUE_SEARCH),
    )
    room = forms.ModelChoiceField(
        label=_("Room"),
        queryset=Room.objects.select_related("facility").order_by("facility__name", "name"),
        required=False,
        widget=SearchableSelect(search_fields=ROOM_SEARCH),
    )
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1)
    min_participants = forms.IntegerField(label=_("Minimum enrolment"), min_value=1, required=False)

    def clean_dates(self) -> list[SessionTimes]:
        sessions = []
        zone = timezone.get_current_timezone()
        for line in self.cleaned_data["dates"].splitlines():
            if not line.strip():
                continue
            match = _SESSION_LINE.match(line)
            if match is None:
                raise forms.ValidationError(
                    _("Write each session as a date and times, e.g. 2027-07-10 10:00-12:00: “%(line)s” is not.")
                    % {"line": line.strip()}
                )
            day, start, end = match.groups()
            try:
                starts = datetime.strptime(f"{day} {start}", "%Y-%m-%d %H:%M").replace(tzinfo=zone)
                ends = datetime.strptime(f"{day} {end}", "%Y-%m-%d %H:%M").replace(tzinfo=zone)
            except ValueError as error:
                raise forms.ValidationError(_("“%(line)s” is not a real date.") % {"line": line.strip()}) from error
            if ends <= starts:
                raise forms.ValidationError(
                    _("A session must end after it starts: “%(line)s”.") % {"line": line.strip()}
                )
            sessions.append(SessionTimes(starts_at=starts, ends_at=ends))
        if not sessions:
            raise forms.ValidationError(_("Give the dates of the sessions."))
        return sessions


class SurveyForm(forms.Form):
    """The participant survey: four short questions, anonymous."""

    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied were you with the lecture? (5 = very satisfied, 1 = not at all)"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    join_again = forms.ChoiceField(
        label=_("Would you join another citizen-proposal lecture?"),
        choices=SurveyAnswer.Choice.choices,
        widget=forms.RadioSelect,
    )
    would_teach = forms.ChoiceField(
        label=_("Would you like to teach something you know yourself, as a talent or with a proposal?"),
        choices=SurveyAnswer.Choice.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell the lecturer or the office"),
        help_text=_("Please do not write names or contact details: the comments are passed on as written."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )


class ReportForm(forms.ModelForm[ProposalReport]):
    """The post-course report (実施報告); the participant figures are not on it: they come from attendance."""

    class Meta:
        model = ProposalReport
        fields = [
            "content",
            "outcomes",
            "income",
            "spending",
            "money_note",
            "self_evaluation",
            "self_evaluation_note",
            "next_steps",
        ]
        labels = {
            "content": pgettext_lazy("post-course report", "What was done"),
            "outcomes": _("Outcomes"),
            "income": _("Income (yen): participants' payments for costs, other"),
            "spending": _("Spending (yen): honorarium, materials, other"),
            "self_evaluation": _("Your own evaluation (5 = fully achieved the aim)"),
            "next_steps": _("Next steps"),
        }
        help_texts = {
            "content": _("Shown on the public summary of the round once the office accepts the report."),
            "outcomes": _("Shown on the public summary of the round once the office accepts the report."),
        }
        widgets = {
            "content": forms.Textarea(attrs={"rows": 4}),
            "outcomes": forms.Textarea(attrs={"rows": 4}),
            "money_note": forms.Textarea(attrs={"rows": 2}),
            "self_evaluation": forms.RadioSelect(choices=[(n, str(n)) for n in range(5, 0, -1)]),
            "self_evaluation_note": forms.Textarea(attrs={"rows": 2}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
        }


class ReportDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("What should be changed (only when asking for changes)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
