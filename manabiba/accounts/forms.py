"""Forms for accounts: they parse and validate; the services do the writing."""

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from manabiba.accounts.models import Department, User
from manabiba.accounts.permissions import has_permission
from manabiba.accounts.roles import Role
from manabiba.accounts.services import (
    PROFILE_FIELDS,
    NewPasswordReason,
    mail_to_user,
    user_password_set,
)
from manabiba.core.addresses import NormalisedEmailField
from manabiba.core.choices import LabelledModelChoiceField, LanguageSelect


class PlainForm(forms.Form):
    """Forms without the trailing colon that reads oddly after Japanese labels."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SignupForm(PlainForm):
    email = NormalisedEmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    full_name = forms.CharField(label=_("Name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters. Not only numbers, and not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    accept_terms = forms.BooleanField(label=_("I agree to the terms of use and the privacy policy"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class LoginForm(PlainForm):
    email = NormalisedEmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class CodeForm(PlainForm):
    code = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ProfileForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = list(PROFILE_FIELDS)
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "full_name_kana": forms.TextInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "language": LanguageSelect(choices=[("ja", "日本語"), ("en", "English")]),
        }
        field_classes = {"area": LabelledModelChoiceField}
        help_texts = {
            "full_name_kana": _("In hiragana or katakana: how your name is read"),
            "lives_in_city": _("Some popular courses give places to people who live, work or study in the city first."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # The digest lists staff work; residents have none, so they are not asked.
        if not has_permission(self.instance, "staff.access_workspace"):
            del self.fields["staff_digest"]

    def clean_full_name_kana(self) -> str:
        value: str = self.cleaned_data["full_name_kana"].strip()
        if value and not all(_is_kana_or_space(ch) for ch in value):
            raise forms.ValidationError(_("Please write the reading in hiragana or katakana."))
        return value


def _is_kana_or_space(ch: str) -> bool:
    return ch in " 　・ー" or "\u3041" <= ch <= "\u309f" or "\u30a0" <= ch <= "\u30ff"


class DeleteAccountForm(PlainForm):
    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    confirm = forms.BooleanField(label=_("I understand that my account and personal data will be removed"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not right."))
        return password


class TokenCreateForm(PlainForm):
    name = forms.CharField(
        label=_("What the token is for"), max_length=100, help_text=_("For example: the desk's spreadsheet")
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Valid for"),
        choices=[
            ("30", _("30 days")),
            ("90", _("90 days")),
            ("365", _("1 year")),
            ("", _("Until I revoke it")),
        ],
        coerce=int,
        empty_value=None,
        required=False,
        initial="90",
        help_text=_("A token that has expired stops working; make a new one then."),
    )


class PeopleSearchForm(PlainForm):
    q = forms.CharField(label=_("Name, reading or e-mail"), required=False, max_length=100)


class RoleChangeForm(PlainForm):
    role = forms.ChoiceField(label=_("Role"), choices=[(r.value, r.label) for r in Role if r != Role.RESIDENT])


class StaffSettingsForm(PlainForm):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True), required=False
    )
    totp_required = forms.BooleanField(label=_("Require a second factor at login"), required=False)


class DepartmentForm(forms.ModelForm[Department]):
    class Meta:
        model = Department
        fields = ["name", "division", "name_en", "phone"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, with its mail going through the outbox in the user's language, and
    the address in the normal form accounts are stored in."""

    email = NormalisedEmailField(max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address")

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context["user"]
        mail_to_user(user=user, template="accounts/mail/password_reset", context=context)


class TokenRevokingSetPasswordForm(SetPasswordForm):  # type: ignore[type-arg]  # generic only in the stubs
    """The new password from a reset link; the person's API tokens are revoked with the old one."""

    def save(self, commit: bool = True) -> User:
        return user_password_set(
            user=self.user, password=self.cleaned_data["new_password1"], reason=NewPasswordReason.RESET
        )


class TokenRevokingPasswordChangeForm(PasswordChangeForm):
    """The person's own password change; their API tokens are revoked with the old password."""

    def save(self, commit: bool = True) -> User:
        user = self.user
        assert isinstance(user, User)
        return user_password_set(
            user=user, password=self.cleaned_data["new_password1"], reason=NewPasswordReason.CHANGED
        )
