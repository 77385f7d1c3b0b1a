"""Forms for asking, logging, routing and answering consultations."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from manabiba.accounts.models import Department, User
from manabiba.consultations import selectors
from manabiba.consultations.models import CannedReply, Channel, ReplyChannel, Topic


class AskForm(forms.Form):
    """The public question form; desk staff use it too (with the channel and contact fields)."""

    topic = forms.ChoiceField(label=_("What is your question about?"), choices=Topic.choices, widget=forms.RadioSelect)
    body = forms.CharField(
        label=_("Your question"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Tell us what you would like to learn or do. Please do not write health or financial details."),
    )
    reply_channel = forms.ChoiceField(
        label=_("How should we reply?"), choices=ReplyChannel.choices, widget=forms.RadioSelect, initial="email"
    )
    preferred_times = forms.CharField(
        label=_("Good times to reach you"),
        max_length=200,
        required=False,
        help_text=_("For example: weekday evenings after 18:00, Saturday mornings."),
    )
    name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)

    def __init__(self, *args: Any, user: User | None = None, staff: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff = staff
        self.signed_in = user is not None and not staff
        self.phone_known = bool(self.signed_in and user is not None and user.phone)
        if self.signed_in:
            # A signed-in resident's address and name come from the account.
            del self.fields["email"]
            del self.fields["name"]
        elif not staff:
            # Needed only for a reply by e-mail: a resident who wants a call or a visit asks with a phone number.
            self.fields["email"].help_text = _(
                "Needed for a reply by e-mail: we send you a link to confirm your address first. "
                "Not needed if you would like a call or to come to the desk."
            )
            self.fields["phone"].help_text = _("Needed for a reply by phone or at the desk: we call you back.")
        if staff:
            self.fields["channel"] = forms.ChoiceField(
                label=_("Received by"),
                choices=[(Channel.PHONE, Channel.PHONE.label), (Channel.COUNTER, Channel.COUNTER.label)],
                widget=forms.RadioSelect,
                initial=Channel.PHONE,
            )
            self.fields["body"].label = _("The resident's question")
            self.fields["body"].help_text = ""
            self.fields["name"].label = _("Resident's name")
            self.order_fields(
                ["channel", "topic", "body", "reply_channel", "preferred_times", "name", "phone", "email"]
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        channel = cleaned.get("reply_channel")
        if channel == ReplyChannel.PHONE and not cleaned.get("phone") and not self.phone_known:
            self.add_error("phone", _("Please give a phone number so that we can call you back."))
        elif channel == ReplyChannel.DESK and not self.staff and not self.signed_in and not cleaned.get("phone"):
            self.add_error("phone", _("Please give a phone number so that we can reach you."))
        if channel == ReplyChannel.EMAIL and "email" in self.fields and not cleaned.get("email"):
            self.add_error("email", _("Please give an e-mail address so that we can reply by e-mail."))
        return cleaned


class ResidentReplyForm(forms.Form):
    body = forms.CharField(label=_("Your message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))


class QueueFilterForm(forms.Form):
    view = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("all", _("All open")),
            ("new", _("New")),
            ("unassigned", _("Nobody assigned")),
            ("mine", _("Assigned to me")),
            ("department", _("My department's")),
            ("routed", _("Routed by me")),
            ("waiting", _("Waiting for the resident")),
            ("due_today", _("Due today")),
            ("overdue", _("Overdue")),
            ("closed", pgettext_lazy("consultations that are closed", "Closed")),
        ],
    )
    topic = forms.ChoiceField(label=_("Topic"), required=False, choices=[("", _("Any topic")), *Topic.choices])


def _assignee_label(person: User) -> str:
    """「山田 花子（社会教育課）」, in the brackets of the page's language."""
    opening, closing = pgettext("opening bracket", " ("), pgettext("closing bracket", ")")
    return f"{person.full_name or person.email}{opening}{person.department or '—'}{closing}"


class AssignForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("— none (the coordinator) —"),
    )
    assignee = forms.ModelChoiceField(
        label=_("Person"), queryset=User.objects.none(), required=False, empty_label=_("— nobody in particular —")
    )
    note = forms.CharField(label=_("Internal note for the new handler"), max_length=2000, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The page also shows NoteForm, whose ``note`` would take the same id="id_note".
        kwargs.setdefault("auto_id", "id_assign_%s")
        super().__init__(*args, **kwargs)
        department_field = self.fields["department"]
        assert isinstance(department_field, forms.ModelChoiceField)
        department_field.queryset = selectors.departments()
        assignee_field = self.fields["assignee"]
        assert isinstance(assignee_field, forms.ModelChoiceField)
        assignee_field.queryset = selectors.assignable_staff()
        assignee_field.label_from_instance = _assignee_label  # type: ignore[method-assign,assignment]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Internal note"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only staff see notes. The resident never does."),
    )


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Reply to the resident"), max_length=8000, widget=forms.Textarea(attrs={"rows": 8}))
    programs = forms.TypedMultipleChoiceField(
        label=_("Recommend programmes"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    wait_for_resident = forms.BooleanField(
        label=_("I am asking the resident something: wait for their answer (the due date pauses)"), required=False
    )

    def __init__(
        self, *args: Any, candidates: list[tuple[int, str]] | None = None, call_note: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if call_note:
            self.fields["body"].label = _("What you told the resident (call note)")
        programs = self.fields["programs"]
        assert isinstance(programs, forms.TypedMultipleChoiceField)
        programs.choices = candidates or []


class CannedReplyForm(forms.ModelForm[CannedReply]):
    class Meta:
        model = CannedReply
        fields = ["title", "topic", "body", "is_active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}
