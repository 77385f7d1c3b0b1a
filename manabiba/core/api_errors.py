"""The one shape of an API error, and the one way a ValidationError becomes a 422.

Every app answers a refused request with ``{"detail": ..., "field": ..., "errors": {...}}``: a
sentence in the caller's language, the first field at fault (if any) and the messages per field,
so that a client shows every problem at once, whichever endpoint it called.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status


class ErrorOut(Schema):
    detail: str = Field(description="What was wrong, in the caller's language.")
    field: str | None = Field(None, description="The first field at fault, when one is.")
    errors: dict[str, list[str]] = Field(default_factory=dict, description="Messages per field.")


def api_error(status: int, detail: str, **extra: Any) -> Status[dict[str, Any]]:
    return Status(status, {"detail": detail, **extra})


def error_messages(error: ValidationError, *, default_field: str = "__all__") -> dict[str, list[str]]:
    """A ValidationError's messages per field; one without fields is filed under ``default_field``."""
    if hasattr(error, "error_dict"):
        return {name: [str(m) for m in messages] for name, messages in error.message_dict.items()}
    return {default_field: [str(m) for m in error.messages]}


def field_errors(errors: dict[str, list[str]], *, detail: str | None = None) -> Status[dict[str, Any]]:
    """A 422 naming the first field at fault and its first message (unless ``detail`` is given)."""
    field = next(iter(errors), None)
    if detail is None:
        detail = errors[field][0] if field and errors[field] else _("Please check what you entered.")
    return api_error(422, detail, field=None if field in (None, "__all__") else field, errors=errors)


def api_invalid(error: ValidationError) -> Status[dict[str, Any]]:
    """A service's refusal as a 422: per field when it names fields, else its sentence as the detail."""
    if hasattr(error, "error_dict"):
        return field_errors(error_messages(error), detail=_("Please check the highlighted fields."))
    return api_error(422, " ".join(str(m) for m in error.messages))
