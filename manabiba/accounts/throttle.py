"""Login throttling in the shared cache, so every app server sees the same counts.

Failures are counted per e-mail address (locking that address for a while after too many)
and per client address (slowing down guessing across many accounts).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from manabiba.core.audit import audit_log


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"login:{kind}:{digest}"


def _increment(key: str, timeout: int) -> int:
    # add() then incr() is atomic on Redis and on the in-process cache alike.
    cache.add(key, 0, timeout)
    try:
        return int(cache.incr(key))
    except ValueError:
        cache.set(key, 1, timeout)
        return 1


def login_is_locked(*, email: str, ip: str | None) -> bool:
    if cache.get(_key("lock", email)):
        return True
    return bool(ip) and int(cache.get(_key("ip", ip or ""), 0)) >= settings.LOGIN_ATTEMPTS_PER_IP


def login_failure_record(*, email: str, ip: str | None) -> None:
    lockout = settings.LOGIN_LOCKOUT_SECONDS
    failures = _increment(_key("fail", email), lockout)
    if ip:
        _increment(_key("ip", ip), lockout)
    if failures >= settings.LOGIN_FAILURES_BEFORE_LOCKOUT and cache.add(_key("lock", email), 1, lockout):
        audit_log(action="accounts.login.locked", actor=None, data={"failures": failures})


def login_success_record(*, email: str) -> None:
    cache.delete_many([_key("fail", email), _key("lock", email)])
