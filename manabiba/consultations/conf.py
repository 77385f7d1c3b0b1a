"""Left only for ``consultations/throttle.py``, which the shared rate limiter replaces.

Every consultations setting is declared in ``manabiba/config/settings.py`` (documented in
docs/operations.md) and read as ``settings.CONSULTATIONS_…``; ``default`` is ignored.
"""

from typing import Any

from django.conf import settings


def setting(name: str, default: str = "") -> Any:
    return getattr(settings, name)
