"""Person tokens: who a registration is, for counting different people and for nothing else.

A token is an HMAC-SHA256 of the person's key under the secret salt of the programme's fiscal
year (``FiscalYearSalt``), so:

- the same person's registrations in one fiscal year have the same token (counted once);
- tokens of different years are made under different salts and cannot be matched;
- while the salt exists, a token can be linked back to a person only by recomputing it from the
  salt and the account (what the registrations themselves show anyway); once the salt is destroyed
  (the year over and purged) no one can.

Pure functions (no models), so the data migration computes the same tokens as the services.
"""

import hashlib
import hmac
import re
import secrets
import unicodedata
from datetime import datetime

from django.utils import timezone

from manabiba.core.addresses import normalise_email
from manabiba.core.figures import fiscal_year_of

TOKEN_CHARS = 32  # 128 bits of the HMAC, in hex


def new_salt() -> str:
    return secrets.token_hex(32)


def person_key(*, user_id: int | None, email: str, phone: str, registration_id: int | None) -> str:
    """The person: the account; without one (the desk, a group) the e-mail address, else the phone
    number; with neither, the registration itself (one person per registration)."""
    if user_id is not None:
        return f"user:{user_id}"
    if email.strip():
        return f"email:{normalise_email(email)}"
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone))
    if digits:
        return f"phone:{digits}"
    return f"registration:{registration_id}" if registration_id is not None else f"unknown:{secrets.token_hex(16)}"


def person_token(salt: str, key: str) -> str:
    return hmac.new(salt.encode(), key.encode(), hashlib.sha256).hexdigest()[:TOKEN_CHARS]


def unlinked_token() -> str:
    """A token no one can compute from anything (an erased account's, a year whose salt is gone)."""
    return secrets.token_hex(TOKEN_CHARS // 2)


def token_fiscal_year(first_starts_at: datetime | None) -> int | None:
    """The fiscal year a registration is counted in: its programme's first session's (April–March)."""
    if first_starts_at is None:
        return None
    return fiscal_year_of(timezone.localtime(first_starts_at).date()).year
