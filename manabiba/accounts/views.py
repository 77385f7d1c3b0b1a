"""Public account pages: sign-up, login, My page, tokens, second factor, export and deletion."""

import json
import time
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manabiba.accounts import forms, selectors, services, throttle
from manabiba.accounts.authentication import user_by_credentials
from manabiba.accounts.login_state import login_state_record
from manabiba.accounts.models import ApiToken, User
from manabiba.accounts.permissions import has_permission
from manabiba.accounts.roles import Role
from manabiba.accounts.totp import totp_provisioning_uri
from manabiba.core.addresses import normalise_email
from manabiba.core.audit import audit_log
from manabiba.core.http import safe_next

PENDING_LOGIN_KEY = "accounts.pending_login"
PENDING_LOGIN_SECONDS = 300
PENDING_TOTP_KEY = "accounts.pending_totp_secret"


def _signed_in_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _next_url(request: HttpRequest) -> str:
    return safe_next(request, reverse("accounts:profile"))


def landing_url(request: HttpRequest, user: User) -> str:
    """Where a login ends: the ``next`` asked for, else staff's workspace, else My page."""
    if has_permission(user, "staff.access_workspace"):
        return safe_next(request, reverse("staff:dashboard"))
    return _next_url(request)


def _complete_login(request: HttpRequest, user: User, *, second_factor: bool) -> HttpResponse:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    login_state_record(request, second_factor=second_factor)
    audit_log(action="accounts.user.logged_in", actor=user, target=user)
    return HttpResponseRedirect(landing_url(request, user))


def signup(request: HttpRequest) -> HttpResponse:
    form = forms.SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_signup(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            full_name=form.cleaned_data["full_name"],
            language=(get_language() or "ja")[:2],
        )
        return render(request, "accounts/signup_done.html", {"email": form.cleaned_data["email"]})
    return render(request, "accounts/signup.html", {"form": form})


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        services.user_verify_email(token=token)
    except ValidationError as error:
        return render(request, "accounts/verify_failed.html", {"reason": error.messages[0]}, status=400)
    messages.success(request, _("Your e-mail address is confirmed. You can now log in."))
    return redirect("accounts:login")


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return HttpResponseRedirect(_next_url(request))
    form = forms.LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = normalise_email(form.cleaned_data["email"])
        password = form.cleaned_data["password"]
        ip = request.META.get("REMOTE_ADDR")
        if throttle.login_is_locked(email=email, ip=ip):
            form.add_error(
                None,
                _(
                    "Too many failed attempts. For your safety, logging in is paused for a while. "
                    "Please try again in 15 minutes, or reset your password."
                ),
            )
        else:
            user = user_by_credentials(email=email, password=password)
            if user is not None and user.is_active:
                throttle.login_success_record(email=email)
                if user.has_totp:
                    request.session[PENDING_LOGIN_KEY] = {"user": user.pk, "at": time.time()}
                    verify = reverse("accounts:login_verify")
                    # Only a ``next`` the person asked for travels on; otherwise the landing is decided after the code.
                    asked = safe_next(request, "")
                    return redirect(f"{verify}?{urlencode({'next': asked})}" if asked else verify)
                return _complete_login(request, user, second_factor=False)
            if user is not None and user.email_verified_at is None:
                services.user_resend_verification(user=user)
                form.add_error(
                    None,
                    _("Please confirm your e-mail address first. We have sent the confirmation link again."),
                )
            else:
                throttle.login_failure_record(email=email, ip=ip)
                form.add_error(None, _("The e-mail address or the password is not right."))
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


def login_verify(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_LOGIN_KEY)
    if not pending or time.time() - pending["at"] > PENDING_LOGIN_SECONDS:
        request.session.pop(PENDING_LOGIN_KEY, None)
        messages.info(request, _("Please log in again."))
        return redirect("accounts:login")
    user = get_object_or_404(User, pk=pending["user"], is_active=True)
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip = request.META.get("REMOTE_ADDR")
        if throttle.login_is_locked(email=user.email, ip=ip):
            form.add_error(None, _("Too many failed attempts. Please try again in 15 minutes."))
        elif services.totp_login_check(user=user, code=form.cleaned_data["code"]):
            request.session.pop(PENDING_LOGIN_KEY, None)
            return _complete_login(request, user, second_factor=True)
        else:
            throttle.login_failure_record(email=user.email, ip=ip)
            form.add_error("code", _("That code is not right."))
    return render(request, "accounts/login_verify.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You have logged out."))
    return redirect("web:home")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    return render(
        request,
        "accounts/profile.html",
        {
            "profile_user": user,
            "tokens": selectors.api_tokens_of(user),
            "token_form": forms.TokenCreateForm(),
            "roles": [label for value, label in Role.choices if value in user.role_set],
        },
    )


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    form = forms.ProfileForm(request.POST or None, instance=User.objects.get(pk=user.pk))
    if request.method == "POST" and form.is_valid():
        services.user_profile_update(
            user=user,
            **{name: form.cleaned_data[name] for name in services.PROFILE_FIELDS if name in form.cleaned_data},
        )
        messages.success(request, _("Your profile is saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile_edit.html", {"form": form})


@login_required
def profile_export(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    audit_log(action="accounts.personal_data.exported", actor=user, target=user)
    data = selectors.user_export_data(user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="manabiba-my-data-{stamp}.json"'
    return response


@login_required
def profile_delete(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    form = forms.DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_delete(user=user, actor=user)
        except ValidationError as error:
            # Another part of the portal refuses, e.g. the person still owns a community group.
            form.add_error(None, error)
        else:
            logout(request)
            return render(request, "accounts/deleted.html")
    return render(request, "accounts/profile_delete.html", {"form": form})


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    form = forms.TokenCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please say what the token is for."))
        return redirect("accounts:profile")
    issued = services.api_token_create(
        user=user, name=form.cleaned_data["name"], expires_in_days=form.cleaned_data["expires_in_days"]
    )
    return render(request, "accounts/token_created.html", {"issued": issued})


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = _signed_in_user(request)
    token = get_object_or_404(ApiToken, pk=token_id, user=user)
    services.api_token_revoke(token=token, actor=user)
    messages.success(request, _("The token is revoked. Programs using it can no longer sign in."))
    return redirect("accounts:profile")


@login_required
def totp_setup(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    if user.has_totp:
        disable_form = forms.CodeForm(request.POST or None)
        if request.method == "POST" and disable_form.is_valid():
            try:
                services.totp_disable(user=user, code=disable_form.cleaned_data["code"])
            except ValidationError as error:
                disable_form.add_error("code", error)
            else:
                messages.success(request, _("The second factor is turned off."))
                return redirect("accounts:profile")
        return render(request, "accounts/totp_enabled.html", {"form": disable_form})
    secret = request.session.get(PENDING_TOTP_KEY) or services.totp_setup_secret()
    request.session[PENDING_TOTP_KEY] = secret
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_enable(user=user, secret=secret, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            request.session.pop(PENDING_TOTP_KEY, None)
            # The code just given proves the second factor for this session too.
            login_state_record(request, second_factor=True)
            messages.success(request, _("The second factor is on. You will be asked for a code when you log in."))
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/totp_setup.html",
        {
            "form": form,
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "uri": totp_provisioning_uri(secret=secret, email=user.email),
        },
    )
