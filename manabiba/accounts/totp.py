"""Time-based one-time passwords (RFC 6238) for staff who use a second factor."""

import pyotp

ISSUER = "Manabiba"


def totp_new_secret() -> str:
    return str(pyotp.random_base32())


def totp_provisioning_uri(*, secret: str, email: str) -> str:
    return str(pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER))


def totp_code_is_valid(*, secret: str, code: str) -> bool:
    code = "".join(ch for ch in code if ch.isdigit())
    if not secret or len(code) != 6:
        return False
    # One step either side forgives a phone clock that is a little off.
    return bool(pyotp.TOTP(secret).verify(code, valid_window=1))
