"""Guards for views: named permissions, and the second factor staff may be required to use."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.accounts.permissions import has_permission
from manabiba.accounts.selectors import totp_is_required

View = TypeVar("View", bound=Callable[..., HttpResponse])


def _second_factor_missing(request: HttpRequest, user: User) -> HttpResponse | None:
    """To the second factor's setup when the person's role requires one they do not have yet."""
    if totp_is_required(user) and not user.has_totp:
        messages.warning(request, _("Your role requires a second factor. Please set it up to continue."))
        return redirect("accounts:totp_setup")
    return None


def permission_required(permission: str) -> Callable[[View], View]:
    """Declare the named permission a view needs: login first, then 403 without it.

    A person whose role requires a second factor is sent to set it up before going on.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_permission(user, permission):
                raise PermissionDenied(permission)
            assert isinstance(user, User)
            return _second_factor_missing(request, user) or view(request, *args, **kwargs)

        wrapped.permission = permission  # type: ignore[attr-defined]
        return cast(View, wrapped)

    return decorate


def second_factor_required(view: View) -> View:
    """Signed in (else to the login page), with a second factor where the role requires one.

    For pages whose permission depends on the object shown, which the view then checks itself
    (``PermissionDenied`` → 403).
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        assert isinstance(user, User)
        return _second_factor_missing(request, user) or view(request, *args, **kwargs)

    return cast(View, wrapped)
