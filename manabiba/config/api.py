"""The API root at /api/v1/: each app contributes its router.

A value of the wrong type in a path, query or body (django-ninja's ``ValidationError``) answers
422 ``{"detail": ..., "errors": {"field.path": [message, ...]}}`` in the caller's language, the
same shape as the apps' own validation errors."""

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from manabiba.accounts.api import router as accounts_router
from manabiba.core.api_errors import ErrorOut

logger = logging.getLogger("django.request")

# Every error answer, the handlers' own and the shared ones below: the one shape of core.api_errors.
ERROR_BODY = {**ErrorOut.model_json_schema(), "title": "ErrorBody"}
# Answers every operation of a kind can give, whatever its handler says: the token check (401),
# the validation of parameters and bodies (422), a body that is not JSON (400), the web server's
# limit on an address's length (414) and an error on our side (500, as JSON).
COMMON_ANSWERS = {
    "400": "The body is not valid JSON.",
    "401": "No token, or a token that is not valid (revoked or expired).",
    "414": "The address is too long (answered by the web server).",
    "422": "A parameter or the body is missing, of the wrong type or out of range; `errors` names each field.",
    "500": "An error on our side.",
}


class ManabibaAPI(NinjaAPI):
    """The API, whose OpenAPI document lists every answer an operation can give.

    Handlers declare the answers that are theirs (201, 403, 404, 409, 429); the ones every
    operation of a kind shares are added here once, so no operation can forget them.
    """

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["ErrorBody"] = ERROR_BODY
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
        for item in schema["paths"].values():
            for operation in item.values():
                responses = operation["responses"]
                shared = {"414", "500"}
                if operation.get("security"):
                    shared.add("401")
                if operation.get("parameters") or operation.get("requestBody"):
                    shared.add("422")
                if operation.get("requestBody"):
                    shared.add("400")
                for status in shared:
                    if status not in responses and int(status) not in responses:
                        responses[status] = {"description": COMMON_ANSWERS[status], "content": error}
                for status, answer in list(responses.items()):
                    if str(status).startswith(("4", "5")) and "content" not in answer:
                        answer["content"] = error
        return schema


api = ManabibaAPI(title="Manabiba API", version="1", urls_namespace="api")

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


def _framework_detail(status: int, detail: str) -> str:
    """django-ninja's own English words for the errors it raises, in the caller's language."""
    if status == 400 and detail.startswith("Cannot parse request body"):
        return _("The body is not valid JSON.")
    if status == 401 and detail == "Unauthorized":
        return _("Please send a valid token: Authorization: Bearer mnb_...")
    return detail


def http_error_answer(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
    status = getattr(exc, "status_code", 400)
    return api.create_response(request, {"detail": _framework_detail(status, str(exc))}, status=status)


def not_found_answer(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


api.add_exception_handler(ValidationError, validation_error_answer)
api.add_exception_handler(HttpError, http_error_answer)
api.add_exception_handler(Http404, not_found_answer)
api.add_exception_handler(Exception, server_error_answer)
api.add_router("", accounts_router)
api.add_router("", "manabiba.programs.api.router")
api.add_router("", "manabiba.registrations.api.router")
api.add_router("", "manabiba.communities.api.router")
api.add_router("", "manabiba.talents.api.router")
api.add_router("", "manabiba.proposals.api.router")
api.add_router("", "manabiba.consultations.api.router")
api.add_router("", "manabiba.desk.api.router")
api.add_router("", "manabiba.venues.api.router")
api.add_router("", "manabiba.support.api.router")
api.add_router("", "manabiba.exchanges.api.router")
api.add_router("", "manabiba.reports.api.router")
