"""What a signed-in session has proved: the password alone, or the password and the second factor.

Only the site's own login writes this (after the throttle and, for people who use one, the code),
so a door that checks it cannot be opened by a session made some other way.
"""

from django.http import HttpRequest

from manabiba.accounts.models import User

SECOND_FACTOR_KEY = "accounts.second_factor_passed"


def login_state_record(request: HttpRequest, *, second_factor: bool) -> None:
    request.session[SECOND_FACTOR_KEY] = second_factor


def second_factor_passed(request: HttpRequest) -> bool:
    return bool(request.session.get(SECOND_FACTOR_KEY, False))


def session_meets_second_factor(request: HttpRequest, user: User) -> bool:
    """A person with a second factor must have given it in this session."""
    return not user.has_totp or second_factor_passed(request)
