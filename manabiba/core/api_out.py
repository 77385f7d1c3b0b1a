"""The base of an answer the API builds as plain dicts and lists.

django-ninja's ``Schema`` reads a value through a Python wrapper (``DjangoGetter``) at every
level so that a model instance can be given as the answer. An answer already made of dicts does
not need it, and on a catalogue search of twenty programmes that wrapper took six tenths of the
request (docs/performance.md). ``Out`` is a plain pydantic model: the answer is still checked
against its schema, by pydantic's compiled core, and the API document is the same.
"""

from pydantic import BaseModel


class Out(BaseModel):
    pass
