"""The base of an answer the API builds as plain dicts and lists.

django-ninja's ``Schema`` reads a value through a Python wrapper (``DjangoGetter``) at every
level so that a model instance can be given as the answer. An answer already made of dicts does
not need it, and on a catalogue search of twenty programmes that wrapper took six tenths of the
request (docs/performance.md). ``Out`` is a plain pydantic model: the answer is still checked
against its schema, by pydantic's compiled core, and the API document is the same.
"""

from datetime import datetime
from typing import Annotated

from django.core.serializers.json import DjangoJSONEncoder
from pydantic import BaseModel, PlainSerializer, WithJsonSchema

_DJANGO_JSON = DjangoJSONEncoder()


def _as_django_writes_it(moment: datetime) -> str:
    text: str = _DJANGO_JSON.default(moment)
    return text


# A moment in an answer written by pydantic (``model_dump_json``) as django-ninja writes the
# others: milliseconds at most, "Z" for UTC. Pydantic alone would write microseconds, so the same
# session would read differently in the list and in the detail.
# The API document still says what it is: a date-time.
OutMoment = Annotated[
    datetime,
    PlainSerializer(_as_django_writes_it, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


class Out(BaseModel):
    pass
