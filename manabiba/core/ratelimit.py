"""The one rate limiter: fixed windows counted in the shared cache, so every app server sees the same counts.

Login and the API token endpoint (failures per address and per client), residents' and guests'
questions, the group contact form and abuse reports all count through ``RateLimit``. Without
``REDIS_URL`` the cache is in-process and so are the counts (a deploy check warns of it).

If the shared cache fails (Redis down), counting goes on in this process with a logged warning:
limits become per process for a while instead of every page answering 500.
"""

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache

from manabiba.core.cache import cache_failures_raise

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Where counts go while the shared cache is failing; per process, bounded in size.
_fallback = LocMemCache("manabiba-ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


def _guarded(operation: Callable[[BaseCache], T]) -> T:
    try:
        # A count is not something to guess: the shared cache must say it failed (core.cache).
        with cache_failures_raise():
            return operation(cache)
    except Exception as error:  # noqa: BLE001 - any failure of the cache backend, whose errors are its own
        logger.warning(
            "The shared cache failed (%s); rate limits are counted in this process until it is back.",
            type(error).__name__,
        )
        return operation(_fallback)


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` hits per ``window`` seconds for each value (an address, an account, a
    client address), in fixed windows that start at a value's first hit. Values are stored hashed."""

    scope: str
    limit: int
    window: int

    def key(self, value: str) -> str:
        return f"ratelimit:{self.scope}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"

    def hit(self, value: str) -> int:
        """Count one hit; the count in the current window, this hit included."""
        key = self.key(value)

        def count_one(backend: BaseCache) -> int:
            # add() then incr() are each atomic on Redis and in-process, so concurrent hits are not
            # lost. The race: the key can expire between them, and Redis's INCR then makes a new key
            # at 1 *without* an expiry. Touching the key whenever the count is 1 gives it its window
            # back; at worst two hits at that instant both read 1, letting one extra hit through at
            # a window's edge. (In-process, incr on a missing key raises ValueError instead.)
            backend.add(key, 0, self.window)
            try:
                count = int(backend.incr(key))
            except ValueError:
                backend.set(key, 1, self.window)
                return 1
            if count == 1:
                backend.touch(key, self.window)
            return count

        return _guarded(count_one)

    def allow(self, value: str) -> bool:
        """Count one hit; False once the value has passed its limit in this window."""
        return self.hit(value) <= self.limit

    def count(self, value: str) -> int:
        """The hits counted in the current window, without counting one."""
        key = self.key(value)
        return int(_guarded(lambda backend: backend.get(key, 0)))

    def reached(self, value: str) -> bool:
        """Whether the value has used up its limit, without counting a hit."""
        return self.count(value) >= self.limit

    def reset(self, value: str) -> None:
        key = self.key(value)
        _guarded(lambda backend: backend.delete(key))


def allow_all(hits: Iterable[tuple[RateLimit, str]]) -> bool:
    """Count one hit on every (limit, value); False if any has passed its limit.

    Every one is counted, even after one refuses, so that going on with another value (another
    address from the same client) does not escape the count.
    """
    allowed = True
    for limit, value in hits:
        allowed = limit.allow(value) and allowed
    return allowed
