"""Forms of the registration pages: they parse and label; the services decide."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from manabiba.accounts.models import User
from manabiba.core.addresses import normalise_email
from manabiba.core.dates import format_moment
from manabiba.core.models import Area
from manabiba.core.picker import PickerFormMixin, SearchableSelect
from manabiba.programs.models import Program
from manabiba.registrations.models import (
    PriorityRule,
    Registration,
    RegistrationParticipant,
    RegistrationQuestion,
    RegistrationSettings,
)
from manabiba.registrations.services import ParticipantSpec, QuestionSpec

QUESTION_PREFIX = "q_"
NO_TIER = ""


def _question_field(question: RegistrationQuestion) -> forms.Field:
    common: dict[str, Any] = {"label": question.label, "required": question.required, "help_text": question.help_text}
    if question.kind == RegistrationQuestion.Kind.NUMBER:
        return forms.IntegerField(min_value=question.min_value, max_value=question.max_value, **common)
    if question.kind == RegistrationQuestion.Kind.CHOICE:
        choices = [(str(c), str(c)) for c in question.choices]
        if question.required:
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        return forms.ChoiceField(choices=[("", "—"), *choices], **common)
    return forms.CharField(max_length=question.max_length, **common)


class QuestionsMixin(forms.Form):
    """Adds one field per question of the programme's own form, named ``q_<key>``."""

    questions: list[RegistrationQuestion]

    def add_questions(self, questions: Sequence[RegistrationQuestion]) -> None:
        self.questions = list(questions)
        for question in self.questions:
            self.fields[QUESTION_PREFIX + question.key] = _question_field(question)

    def answers(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = {}
        for question in self.questions:
            value = self.cleaned_data.get(QUESTION_PREFIX + question.key)
            if value not in (None, ""):
                cleaned[question.key] = value
        return cleaned

    def add_service_errors(self, error: ValidationError) -> None:
        """Put the service's errors on the fields they name (``answers.<key>`` → ``q_<key>``)."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, message)
            return
        for key, messages in error.message_dict.items():
            name = QUESTION_PREFIX + key.removeprefix("answers.") if key.startswith("answers.") else key
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


def _party_choices(largest: int) -> list[tuple[int, str]]:
    return [(n, str(n)) for n in range(1, max(1, largest) + 1)]


class ApplyForm(QuestionsMixin):
    """A resident applies for a programme."""

    party_size = forms.TypedChoiceField(
        label=_("Number of people"),
        coerce=int,
        help_text=_("Including yourself, e.g. a parent and a child are 2."),
    )
    attends_every_session = forms.BooleanField(label=_("I can attend every session"), required=False)
    consent = forms.BooleanField(label=_("I agree to the privacy notice"))

    def __init__(
        self,
        *args: Any,
        reg_settings: RegistrationSettings,
        questions: Sequence[RegistrationQuestion],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        party = self.fields["party_size"]
        assert isinstance(party, forms.TypedChoiceField)
        party.choices = _party_choices(reg_settings.max_party_size)
        party.initial = 1
        if reg_settings.max_party_size <= 1:
            party.widget = forms.HiddenInput()
        uses_every_session = reg_settings.pk is not None and any(
            rule.criterion == PriorityRule.Criterion.EVERY_SESSION for rule in reg_settings.priority_rules.all()
        )
        if not uses_every_session:
            del self.fields["attends_every_session"]
        else:
            self.fields["attends_every_session"].help_text = _("People who can come to every session are drawn first.")
        self.fields["consent"].help_text = format_html(
            '{} <a href="{}">{}</a>',
            _("Your name and contact details go to the organiser for this programme only."),
            reverse("web:page", args=["privacy"]),
            _("Read the privacy notice"),
        )
        self.add_questions(questions)
        # The consent comes last, after the programme's own questions.
        self.order_fields([name for name in self.fields if name != "consent"] + ["consent"])


PARTICIPANTS_PREFIX = "participants"


def asks_for_participants(reg_settings: RegistrationSettings) -> bool:
    """Whether the apply form names each participant: for parties of more than one, or to ask ages.

    Otherwise the resident alone comes, and the service names them from the account."""
    return reg_settings.max_party_size > 1 or reg_settings.asks_participant_age


def participant_rows(data: Any, reg_settings: RegistrationSettings) -> int:
    """How many participant rows the form shows: the number of people chosen (from 1 to the largest party)."""
    try:
        rows = int(str(data.get("party_size") or 1))
    except (TypeError, ValueError):
        rows = 1
    return max(1, min(rows, reg_settings.max_party_size))


class ParticipantForm(forms.Form):
    """One person the application covers: the name, and the age where the programme asks."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        error_messages={"required": _("Please enter the name.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    age = forms.IntegerField(
        label=_("Age"),
        min_value=0,
        max_value=RegistrationParticipant.MAX_AGE,
        error_messages={"required": _("Please enter the age.")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--short"}),
    )

    def __init__(self, *args: Any, asks_age: bool = False, name_optional: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not asks_age:
            del self.fields["age"]
        # At the desk the first row is the caller: left empty, the service names them.
        self.fields["name"].required = not name_optional

    def spec(self) -> ParticipantSpec:
        return ParticipantSpec(name=self.cleaned_data["name"], age=self.cleaned_data.get("age"))


class BaseParticipantFormSet(forms.BaseFormSet[ParticipantForm]):
    first_name_optional = False

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "name_optional": self.first_name_optional and index == 0}

    def specs(self) -> list[ParticipantSpec]:
        return [form.spec() for form in self.forms]


def participant_formset(
    *,
    rows: int,
    asks_age: bool,
    data: Any = None,
    initial: list[dict[str, Any]] | None = None,
    first_name_optional: bool = False,
) -> BaseParticipantFormSet:
    """Exactly ``rows`` participant forms, every one required (the number comes from the party size,
    not from the management form a client sends)."""
    formset_class = forms.formset_factory(
        ParticipantForm,
        formset=BaseParticipantFormSet,
        extra=0,
        min_num=rows,
        max_num=rows,
        absolute_max=rows,
        # Every row is below min_num, so none may be left empty: each is checked as a form (names
        # required). Counting "changed" rows instead would refuse the desk's empty caller row.
        validate_min=False,
        validate_max=True,
    )
    if data is not None:
        data = data.copy()
        data[f"{PARTICIPANTS_PREFIX}-TOTAL_FORMS"] = str(rows)
        data[f"{PARTICIPANTS_PREFIX}-INITIAL_FORMS"] = "0"
        formset = formset_class(data, prefix=PARTICIPANTS_PREFIX, form_kwargs={"asks_age": asks_age})
    else:
        formset = formset_class(initial=initial, prefix=PARTICIPANTS_PREFIX, form_kwargs={"asks_age": asks_age})
    formset = cast(BaseParticipantFormSet, formset)
    formset.first_name_optional = first_name_optional
    return formset


def participants_initial(data: Any, rows: int, applicant: str) -> list[dict[str, Any]]:
    """The rows' values from a draft (or a form sent to change the number of rows); the applicant
    is participant 1 while that row is empty (at the desk the caller's name is typed after the
    page opened)."""
    initial = [
        {
            "name": data.get(f"{PARTICIPANTS_PREFIX}-{n}-name", ""),
            "age": data.get(f"{PARTICIPANTS_PREFIX}-{n}-age", ""),
        }
        for n in range(rows)
    ]
    if not str(initial[0]["name"]).strip():
        initial[0]["name"] = applicant
    return initial


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StaffCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the person will read it)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ProgramCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the programme is cancelled (everyone registered will read it)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(label=_("Yes, cancel the programme and tell everyone registered"))


class SessionNoticeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the session is cancelled (everyone with a place will read it)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), ("active", _("All active")), *Registration.Status.choices],
    )

    def statuses(self) -> frozenset[str] | None:
        if not self.is_valid():
            return None
        value = self.cleaned_data["status"]
        if value == "active":
            return frozenset(str(s) for s in Registration.ACTIVE)
        if value:
            return frozenset({value})
        return None


