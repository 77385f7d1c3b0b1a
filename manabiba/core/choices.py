"""Form fields choosing reference data (areas, fields, audiences) by their label in the reader's language."""

from typing import Any

from django import forms
from django.db.models import Model


def _label(obj: Model) -> str:
    label: Any = getattr(obj, "label", None)
    return str(label) if label else str(obj)


class LabelledModelChoiceField(forms.ModelChoiceField[Any]):
    """A ``ModelChoiceField`` whose options read ``obj.label`` (北町 or Kitamachi) when the model has one."""

    def label_from_instance(self, obj: Model) -> str:
        return _label(obj)


class LabelledModelMultipleChoiceField(forms.ModelMultipleChoiceField[Any]):
    """The same for several choices (checkboxes)."""

    def label_from_instance(self, obj: Model) -> str:
        return _label(obj)
