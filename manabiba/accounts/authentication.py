"""Who is asking: the one bearer-token class every API router uses, and the one password check
the web login and the API token endpoint share."""

from django.http import HttpRequest
from ninja.security import HttpBearer

from manabiba.accounts.models import User
from manabiba.accounts.services import api_token_authenticate
from manabiba.core.addresses import normalise_email


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``: the request acts as the token's owner, no more.

    A missing, unknown or revoked token gets django-ninja's 401 JSON answer on every router.
    """

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_authenticate(raw=token)
        if user is not None:
            request.user = user
        return user


token_auth = TokenAuth()


def user_by_credentials(*, email: str, password: str) -> User | None:
    """The account with this address and password, whether active or not; None otherwise.

    An address with no account costs one password hash too (as Django's ``ModelBackend`` does),
    so that how long the answer takes does not tell which addresses have accounts.
    """
    user = User.objects.filter(email=normalise_email(email), anonymised_at__isnull=True).first()
    if user is None:
        User().set_password(password)
        return None
    return user if user.check_password(password) else None
