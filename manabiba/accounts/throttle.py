"""Login throttling, for the web login and the API token endpoint alike (``core.ratelimit``).

Failures are counted per e-mail address (locking that address for a while after too many)
and per client address (slowing down guessing across many accounts). Addresses are counted in
their normal form, so a look-alike of an address (``ı`` for ``i``, full-width letters) shares
its counter.
"""

from django.conf import settings

from manabiba.core.addresses import normalise_email
from manabiba.core.audit import audit_log
from manabiba.core.ratelimit import RateLimit


def _failures() -> RateLimit:
    return RateLimit("login:fail", settings.LOGIN_FAILURES_BEFORE_LOCKOUT, settings.LOGIN_LOCKOUT_SECONDS)


def _lock() -> RateLimit:
    return RateLimit("login:lock", 1, settings.LOGIN_LOCKOUT_SECONDS)


def _per_ip() -> RateLimit:
    return RateLimit("login:ip", settings.LOGIN_ATTEMPTS_PER_IP, settings.LOGIN_LOCKOUT_SECONDS)


def login_is_locked(*, email: str, ip: str | None) -> bool:
    if _lock().reached(normalise_email(email)):
        return True
    return bool(ip) and _per_ip().reached(ip or "")


def login_failure_record(*, email: str, ip: str | None) -> None:
    email = normalise_email(email)
    failures = _failures().hit(email)
    if ip:
        _per_ip().hit(ip)
    # The lock's first hit is the moment the address locks: audited once per lockout.
    if failures >= settings.LOGIN_FAILURES_BEFORE_LOCKOUT and _lock().hit(email) == 1:
        audit_log(action="accounts.login.locked", actor=None, data={"failures": failures})


def login_success_record(*, email: str) -> None:
    email = normalise_email(email)
    _failures().reset(email)
    _lock().reset(email)
