"""Form fields choosing reference data (areas, fields, audiences) by their label in the reader's language,
and selects whose options are languages or names people wrote, marked with their language."""

from typing import Any

from django import forms
from django.db.models import Model
from django.utils import translation

from manabiba.core.japanese import has_japanese


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


class LanguageSelect(forms.Select):
    """Languages, each named in itself (日本語, English) and marked with its own ``lang`` (WCAG 3.1.2)."""

    def create_option(self, name: str, value: Any, label: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, label, *args, **kwargs)
        if value:
            option["attrs"]["lang"] = str(value)
        return option


def _written_in_japanese(label: Any) -> bool:
    """A label people wrote in Japanese, read on a page in another language."""
    language = translation.get_language() or ""
    return not language.startswith("ja") and has_japanese(str(label))


class WrittenNamesSelect(forms.Select):
    """Options that are names people gave (of a group, a person, a talent): one written in Japanese is
    marked ``lang="ja"`` on a page in another language, like the ``lang_ja`` filter does for text."""

    def create_option(self, name: str, value: Any, label: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, label, *args, **kwargs)
        if _written_in_japanese(label):
            option["attrs"]["lang"] = "ja"
        return option


class WrittenNamesRadioSelect(forms.RadioSelect):
    """The same as radio buttons: the label's text is wrapped in ``<span lang="ja">``."""

    option_template_name = "core/forms/written_name_option.html"

    def create_option(self, name: str, value: Any, label: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, label, *args, **kwargs)
        option["label_lang"] = "ja" if _written_in_japanese(label) else ""
        return option
