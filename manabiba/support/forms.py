"""Forms for asking for support, splitting a request, answering a part, writing in the thread."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from manabiba.accounts.models import Department
from manabiba.accounts.selectors import department_list
from manabiba.communities.models import CommunityGroup
from manabiba.core.choices import WrittenNamesRadioSelect
from manabiba.support import selectors
from manabiba.support.models import Kind, SupportRequest, SupportTask

# Rows of the split form: enough for a request asking for every kind of help most groups need.
SPLIT_ROWS = 4


class RequestForm(forms.Form):
    group = forms.ModelChoiceField(
        label=_("Group"),
        queryset=CommunityGroup.objects.none(),
        empty_label=None,
        widget=WrittenNamesRadioSelect,
    )
    title = forms.CharField(
        label=_("Activity"), max_length=200, help_text=_("For example: a summer festival for children.")
    )
    kinds = forms.MultipleChoiceField(
        label=_("What do you need help with?"), choices=Kind.choices, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(
        label=_("Tell us about the activity and the help you need"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Who it is for, how many people, where you hope to hold it, what you have already arranged."),
    )
    starts_on = forms.DateField(
        label=_("First day of the activity"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("Last day of the activity"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty for a one-day activity."),
    )
    contact_phone = forms.CharField(
        label=_("Phone"), max_length=30, required=False, help_text=_("If a department may need to call you.")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = selectors.groups_for_asking(user)
        field = self.fields["group"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = groups
        if len(groups) == 1:
            field.initial = groups[0].pk

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        return data


class GroupMessageForm(forms.Form):
    body = forms.CharField(label=_("Your message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class ConsentForm(forms.Form):
    consent = forms.BooleanField(
        label=_("We agree that the city publishes a short account of this request as a case study"),
        required=False,
        help_text=_(
            "It names the group and the help the city gave, not the people. You can withdraw this at any time."
        ),
    )


class SplitForm(forms.Form):
    """Up to ``SPLIT_ROWS`` parts at once: a department, what it helps with, and what it is asked to do."""

    def __init__(self, *args: Any, request: SupportRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = department_list()
        # The first split starts from the kinds the group asked for; a later one adds parts from scratch.
        asked = [] if request.tasks.all() else list(request.kinds)
        for row in range(1, SPLIT_ROWS + 1):
            suggested = asked[row - 1] if row <= len(asked) else ""
            self.fields[f"department_{row}"] = forms.ModelChoiceField(
                label=_("Department"), queryset=departments, required=False, empty_label="—"
            )
            self.fields[f"kind_{row}"] = forms.ChoiceField(
                label=_("Help with"), choices=[("", "—"), *Kind.choices], required=False, initial=suggested
            )
            self.fields[f"instructions_{row}"] = forms.CharField(
                label=_("What the department is asked to do"),
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self) -> list[tuple[int, list[forms.BoundField]]]:
        return [
            (row, [self[f"department_{row}"], self[f"kind_{row}"], self[f"instructions_{row}"]])
            for row in range(1, SPLIT_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parts: list[tuple[Department, str, str]] = []
        for row in range(1, SPLIT_ROWS + 1):
            department, kind = data.get(f"department_{row}"), data.get(f"kind_{row}")
            instructions = data.get(f"instructions_{row}") or ""
            if department is None and not kind and not instructions.strip():
                continue
            if department is None:
                self.add_error(f"department_{row}", _("Choose the department for this part."))
            if not kind:
                self.add_error(f"kind_{row}", _("Choose what the department helps with."))
            if department is not None and kind:
                parts.append((department, kind, instructions))
        if not parts and not self.errors:
            self.add_error("department_1", _("Name at least one department."))
        data["parts"] = parts
        return data


class TaskAnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("State of this part"), choices=SupportTask.Status.choices, widget=forms.RadioSelect
    )
    answer = forms.CharField(
        label=_("Answer to the group"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed when the part is done or declined: what was done, or why the department cannot help."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("status") in {SupportTask.Status.DONE, SupportTask.Status.DECLINED}
            and not (data.get("answer") or "").strip()
        ):
            self.add_error("answer", _("Tell the group what was done, or why the department cannot help."))
        return data


class StaffMessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    internal = forms.BooleanField(label=_("Internal note (not shown to the group)"), required=False, initial=False)


class CaseStudyForm(forms.Form):
    case_title = forms.CharField(label=_("Case study title"), max_length=200)
    case_summary = forms.CharField(
        label=_("Case study"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("A short account for other groups: what was asked, which departments helped and how."),
    )


class QueueFilterForm(forms.Form):
    view = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("all", _("All requests")),
            ("to_split", _("Requests to split")),
            ("in_progress", _("Requests with the departments")),
            ("answered", _("Requests with every part answered")),
            ("closed", _("Closed requests")),
            ("department_open", _("Open tasks")),
            ("overdue", _("Overdue tasks")),
        ],
    )
    kind = forms.ChoiceField(label=_("Help with"), required=False, choices=[("", _("Any")), *Kind.choices])