class WaitlistMoveForm(forms.Form):
    position = forms.IntegerField(label=_("New place"), min_value=1)
    reason = forms.CharField(label=_("Reason (recorded)"), max_length=300)


class MinimumDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("run", _("Run it anyway")), ("cancel", _("Cancel it and tell everyone registered"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (shown to residents when cancelling)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "cancel" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the programme is cancelled; residents will read it."))
        return data


class ProgramChoiceField(forms.ModelChoiceField[Program]):
    def label_from_instance(self, obj: Program) -> str:
        separator = pgettext("separator", " — ")
        return f"{obj.title}{separator}{format_moment(obj.first_starts_at)}"


class ProgramPickForm(PickerFormMixin, forms.Form):
    """The desk's first step of registering a caller: which programme (searchable, see core/picker.py)."""

    # Enter in the search box must reach the server (it narrows the list) while no programme is chosen
    # yet: the browser's own check of a required list would stop it. The server says what is missing.
    use_required_attribute = False

    program = ProgramChoiceField(
        label=_("Programme"),
        queryset=Program.objects.none(),
        # A blank first choice: without it the browser preselects the first programme, which the
        # picker would then keep in every narrowed list as a choice already made.
        empty_label=_("Choose a programme"),
        widget=SearchableSelect(search_fields=("title", "title_kana", "organizer__name"), method="get"),
    )

    def __init__(self, *args: Any, programs: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field = self.fields["program"]
        assert isinstance(field, ProgramChoiceField)
        field.queryset = programs


def participants_for(
    reg_settings: RegistrationSettings,
    *,
    data: Any = None,
    source: Mapping[str, Any] | None = None,
    applicant: str = "",
    first_name_optional: bool = False,
) -> BaseParticipantFormSet | None:
    """One row per person where the programme names its participants (``None`` where it does not):
    bound to ``data``, or showing the values of ``source`` (a draft, a form sent to change the number
    of rows) without judging them, the applicant in the first row of a new form.
    ``first_name_optional``: the first row's name may stay empty (the desk's caller, named by the service)."""
    if not asks_for_participants(reg_settings):
        return None
    asks_age = reg_settings.asks_participant_age
    if data is not None:
        rows = participant_rows(data, reg_settings)
        return participant_formset(rows=rows, asks_age=asks_age, data=data, first_name_optional=first_name_optional)
    values = source or {}
    rows = participant_rows(values, reg_settings)
    initial = participants_initial(values, rows, applicant)
    return participant_formset(rows=rows, asks_age=asks_age, initial=initial, first_name_optional=first_name_optional)


@dataclass
class WithParticipants:
    """An application form and, where the programme names its participants, one row per person:
    the resident's apply form and the desk's form read and report errors the same way."""

    form: QuestionsMixin
    participants: BaseParticipantFormSet | None

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        return (self.participants is None or self.participants.is_valid()) and valid

    def party_size(self) -> int:
        """The rows named, or the number chosen where nobody is named."""
        if self.participants is not None:
            return len(self.participants.forms)
        return int(self.form.cleaned_data["party_size"])

    def specs(self) -> list[ParticipantSpec] | None:
        return self.participants.specs() if self.participants is not None else None

    def add_service_errors(self, error: ValidationError) -> None:
        """The service's errors on the fields they name (``participants.<n>.name`` on row n)."""
        if self.participants is None or not hasattr(error, "error_dict"):
            self.form.add_service_errors(error)
            return
        rest: dict[str, list[str]] = {}
        for key, messages in error.message_dict.items():
            parts = key.split(".")
            if len(parts) == 3 and parts[0] == "participants" and parts[1].isdigit():
                row = self.participants.forms[int(parts[1]) - 1]
                for message in messages:
                    row.add_error(parts[2] if parts[2] in row.fields else None, message)
            else:
                rest[key] = messages
        if rest:
            self.form.add_service_errors(ValidationError(rest))


class OnBehalfForm(QuestionsMixin):
    """Desk staff register a phone caller, a visitor at the counter or a postcard (代理申込)."""

    channel = forms.ChoiceField(
        label=_("How the application came in"),
        choices=[
            (Registration.Channel.PHONE, Registration.Channel.PHONE.label),
            (Registration.Channel.DESK, Registration.Channel.DESK.label),
            (Registration.Channel.POSTCARD, Registration.Channel.POSTCARD.label),
        ],
        widget=forms.RadioSelect,
        initial=Registration.Channel.PHONE,
    )
    account = forms.EmailField(
        label=_("Their account on this site (e-mail address)"),
        required=False,
        help_text=_("Only if they have an account: their registration then appears on their own page."),
    )
    full_name = forms.CharField(label=_("Name"), max_length=100, required=False)
    full_name_kana = forms.CharField(label=_("Name in furigana"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_("Without an e-mail address, print the slip for the person."),
    )
    party_size = forms.TypedChoiceField(label=_("Number of people"), coerce=int)
    lives_in_city = forms.BooleanField(label=_("Lives in the city"), required=False)
    works_in_city = forms.BooleanField(label=_("Works in the city"), required=False)
    studies_in_city = forms.BooleanField(label=_("Studies in the city"), required=False)
    attends_every_session = forms.BooleanField(label=_("Can attend every session"), required=False)
    age_band = forms.ChoiceField(
        label=_("Age band"), required=False, choices=[("", _("Not asked")), *User.AgeBand.choices]
    )
    area = forms.ModelChoiceField(
        label=_("Area they live in"), required=False, queryset=Area.objects.all(), empty_label=_("Not asked")
    )
    consent = forms.BooleanField(label=_("The person agreed to the privacy notice"))
    allow_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput())

    def __init__(
        self,
        *args: Any,
        reg_settings: RegistrationSettings,
        questions: Sequence[RegistrationQuestion],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        party = self.fields["party_size"]
        assert isinstance(party, forms.TypedChoiceField)
        party.choices = _party_choices(reg_settings.max_party_size)
        party.initial = 1
        if reg_settings.max_party_size <= 1:
            party.widget = forms.HiddenInput()
        self.add_questions(questions)
        self.order_fields([name for name in self.fields if name not in {"consent", "allow_duplicate"}] + ["consent"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["user"] = None
        address = (data.get("account") or "").strip()
        if address:
            data["user"] = User.objects.filter(
                email=normalise_email(address), is_active=True, anonymised_at=None
            ).first()
            if data["user"] is None:
                self.add_error("account", _("No account has this e-mail address."))
            return data
        if not (data.get("full_name") or "").strip():
            self.add_error("full_name", _("Please enter the name."))
        if not (data.get("phone") or "").strip() and not (data.get("email") or "").strip():
            self.add_error("phone", _("Please enter a phone number or an e-mail address."))
        return data


class CheckInCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=12,
        help_text=_("The six characters on the confirmation, e.g. 7KQ2MZ."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


# --- settings --------------------------------------------------------------------------------------

TIER_CHOICES = [(NO_TIER, _("No priority")), ("1", _("Tier 1 (drawn first)")), ("2", _("Tier 2")), ("3", _("Tier 3"))]


class SettingsForm(forms.Form):
    """How a programme takes registrations; priority tiers are one field per criterion."""

    allocation = forms.ChoiceField(
        label=_("Allocation"), choices=RegistrationSettings.Allocation.choices, widget=forms.RadioSelect
    )
    not_drawn = forms.ChoiceField(
        label=_("People not drawn are"), choices=RegistrationSettings.NotDrawn.choices, widget=forms.RadioSelect
    )
    max_party_size = forms.IntegerField(label=_("Largest party per application"), min_value=1, max_value=20)
    asks_participant_age = forms.BooleanField(
        label=_("Ask each participant's age"),
        required=False,
        help_text=_("For programmes whose participants must be of a certain age, e.g. parent-and-child classes."),
    )
    confirm_within_days = forms.IntegerField(
        label=_("Winners confirm within (days)"),
        min_value=1,
        max_value=60,
        required=False,
        help_text=_("Leave empty when winners need not confirm."),
    )
    offer_expiry_hours = forms.IntegerField(
        label=_("Offers to the waiting list expire after (hours)"),
        min_value=1,
        max_value=720,
        required=False,
        help_text=_("Leave empty to promote the next person on the waiting list at once."),
    )
    cancellation_cutoff_hours = forms.IntegerField(
        label=_("Residents may cancel online until (hours before the first session)"), min_value=0, max_value=2000
    )
    retention_months = forms.IntegerField(
        label=_("Keep registrants' personal data for (months after the end)"), min_value=1, max_value=120
    )
    draw_at = forms.DateTimeField(
        label=_("The draw runs at"),
        required=False,
        help_text=_("Leave empty to draw as soon as applications close."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion, label in PriorityRule.Criterion.choices:
            self.fields[f"tier_{criterion}"] = forms.ChoiceField(label=label, choices=TIER_CHOICES, required=False)

    @classmethod
    def initial_for(cls, reg_settings: RegistrationSettings) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(reg_settings, name)
            for name in (
                "allocation",
                "not_drawn",
                "max_party_size",
                "asks_participant_age",
                "confirm_within_days",
                "offer_expiry_hours",
                "cancellation_cutoff_hours",
                "retention_months",
            )
        }
        initial["draw_at"] = reg_settings.draw_at
        if reg_settings.pk is not None:
            for rule in reg_settings.priority_rules.all():
                initial[f"tier_{rule.criterion}"] = str(rule.tier)
        return initial

    def tier_fields(self) -> list[forms.BoundField]:
        return [self[f"tier_{criterion}"] for criterion in PriorityRule.Criterion.values]

    def plain_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("tier_")]

    def priority_rules(self) -> list[tuple[str, int]]:
        rules = []
        for criterion in PriorityRule.Criterion.values:
            value = self.cleaned_data.get(f"tier_{criterion}")
            if value:
                rules.append((criterion, int(value)))
        return rules

    def settings_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields if not name.startswith("tier_")}

    def add_service_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for key, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(key if key in self.fields else None, message)
        else:
            for message in error.messages:
                self.add_error(None, message)


class QuestionForm(forms.Form):
    """One question of the programme's own application form."""

    label = forms.CharField(label=_("Question"), max_length=300, required=False)
    key = forms.SlugField(
        label=_("Key"),
        max_length=50,
        required=False,
        help_text=_("Letters, digits and hyphens; the answer's name in the API and the export."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=RegistrationQuestion.Kind.choices)
    required = forms.BooleanField(label=_("Required"), required=False)
    choices = forms.CharField(
        label=_("Choices (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    help_text = forms.CharField(label=_("Help text"), max_length=300, required=False)
    min_value = forms.IntegerField(label=_("Smallest number"), required=False)
    max_value = forms.IntegerField(label=_("Largest number"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("label"):
            return data
        if not data.get("key"):
            self.add_error("key", _("Give the question a key."))
        if data.get("kind") == RegistrationQuestion.Kind.CHOICE and not self.choice_list():
            self.add_error("choices", _("A choice question needs at least one choice."))
        low, high = data.get("min_value"), data.get("max_value")
        if low is not None and high is not None and low > high:
            self.add_error("max_value", _("The largest number cannot be smaller than the smallest."))
        return data

    def choice_list(self) -> tuple[str, ...]:
        text = self.cleaned_data.get("choices") or ""
        return tuple(line.strip() for line in text.splitlines() if line.strip())

    def spec(self) -> QuestionSpec | None:
        data = self.cleaned_data
        if not data.get("label") or data.get("DELETE"):
            return None
        return QuestionSpec(
            key=data["key"],
            label=data["label"],
            kind=data["kind"],
            required=bool(data.get("required")),
            choices=self.choice_list() if data["kind"] == RegistrationQuestion.Kind.CHOICE else (),
            help_text=data.get("help_text") or "",
            min_value=data.get("min_value"),
            max_value=data.get("max_value"),
        )


class BaseQuestionFormSet(forms.BaseFormSet[QuestionForm]):
    def clean(self) -> None:
        keys: set[str] = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            key = form.cleaned_data.get("key")
            if form.cleaned_data.get("label") and key:
                if key in keys:
                    form.add_error("key", _("Two questions have this key."))
                keys.add(key)

    def specs(self) -> list[QuestionSpec]:
        specs = []
        for form in self.forms:
            spec = form.spec()
            if spec is not None:
                specs.append(spec)
        return specs


_QuestionFormSet = forms.formset_factory(
    QuestionForm, formset=BaseQuestionFormSet, extra=1, can_delete=True, max_num=30
)


def question_formset(*args: Any, **kwargs: Any) -> BaseQuestionFormSet:
    """The questions of the application form, one row each and an empty one to add another."""
    return cast(BaseQuestionFormSet, _QuestionFormSet(*args, **kwargs))


def question_initial(questions: Sequence[RegistrationQuestion]) -> list[dict[str, Any]]:
    return [
        {
            "label": q.label,
            "key": q.key,
            "kind": q.kind,
            "required": q.required,
            "choices": "\n".join(str(c) for c in q.choices),
            "help_text": q.help_text,
            "min_value": q.min_value,
            "max_value": q.max_value,
        }
        for q in questions
    ]
