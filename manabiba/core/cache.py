"""The shared cache on Redis, failing soft: while Redis is down the site is served uncached.

Everything the portal keeps in the cache can be rebuilt from the database: catalogue pages and
facets, the public page cache, the desk's status, and sessions (stored in the database with the
cache in front, ``cached_db``). So when Redis does not answer, a read is a miss and a write is
dropped, with one logged warning per outage and process, instead of every page answering 500.

Three details keep that safe and fast:

- After a failure this process does not ask Redis again for ``RETRY_AFTER`` seconds (default 5),
  so pages do not wait for a connect timeout on each cache call while Redis is away.
- Keys whose write or delete was dropped are deleted once Redis answers again (per process, up
  to ``PENDING_DELETES_MAX``): a session ended during the outage must not come back from an old
  copy in Redis, and no page of before the outage is served as if current.
- Counters cannot invent an answer: inside ``cache_failures_raise()`` (the rate limiter's) and for
  ``incr``/``decr``, a failure raises as Django's own backend does, and the caller falls back.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any, TypeVar, cast

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

T = TypeVar("T")

PENDING_DELETES_MAX = 10_000
# A cache call waits at most this long for Redis; a cache that is slower than that is no help.
SOCKET_TIMEOUT_SECONDS = 1.0

_raise_failures: ContextVar[bool] = ContextVar("manabiba_cache_failures_raise", default=False)


class CacheUnavailableError(RedisConnectionError):
    """Redis failed a moment ago, so it was not asked again (see ``RETRY_AFTER``)."""


@contextmanager
def cache_failures_raise() -> Iterator[None]:
    """Within this block the shared cache raises on failure instead of failing soft."""
    reset = _raise_failures.set(True)
    try:
        yield
    finally:
        _raise_failures.reset(reset)


class _Outage:
    """What this process knows about one Redis server: when to ask again, what to delete then."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.pending_deletes: set[str] = set()


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str) -> _Outage:
    # Django makes a cache object per thread; the state is the process's, per server.
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


class FailSoftRedisCache(RedisCache):
    """Django's Redis cache whose failures are cache misses (see the module's documentation)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = {
            "socket_connect_timeout": SOCKET_TIMEOUT_SECONDS,
            "socket_timeout": SOCKET_TIMEOUT_SECONDS,
            **params.get("OPTIONS", {}),
        }
        super().__init__(server, {**params, "OPTIONS": options})
        self._retry_after = float(params.get("RETRY_AFTER", 5))
        self._outage = _outage_for(str(server))

    def _call(self, operation: Callable[[], T], fallback: T, dropped_keys: Iterable[str] = ()) -> T:
        outage = self._outage
        strict = _raise_failures.get()
        if time.monotonic() < outage.down_until:
            self._remember(dropped_keys)
            if strict:
                raise CacheUnavailableError("the shared cache failed a moment ago")
            return fallback
        try:
            self._delete_pending()
            return operation()
        except RedisError as error:
            self._remember(dropped_keys)
            with outage.lock:
                outage.down_until = time.monotonic() + self._retry_after
            logger.warning(
                "The shared cache (Redis) failed (%s: %s); serving uncached and reading sessions "
                "from the database for the next %g seconds.",
                type(error).__name__,
                error,
                self._retry_after,
            )
            if strict:
                raise
            return fallback

    def _remember(self, keys: Iterable[str]) -> None:
        outage = self._outage
        with outage.lock:
            for key in keys:
                if len(outage.pending_deletes) >= PENDING_DELETES_MAX:
                    break
                outage.pending_deletes.add(key)

    def _delete_pending(self) -> None:
        outage = self._outage
        if not outage.pending_deletes:
            return
        with outage.lock:
            keys, outage.pending_deletes = list(outage.pending_deletes), set()
        try:
            # The keys are made already (prefix and version), so they go to the client as they are.
            cast(Any, self)._cache.delete_many(keys)
        except RedisError:
            self._remember(keys)
            raise
        logger.info("The shared cache answers again; %d keys written during the outage were deleted.", len(keys))

    def _key(self, key: str, version: int | None) -> str:
        return self.make_and_validate_key(key, version=version)

    def add(self, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call(partial(super().add, key, value, timeout, version), False, [self._key(key, version)])

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        return self._call(partial(super().get, key, default, version), default)

    def set(self, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._call(partial(super().set, key, value, timeout, version), None, [self._key(key, version)])

    def touch(self, key: str, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call(partial(super().touch, key, timeout, version), False, [self._key(key, version)])

    def delete(self, key: str, version: int | None = None) -> bool:
        return self._call(partial(super().delete, key, version), False, [self._key(key, version)])

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        return self._call(partial(super().get_many, keys, version), {})

    def has_key(self, key: str, version: int | None = None) -> bool:
        return self._call(partial(super().has_key, key, version), False)

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        with cache_failures_raise():
            return self._call(partial(super().incr, key, delta, version), 0, [self._key(key, version)])

    def set_many(
        self, data: dict[str, Any], timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[str]:
        made = [self._key(key, version) for key in data]
        return self._call(partial(super().set_many, data, timeout, version), list(data), made)

    def delete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        keys = list(keys)
        made = [self._key(key, version) for key in keys]
        self._call(partial(super().delete_many, keys, version), None, made)

    def clear(self) -> None:
        self._call(super().clear, None)
