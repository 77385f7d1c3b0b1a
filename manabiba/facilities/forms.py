"""The filter on the public facilities list."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from manabiba.core.choices import LabelledModelChoiceField
from manabiba.core.models import Area
from manabiba.facilities.models import Facility
from manabiba.facilities.selectors import KIND_ORDER


class FacilityFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of place"), required=False)
    area = LabelledModelChoiceField(
        label=_("Area"), queryset=Area.objects.all(), required=False, empty_label=_("All areas")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Facility.Kind.choices)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [("", _("All kinds")), *((kind, labels[kind]) for kind in KIND_ORDER)]
