"""The base of every API request body (a JSON object, nothing else) and bounded page numbers.

django-ninja reads a schema's fields off any value with attribute access, so a body such as
``[null, null]`` or ``"a string"`` would validate as "every field at its default" and, for an
application, mean consent assumed. A body must be an object; anything else is a 422.
"""

from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from ninja.schema import DjangoGetter
from pydantic import model_validator

from manabiba.core.dates import MAX_OFFSET


class BodyIn(Schema):
    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value: Any) -> Any:
        # Runs inside django-ninja's own validator, which has wrapped the body in a DjangoGetter.
        body = value._obj if isinstance(value, DjangoGetter) else value
        if not isinstance(body, dict):
            raise ValueError(_("Send a JSON object with the fields described in the API document."))
        return value


class BoundedPageNumberPagination(PageNumberPagination):
    """django-ninja's page numbers, with the page kept below what a database offset can hold."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_OFFSET)
        page_size: int | None = Field(None, ge=1, le=MAX_OFFSET)


# A row id: what a database's 64-bit key can hold. Django answers an out-of-range ``pk=`` with no
# row, but a list of ids (``__in``) would reach the database and fail there.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
