"""Forms of the station: parse and check input; the services decide."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from manabiba.communities.models import MAX_FIELDS, WEEKDAY_CHOICES, ActivityPost, CommunityGroup
from manabiba.communities.services import GROUP_PROFILE_FIELDS
from manabiba.core.choices import LabelledModelMultipleChoiceField
from manabiba.core.models import Area
from manabiba.programs.models import Category, Program

PAGE_SIZE = 30


class GroupForm(forms.ModelForm[CommunityGroup]):
    """The application (仮登録) and, later, the editors' profile form."""

    categories = LabelledModelMultipleChoiceField(
        queryset=Category.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Fields of activity"),
        help_text=_("Up to three."),
    )
    areas = LabelledModelMultipleChoiceField(
        queryset=Area.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Main areas"),
        required=False,
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https", max_length=200)
    activity_days = forms.MultipleChoiceField(
        choices=WEEKDAY_CHOICES, widget=forms.CheckboxSelectMultiple, label=_("Days of activity"), required=False
    )

    class Meta:
        model = CommunityGroup
        # The services' profile fields, with the field and area choices after the kind.
        fields = [*GROUP_PROFILE_FIELDS[:3], "categories", "areas", *GROUP_PROFILE_FIELDS[3:]]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "activities": forms.Textarea(attrs={"rows": 6}),
            "how_to_join": forms.Textarea(attrs={"rows": 3}),
            "social_links": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "contact_email": _(
                "Residents write to the group through a form; the address is shown only if you tick below."
            ),
            "name_kana": _("In hiragana or katakana, so that residents can find the group by its reading."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["activity_days"] = list(self.instance.activity_days)

    def clean_categories(self) -> Any:
        chosen = self.cleaned_data["categories"]
        if len(chosen) > MAX_FIELDS:
            raise ValidationError(_("Choose at most three fields of activity."))
        return chosen

    def clean_activity_days(self) -> str:
        return "".join(sorted(set(self.cleaned_data.get("activity_days") or [])))

    def service_arguments(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class GroupEditForm(GroupForm):
    logo = forms.FileField(label=_("Logo"), required=False, help_text=_("JPEG, PNG or WebP, at most 5 MB."))
    logo_alt = forms.CharField(
        label=_("Logo description"), required=False, max_length=300, help_text=_("Required with a logo.")
    )
    leaflet = forms.FileField(label=_("Leaflet (PDF)"), required=False, help_text=_("A PDF of at most 10 MB."))

    class Meta(GroupForm.Meta):
        fields = [*GroupForm.Meta.fields, "logo_alt"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("logo") and not (cleaned.get("logo_alt") or self.instance.logo_alt):
            self.add_error("logo_alt", _("Describe the logo for people who cannot see it."))
        return cleaned


class AgreementForm(forms.Form):
    agree = forms.BooleanField(
        label=_("I have read the posting rules and agree to them."),
        error_messages={"required": _("You must agree to the posting rules.")},
    )


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo"), help_text=_("JPEG, PNG or WebP, at most 5 MB."))
    photo_alt = forms.CharField(
        label=_("Photo description"), max_length=300, help_text=_("What the photo shows, for people who cannot see it.")
    )


class PostForm(forms.ModelForm[ActivityPost]):
    photo = forms.FileField(label=_("Photo"), required=False, help_text=_("JPEG, PNG or WebP, at most 5 MB."))
    photo_alt = forms.CharField(label=_("Photo description"), required=False, max_length=300)

    class Meta:
        model = ActivityPost
        fields = ["kind", "title", "body", "who", "conditions", "how_to_join", "until"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 6}),
            "how_to_join": forms.Textarea(attrs={"rows": 3}),
            "until": forms.DateInput(attrs={"type": "date"}),
        }
        labels = {
            "who": pgettext_lazy("recruitment post form", "Who you are looking for"),
            "until": pgettext_lazy("recruitment post form", "Last day to join"),
        }
        help_texts = {
            "who": _("For a member recruitment."),
            "until": _("For a member recruitment: the last day."),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("photo") and not cleaned.get("photo_alt", "").strip():
            self.add_error("photo_alt", _("Describe each photo for people who cannot see it."))
        return cleaned


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    easy_summary = forms.CharField(
        label=_("Summary in easy Japanese"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
        help_text=Program._meta.get_field("easy_summary").help_text,
    )
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    venue_name = forms.CharField(label=_("Venue"), max_length=200)
    fee = forms.ChoiceField(label=_("Fee"), choices=Program.Fee.choices)
    fee_amount = forms.IntegerField(label=_("Fee in yen"), min_value=0, required=False)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, required=False)
    application = forms.ChoiceField(label=_("How to apply"), choices=Program.Application.choices)
    application_note = forms.CharField(
        label=_("How to apply, in detail"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The event cannot end before it starts."))
        if cleaned.get("fee") == Program.Fee.PAID and cleaned.get("fee_amount") is None:
            self.add_error("fee_amount", _("Give the fee in yen."))
        return cleaned


class ContactForm(forms.Form):
    sender_name = forms.CharField(label=_("Your name"), max_length=100)
    sender_email = forms.EmailField(label=_("Your e-mail address"), help_text=_("The group replies to this address."))
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    # A honeypot: hidden from people, filled in by robots that fill in everything.
    homepage = forms.CharField(required=False, label=_("Leave this empty"))

    @property
    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get("homepage"))


class AbuseForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("For example political, religious or commercial use, or false information."),
    )
    post = forms.IntegerField(required=False, widget=forms.HiddenInput)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the new editor"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class DirectoryForm(forms.Form):
    q = forms.CharField(label=_("Keyword"), required=False, max_length=200)
    kind = forms.MultipleChoiceField(choices=CommunityGroup.Kind.choices, required=False)
    category = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=[])
    area = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=[])
    day = forms.MultipleChoiceField(choices=WEEKDAY_CHOICES, required=False)
    recruiting = forms.BooleanField(required=False)
    page = forms.IntegerField(min_value=1, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any id is accepted here; unknown ones simply match nothing.
        self.fields["category"].valid_value = lambda value: str(value).isdigit()  # type: ignore[attr-defined]
        self.fields["area"].valid_value = lambda value: str(value).isdigit()  # type: ignore[attr-defined]
