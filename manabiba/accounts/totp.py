"""Time-based one-time passwords (RFC 6238) for staff who use a second factor."""

import hmac
from datetime import UTC, datetime

import pyotp

ISSUER = "Manabiba"


def totp_new_secret() -> str:
    return str(pyotp.random_base32())


def totp_provisioning_uri(*, secret: str, email: str) -> str:
    return str(pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER))


def totp_matching_step(*, secret: str, code: str, now: datetime | None = None) -> int | None:
    """The time step (30-second counter) whose code ``code`` is, or None.

    One step either side forgives a phone clock that is a little off. Knowing the step lets
    a login refuse a code that was used already (a replay).
    """
    code = "".join(ch for ch in code if ch.isdigit())
    if not secret or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = int(totp.timecode(now or datetime.now(tz=UTC)))
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(str(totp.generate_otp(step)), code):
            return step
    return None


def totp_code_is_valid(*, secret: str, code: str) -> bool:
    return totp_matching_step(secret=secret, code=code) is not None
