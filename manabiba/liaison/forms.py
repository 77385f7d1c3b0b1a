"""Forms of the liaison pages: they parse and validate; the services write."""

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from manabiba.accounts.models import Department, DepartmentContact, User
from manabiba.accounts.selectors import department_list
from manabiba.core.dates import month_from_text
from manabiba.core.models import Area
from manabiba.programs.models import Audience


class _Form(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class StaffChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name or obj.email} <{obj.email}>"


class ContactForm(_Form):
    user = StaffChoiceField(
        label=_("Staff member"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Someone with an account in the department; their name, address and language are used."),
    )
    name = forms.CharField(
        label=_("Name"), max_length=100, required=False, help_text=_("Required when no staff member is chosen.")
    )
    role_note = forms.CharField(
        label=_("Role"), max_length=200, required=False, help_text=_("For example: community policy, 子育て支援係長.")
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=30, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    extension = forms.CharField(label=_("Extension"), max_length=10, required=False)
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_("A shared office address, if mail should not go to the account's."),
    )
    sort_order = forms.IntegerField(label=_("Order in the list"), min_value=0, max_value=999, initial=0)

    def __init__(
        self, *args: Any, department: Department, contact: DepartmentContact | None = None, **kwargs: Any
    ) -> None:
        if contact is not None and not kwargs.get("data") and not args:
            kwargs["initial"] = {
                "user": contact.user_id,
                **{
                    name: getattr(contact, name)
                    for name in ("name", "role_note", "phone", "extension", "email", "sort_order")
                },
            }
        super().__init__(*args, **kwargs)
        staff: QuerySet[User] = User.objects.filter(department=department, is_active=True, anonymised_at=None).order_by(
            "full_name_kana", "email"
        )
        self.fields["user"].queryset = staff  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("user") is None and not cleaned.get("name", "").strip():
            self.add_error("name", _("Give a name, or choose the staff member."))
        return cleaned


class MeetingForm(_Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments attending"), queryset=Department.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 10}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = department_list()  # type: ignore[attr-defined]


class ActionItemForm(_Form):
    title = forms.CharField(label=_("What to do"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Owner department"), queryset=Department.objects.none())
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    details = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = department_list()  # type: ignore[attr-defined]


class CloseForm(_Form):
    note = forms.CharField(label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class PlanningFilterForm(_Form):
    """The planning calendar's filters (GET): a bad value is ignored rather than refused."""

    month = forms.CharField(label=_("Month"), required=False, widget=forms.TextInput(attrs={"type": "month"}))
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False, empty_label=_("All")
    )
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none(), required=False, empty_label=_("All"))
    audience = forms.ModelChoiceField(
        label=_("Audience"), queryset=Audience.objects.none(), required=False, empty_label=_("All")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = department_list()  # type: ignore[attr-defined]
        self.fields["area"].queryset = Area.objects.order_by("sort_order", "name")  # type: ignore[attr-defined]
        self.fields["audience"].queryset = Audience.objects.order_by("sort_order")  # type: ignore[attr-defined]

    def clean_month(self) -> str:
        value: str = self.cleaned_data.get("month", "")
        if value and month_from_text(value) is None:
            raise forms.ValidationError(_("Give the month as YYYY-MM, for example 2026-11."))
        return value

    def value(self, name: str) -> Any:
        """A filter as chosen, or None when it was not given or not valid (the others still apply)."""
        self.is_valid()
        return self.cleaned_data.get(name) or None

    def chosen_month(self, today: date) -> date:
        return month_from_text(self.value("month") or "") or today.replace(day=1)
