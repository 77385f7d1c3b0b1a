"""The Django admin without a door of its own.

Django's admin has its own login form, which knows nothing of the site's login throttle or second
factor. Here signing in always goes through the site's login page, and the admin opens only to a
session that passed it in full: with the code, for a person who uses one.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from manabiba.accounts.login_state import session_meets_second_factor
from manabiba.accounts.models import User
from manabiba.accounts.selectors import totp_is_required
from manabiba.core.http import safe_next


class SiteAdmin(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not super().has_permission(request) or not isinstance(user, User):
            return False
        if totp_is_required(user) and not user.has_totp:
            return False
        return session_meets_second_factor(request, user)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        index = reverse("admin:index", current_app=self.name)
        next_url = safe_next(request, index)
        user = request.user
        if not isinstance(user, User) or not user.is_authenticated:
            return redirect_to_login(next_url, reverse("accounts:login"))
        if self.has_permission(request):
            return redirect(next_url)
        if totp_is_required(user) and not user.has_totp:
            messages.warning(request, _("Your role requires a second factor. Please set it up to continue."))
            return redirect("accounts:totp_setup")
        if user.has_totp and not session_meets_second_factor(request, user):
            # A session from before the second factor was turned on: it must log in again to give
            # the code (logged out first, or the login page would send it straight back here).
            logout(request)
            messages.info(request, _("Please log in again with your second factor to open the admin."))
            return redirect_to_login(next_url, reverse("accounts:login"))
        raise PermissionDenied(_("Only administrators may open the admin."))
