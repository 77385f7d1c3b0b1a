"""Guests' questions are limited per client address, per e-mail address and per phone number
(``core.ratelimit``): each one mails a confirmation link, and the form must not become a way to mail
strangers; one asked for a call reaches the staff at once, so it must not become a way to flood them.
Signed-in residents are limited per account and day, so one account cannot flood the desk's queue."""

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

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
    # Full-width digits (０４２…) are the same number: folded before counting, not dropped.
    digits = re.sub(r"[^0-9]", "", unicodedata.normalize("NFKC", phone))
    if digits:
        per_phone = RateLimit("consultations:ask:phone", settings.CONSULTATIONS_GUEST_ASKS_PER_PHONE_PER_DAY, DAY)
        hits.append((per_phone, digits))
    return allow_all(hits)


def resident_ask_allowed(*, user_id: int) -> bool:
    """Count one question by a signed-in resident; False once they have asked too often today."""
    per_day = settings.CONSULTATIONS_RESIDENT_ASKS_PER_DAY
    return RateLimit("consultations:ask:user", per_day, DAY).allow(str(user_id))


def ask_refusal(data: Mapping[str, Any], *, resident_id: int | None, ip: str | None) -> str | None:
    """Count one question (``data``: what the ask form cleaned), by a resident or a guest; why it may
    not be sent now, in the asker's language, or None. The one check of the ask page and the API."""
    if resident_id is None:
        if not guest_ask_allowed(ip=ip, email=data.get("email", ""), phone=data.get("phone", "")):
            return _("Too many questions from here. Please try again later, or call the desk.")
    elif not resident_ask_allowed(user_id=resident_id):
        return _("You have asked many questions today. Please try again tomorrow, or call the desk.")
    return None
