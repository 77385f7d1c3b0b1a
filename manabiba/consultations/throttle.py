"""Guests' questions are limited per client address and per e-mail address, in the shared cache:
each one mails a confirmation link, and the form must not become a way to mail strangers.
Signed-in residents are limited per account and day, so one account cannot flood the desk's queue."""

import hashlib

from django.core.cache import cache

from manabiba.consultations.conf import setting

HOUR = 60 * 60
DAY = 24 * HOUR


def _key(kind: str, value: str) -> str:
    return "consultations:ask:" + kind + ":" + hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def _count(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout)
    try:
        return int(cache.incr(key))
    except ValueError:
        cache.set(key, 1, timeout)
        return 1


def guest_ask_allowed(*, ip: str | None, email: str) -> bool:
    """Count one guest question; False once the address or the mailbox has asked too often."""
    per_ip = int(setting("CONSULTATIONS_GUEST_ASKS_PER_HOUR", "10"))
    per_email = int(setting("CONSULTATIONS_GUEST_ASKS_PER_EMAIL_PER_DAY", "5"))
    ok = True
    if ip:
        ok = _count(_key("ip", ip), HOUR) <= per_ip
    if email:
        ok = _count(_key("email", email), DAY) <= per_email and ok
    return ok


def resident_ask_allowed(*, user_id: int) -> bool:
    """Count one question by a signed-in resident; False once they have asked too often today."""
    per_day = int(setting("CONSULTATIONS_RESIDENT_ASKS_PER_DAY", "20"))
    return _count(_key("user", str(user_id)), DAY) <= per_day
