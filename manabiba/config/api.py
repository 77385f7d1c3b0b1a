"""The API root at /api/v1/: each app contributes its router.

A value of the wrong type in a path, query or body (django-ninja's ``ValidationError``) answers
422 ``{"detail": ..., "errors": {"field.path": [message, ...]}}`` in the caller's language, the
same shape as the apps' own validation errors."""

import logging

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError

from manabiba.accounts.api import router as accounts_router

logger = logging.getLogger("django.request")

api = NinjaAPI(title="Manabiba API", version="1", urls_namespace="api")

# Where django-ninja says the value came from; the rest of ``loc`` is the field's path.
_SOURCES = {"path", "query", "header", "cookie", "body", "form", "file"}
# A schema argument of a view (``payload: ProgramIn``, ``query: Query[ProgramQuery]``) puts its own
# name before the field's; callers never see it. These are the names the routers use.
_SCHEMA_ARGUMENTS = {"payload", "query", "filters", "data", "body", "form", "params"}


def _field_path(loc: object) -> str:
    parts = [str(part) for part in (loc if isinstance(loc, list | tuple) else [loc])]
    if parts and parts[0] in _SOURCES:
        parts.pop(0)
        if len(parts) > 1 and parts[0] in _SCHEMA_ARGUMENTS:
            parts.pop(0)
    return ".".join(parts) or "__all__"


def _message(error_type: str, error: dict[str, object]) -> str:
    """A message in the caller's language for a pydantic error type."""
    context = error.get("ctx")
    if error_type == "value_error" and isinstance(context, dict) and context.get("error"):
        # Our own validators raise ValueError with a message already translated for this request.
        return str(context["error"])
    if error_type == "missing":
        return _("This field is required.")
    if error_type.startswith("int_"):
        return _("Please enter a whole number.")
    if error_type.startswith(("float_", "decimal_")):
        return _("Please enter a number.")
    if error_type.startswith(("greater_than", "less_than")):
        return _("This number is out of range.")
    if error_type.startswith("bool_"):
        return _("Please answer true or false.")
    if error_type.startswith("datetime_"):
        return _("Please enter a date and time (YYYY-MM-DDTHH:MM).")
    if error_type.startswith("date_"):
        return _("Please enter a date (YYYY-MM-DD).")
    if error_type in {"literal_error", "enum"}:
        return _("Please choose one of the allowed values.")
    if error_type.startswith("string_"):
        return _("Please enter text.")
    if error_type in {"list_type", "tuple_type", "set_type"}:
        return _("Please give a list.")
    if error_type in {"dict_type", "model_type", "model_attributes_type"}:
        return _("Please give an object.")
    if error_type == "json_invalid":
        return _("The body is not valid JSON.")
    return _("This value is not valid.")


def validation_error_answer(request: HttpRequest, exc: object) -> HttpResponse:
    """django-ninja's ValidationError as the app's 422: a translated message per field path; its
    own English text is only the detail when there is nothing to translate."""
    raw = getattr(exc, "errors", None)
    errors: dict[str, list[str]] = {}
    fallback = ""
    for error in raw if isinstance(raw, list) else []:
        if not isinstance(error, dict):
            continue
        messages = errors.setdefault(_field_path(error.get("loc", ())), [])
        message = _message(str(error.get("type", "")), error)
        if message not in messages:
            messages.append(message)
        fallback = fallback or str(error.get("msg", ""))
    detail = _("Please check what you entered.") if errors or not fallback else fallback
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


def server_error_answer(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
    """An unexpected error in an API view: logged with its traceback, answered as JSON (an API
    client cannot read Django's HTML error page)."""
    logger.error(
        "Internal Server Error: %s",
        request.path,
        exc_info=exc if isinstance(exc, BaseException) else True,
        extra={"status_code": 500},
    )
    return api.create_response(
        request, {"detail": _("Something went wrong on our side. Please try again later.")}, status=500
    )


api.add_exception_handler(ValidationError, validation_error_answer)
api.add_exception_handler(Exception, server_error_answer)
api.add_router("", accounts_router)
api.add_router("", "manabiba.programs.api.router")
api.add_router("", "manabiba.registrations.api.router")
api.add_router("", "manabiba.communities.api.router")
api.add_router("", "manabiba.consultations.api.router")
api.add_router("", "manabiba.desk.api.router")
api.add_router("", "manabiba.venues.api.router")
