"""Forms of the talent bank: parse and check input; the services decide."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from manabiba.core.choices import LabelledModelMultipleChoiceField
from manabiba.core.models import Area
from manabiba.programs.models import Audience, Category
from manabiba.talents.models import (
    MAX_FIELDS,
    WEEKDAY_CHOICES,
    HonorariumRate,
    IntroductionRequest,
    TalentProfile,
    TimeSlot,
)
from manabiba.talents.services import TALENT_PROFILE_FIELDS

PAGE_SIZE = 30


class RateChoiceField(forms.ModelChoiceField[HonorariumRate]):
    """Each line of the scale with the most it allows, so the resident sees the limit while choosing."""

    def label_from_instance(self, obj: HonorariumRate) -> str:
        return str(
            _("%(name)s (up to %(amount)s yen per hour)") % {"name": obj.label, "amount": f"{obj.max_per_hour:,}"}
        )


class TalentForm(forms.ModelForm[TalentProfile]):
    """The registration card (登録カード), also used to change it."""

    categories = LabelledModelMultipleChoiceField(
        queryset=Category.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Fields"),
        help_text=_("Up to three."),
    )
    areas = LabelledModelMultipleChoiceField(
        queryset=Area.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Areas you can go to"),
        required=False,
    )
    days = forms.MultipleChoiceField(
        choices=WEEKDAY_CHOICES, widget=forms.CheckboxSelectMultiple, label=_("Days you can come"), required=False
    )
    times = forms.MultipleChoiceField(
        choices=TimeSlot.choices, widget=forms.CheckboxSelectMultiple, label=_("Times you can come"), required=False
    )
    audiences = LabelledModelMultipleChoiceField(
        queryset=Audience.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Audiences"),
        required=False,
    )
    honorarium_rate = RateChoiceField(
        queryset=HonorariumRate.objects.filter(active=True),
        label=_("Honorarium scale line"),
        required=False,
        help_text=_("The city's honorarium scale: the wished amount may not be more than the line allows."),
    )
    photo = forms.FileField(label=_("Photo"), required=False, help_text=_("JPEG, PNG or WebP, at most 5 MB. Optional."))

    class Meta:
        model = TalentProfile
        fields = [
            *TALENT_PROFILE_FIELDS[:3],
            "categories",
            *TALENT_PROFILE_FIELDS[3:8],
            "areas",
            *TALENT_PROFILE_FIELDS[8:12],
            "audiences",
            *TALENT_PROFILE_FIELDS[12:17],
            "photo",
            *TALENT_PROFILE_FIELDS[17:],
        ]
        widgets = {
            "teaches": forms.Textarea(attrs={"rows": 4}),
            "qualifications": forms.Textarea(attrs={"rows": 2}),
            "experience": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "name_kana": _("In hiragana or katakana."),
            "teaches": _("For example: calligraphy for beginners, with a short practice."),
            "languages": _("Languages you can teach in, for example Japanese, English."),
            "contact_email": _("Never shown: given only to a requester you accept, and to the office."),
            "contact_phone": _("Never shown: given only to a requester you accept, and to the office."),
            "photo_alt": _("Required with a photo."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["days"] = list(self.instance.days)
            self.initial["times"] = [t for t in self.instance.times.split(",") if t]

    def clean_categories(self) -> Any:
        chosen = self.cleaned_data["categories"]
        if len(chosen) > MAX_FIELDS:
            raise ValidationError(_("Choose at most three fields."))
        return chosen

    def clean_days(self) -> str:
        return "".join(sorted(set(self.cleaned_data.get("days") or [])))

    def clean_times(self) -> str:
        chosen = set(self.cleaned_data.get("times") or [])
        return ",".join(slot for slot in TimeSlot.values if slot in chosen)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("photo") and not (cleaned.get("photo_alt") or "").strip():
            self.add_error("photo_alt", _("Describe the photo for people who cannot see it."))
        return cleaned

    def _post_clean(self) -> None:
        # The services check the card as a whole (the honorarium against the scale, above all).
        pass

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        photo = data.pop("photo", None)
        return {**data, "photo": photo or None}


class RegistrationForm(TalentForm):
    declared_adult = forms.BooleanField(
        label=_("I am 18 or over."), error_messages={"required": _("Talents must be 18 or over.")}
    )
    declared_no_misuse = forms.BooleanField(
        label=_("I will not use the talent bank for political, religious or commercial ends."),
        error_messages={"required": _("The talent bank may not be used for political, religious or commercial ends.")},
    )


class InstructorForm(TalentForm):
    """A group fills in the card for its instructor; the instructor declares for themselves later."""

    group_name = forms.CharField(label=_("Name of your group"), max_length=200)

    field_order = ["group_name"]

    class Meta(TalentForm.Meta):
        help_texts = {
            **TalentForm.Meta.help_texts,
            "contact_email": _("The instructor's address: we ask them there to agree. Never shown."),
        }


class ConsentForm(forms.Form):
    declared_adult = forms.BooleanField(label=_("I am 18 or over."), required=False)
    declared_no_misuse = forms.BooleanField(
        label=_("I will not use the talent bank for political, religious or commercial ends."), required=False
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ForwardForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the talent"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )


class IntroductionForm(forms.ModelForm[IntroductionRequest]):
    class Meta:
        model = IntroductionRequest
        fields = [
            "requester_kind",
            "organisation",
            "contact_name",
            "contact_email",
            "contact_phone",
            "purpose",
            "dates",
            "audience",
            "expected_participants",
            "budget",
        ]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "organisation": _("If you ask for a group, a school or a city department."),
            "dates": _("For example: a Saturday afternoon in February, two hours."),
            "budget": _("Leave empty if you have none."),
            "contact_email": _("Given to the talent only if they accept."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["budget"].min_value = 0  # type: ignore[attr-defined]
        self.fields["expected_participants"].min_value = 1  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        pass


class OutcomeForm(forms.Form):
    held = forms.TypedChoiceField(
        label=_("Was the activity held?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    participants = forms.IntegerField(label=_("Participants"), min_value=0, required=False)
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied were you?"),
        choices=[("", "—"), *IntroductionRequest.Satisfaction.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )
    comment_public = forms.BooleanField(label=_("The comment may be shown on the talent's page"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("held") and cleaned.get("participants") is None:
            self.add_error("participants", _("Say how many took part."))
        return cleaned


class DirectoryForm(forms.Form):
    q = forms.CharField(label=_("Keyword"), required=False, max_length=200)
    category = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=[])
    area = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=[])
    audience = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=[])
    day = forms.MultipleChoiceField(choices=WEEKDAY_CHOICES, required=False)
    when = forms.MultipleChoiceField(choices=TimeSlot.choices, required=False)
    free = forms.MultipleChoiceField(choices=[("yes", "yes"), ("no", "no")], required=False)
    page = forms.IntegerField(min_value=1, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any id is accepted here; unknown ones simply match nothing.
        for name in ("category", "area", "audience"):
            self.fields[name].valid_value = lambda value: str(value).isdigit()  # type: ignore[attr-defined]
