"""Deploy checks of our own, shown by ``manabiba check --deploy``."""

from typing import Any

from django.conf import settings
from django.core import checks

# Caches whose contents each process keeps to itself.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(deploy=True)
def rate_limits_are_shared(**kwargs: Any) -> list[checks.CheckMessage]:
    """Login lockouts and the other rate limits count in the cache: an in-process cache gives
    each app process its own counts, so N processes allow N times the limit."""
    if settings.CACHES["default"]["BACKEND"] not in PER_PROCESS_CACHES:
        return []
    return [
        checks.Warning(
            "Rate limits and login lockouts are counted per process: the cache is in-process.",
            hint="Set REDIS_URL so that every app process shares one count (see docs/operations.md).",
            id="manabiba.W001",
        )
    ]
