"""Guests' questions are limited per client address, per e-mail address and per phone number
(``core.ratelimit``): each one mails a confirmation link, and the form must not become a way to mail
strangers; one asked for a call reaches the staff at once, so it must not become a way to flood them.
Signed-in residents are limited per account and day, so one account cannot flood the desk's queue."""

import re

from django.conf import settings

from manabiba.core.addresses import normalise_email
from manabiba.core.ratelimit import RateLimit, allow_all

HOUR = 60 * 60
DAY = 24 * HOUR


def guest_ask_allowed(*, ip: str | None, email: str, phone: str = "") -> bool:
    """Count one guest question; False once the address, the mailbox or the phone number has asked too often."""
    per_ip = RateLimit("consultations:ask:ip", settings.CONSULTATIONS_GUEST_ASKS_PER_HOUR, HOUR)
    per_email = RateLimit("consultations:ask:email", settings.CONSULTATIONS_GUEST_ASKS_PER_EMAIL_PER_DAY, DAY)
    hits: list[tuple[RateLimit, str]] = [(per_ip, ip)] if ip else []
    if email:
        hits.append((per_email, normalise_email(email)))
    digits = re.sub(r"[^0-9]", "", phone)
    if digits:
        per_phone = RateLimit("consultations:ask:phone", settings.CONSULTATIONS_GUEST_ASKS_PER_PHONE_PER_DAY, DAY)
        hits.append((per_phone, digits))
    return allow_all(hits)


def resident_ask_allowed(*, user_id: int) -> bool:
    """Count one question by a signed-in resident; False once they have asked too often today."""
    per_day = settings.CONSULTATIONS_RESIDENT_ASKS_PER_DAY
    return RateLimit("consultations:ask:user", per_day, DAY).allow(str(user_id))
