"""Writes for accounts: sign-up, verification, profile, roles, tokens, second factor, deletion."""

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from manabiba.accounts.models import ApiToken, Department, DepartmentContact, RoleGrant, User
from manabiba.accounts.permissions import can_manage_department_contacts, has_permission
from manabiba.accounts.roles import STAFF_ROLES, Role
from manabiba.accounts.totp import totp_code_is_valid, totp_matching_step, totp_new_secret
from manabiba.core.addresses import normalise_email
from manabiba.core.audit import audit_log
from manabiba.core.mail import mail_send
from manabiba.core.models import AuditEntry
from manabiba.core.workspace import Severity, workspace_cards

VERIFY_SALT = "manabiba.accounts.verify-email"
VERIFY_MAX_AGE = 3 * 24 * 3600
TOKEN_PREFIX = "mnb_"  # noqa: S105 - a marker, not a secret

Actor = AbstractBaseUser | AnonymousUser | None


def mail_to_user(*, user: User, template: str, context: dict[str, Any]) -> None:
    """Queue a mail rendered in the recipient's language from ``<template>_subject.txt``/``_body.txt``."""
    mail_send(to=user.email, template=template, language=user.language, context={"user": user, **context})


def email_verification_token(user: User) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt=VERIFY_SALT)


def _send_verification(user: User) -> None:
    link = settings.SITE_URL + reverse("accounts:verify_email", args=[email_verification_token(user)])
    mail_to_user(user=user, template="accounts/mail/verify_email", context={"link": link})


@transaction.atomic
def user_signup(*, email: str, password: str, full_name: str, language: str) -> User | None:
    """Create an inactive account and mail the link that activates it.

    An address that already has an account gets a mail saying so instead, and the caller
    shows the same page either way, so the form does not reveal who has an account.
    """
    email = normalise_email(email)
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        if existing.anonymised_at is None:
            login = settings.SITE_URL + reverse("accounts:login")
            reset = settings.SITE_URL + reverse("accounts:password_reset")
            mail_to_user(
                user=existing, template="accounts/mail/already_registered", context={"login": login, "reset": reset}
            )
        return None
    user = User.objects.create_user(
        email=email, password=password, full_name=full_name.strip(), language=language, is_active=False
    )
    audit_log(action="accounts.user.signed_up", actor=None, target=user)
    _send_verification(user)
    return user


@transaction.atomic
def user_verify_email(*, token: str) -> User:
    """Activate the account the token was made for. Raises ValidationError for a bad link."""
    try:
        payload = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ValidationError(_("This link has expired. Log in to get a new one."), code="expired") from error
    except signing.BadSignature as error:
        raise ValidationError(_("This link is not valid."), code="invalid") from error
    user = (
        User.objects.select_for_update(of=("self",)).filter(pk=payload.get("user"), email=payload.get("email")).first()
    )
    if user is None or user.anonymised_at is not None:
        raise ValidationError(_("This link is not valid."), code="invalid")
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.is_active = True
        user.save(update_fields=["email_verified_at", "is_active"])
        audit_log(action="accounts.user.email_verified", actor=user, target=user)
    return user


def user_resend_verification(*, user: User) -> None:
    if user.email_verified_at is None and user.anonymised_at is None:
        _send_verification(user)


PROFILE_FIELDS = (
    "full_name",
    "full_name_kana",
    "phone",
    "area",
    "age_band",
    "lives_in_city",
    "works_in_city",
    "studies_in_city",
    "language",
    "staff_digest",
)


@transaction.atomic
def user_profile_update(*, user: User, **fields: Any) -> User:
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {sorted(unknown)}")
    changed = [name for name, value in fields.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, fields[name])
    if changed:
        user.save(update_fields=changed)
        audit_log(action="accounts.profile.updated", actor=user, target=user, data={"fields": sorted(changed)})
    return user


AccountEraser = Callable[[User], int]
_erasers: dict[str, AccountEraser] = {}


def account_erasure_register(name: str, erase: AccountEraser) -> None:
    """Let an app remove its copies of a person's data when their account is deleted.

    Apps above ``accounts`` call this from ``AppConfig.ready()``; ``erase(user)`` runs inside
    ``user_delete``'s transaction before the account is anonymised (so it can still match rows by
    user), returns how many rows it changed, and may raise ``ValidationError`` to refuse the
    deletion (everything is then rolled back).
    """
    _erasers[name] = erase


def account_eraser_names() -> set[str]:
    return set(_erasers)


@transaction.atomic
def user_delete(*, user: User, actor: Actor) -> None:
    """Close the account: remove what identifies the person, keep what the city's figures need.

    The row stays (anonymised) so that audit entries and, later, anonymous participation
    figures still refer to one person without saying who. Every registered eraser first removes
    the copies other apps keep (registrations, consultations, appointments, group messages).
    """
    erased = {name: erase(user) for name, erase in sorted(_erasers.items())}
    audit_log(action="accounts.user.deleted", actor=actor, target=user, data={"erased": erased})
    user.api_tokens.all().delete()
    user.role_grants.all().delete()
    kept = set(settings.ACCOUNT_DELETION_KEEPS)
    user.email = f"deleted-{user.pk}@deleted.invalid"
    for name in ("full_name", "full_name_kana", "phone", "totp_secret"):
        if name not in kept:
            setattr(user, name, "")
    user.totp_confirmed_at = None
    user.department = None
    user.is_active = user.is_staff = user.is_superuser = False
    user.anonymised_at = timezone.now()
    user.set_unusable_password()
    user.save()


def _require(actor: Actor, permission: str) -> None:
    if actor is None or not has_permission(actor, permission):
        raise PermissionDenied(permission)


@transaction.atomic
def role_grant(*, user: User, role: Role, actor: Actor) -> RoleGrant:
    _require(actor, "accounts.manage_roles")
    if role == Role.ADMINISTRATOR and not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("Only an administrator can make someone an administrator."))
    grant, created = RoleGrant.objects.get_or_create(
        user=user, role=role, defaults={"granted_by": actor if isinstance(actor, User) else None}
    )
    if role == Role.ADMINISTRATOR and not user.is_superuser:
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    if created:
        audit_log(action="accounts.role.granted", actor=actor, target=user, data={"role": role.value})
    return grant


# Roles a person earns by what they do on the portal (editing an approved group, joining the talent
# bank), granted by the system rather than by a coordinator. Staff roles are never earned.
EARNED_ROLES = frozenset({Role.GROUP_ORGANISER, Role.TALENT})


@transaction.atomic
def role_grant_earned(*, user: User, role: Role, reason: str) -> RoleGrant:
    """Grant a role the person has earned (``reason`` says how, for the audit log)."""
    if role not in EARNED_ROLES:
        raise PermissionDenied(_("Only a coordinator can give someone this role."))
    grant, created = RoleGrant.objects.get_or_create(user=user, role=role, defaults={"granted_by": None})
    if created:
        audit_log(action="accounts.role.granted", actor=None, target=user, data={"role": role.value, "reason": reason})
    return grant


@transaction.atomic
def role_revoke(*, user: User, role: Role, actor: Actor) -> None:
    _require(actor, "accounts.manage_roles")
    if role == Role.ADMINISTRATOR and not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("Only an administrator can remove an administrator."))
    deleted, _count = RoleGrant.objects.filter(user=user, role=role).delete()
    if role == Role.ADMINISTRATOR and user.is_superuser:
        user.is_staff = user.is_superuser = False
        user.save(update_fields=["is_staff", "is_superuser"])
    if deleted:
        audit_log(action="accounts.role.revoked", actor=actor, target=user, data={"role": role.value})


@transaction.atomic
def user_staff_settings_update(*, user: User, department: Department | None, totp_required: bool, actor: Actor) -> User:
    _require(actor, "accounts.manage_roles")
    changed: dict[str, object] = {}
    if user.department_id != (department.pk if department else None):
        changed["department"] = department.name if department else None
        user.department = department
    if user.totp_required != totp_required:
        changed["totp_required"] = totp_required
        user.totp_required = totp_required
    if changed:
        user.save(update_fields=["department", "totp_required"])
        audit_log(action="accounts.staff_settings.updated", actor=actor, target=user, data=changed)
    return user


@transaction.atomic
def department_create(*, name: str, division: str, name_en: str, phone: str, actor: Actor) -> Department:
    _require(actor, "accounts.manage_departments")
    department = Department.objects.create(name=name, division=division, name_en=name_en, phone=phone)
    audit_log(action="accounts.department.created", actor=actor, target=department, data={"name": name})
    return department


@transaction.atomic
def department_contact_save(
    *,
    department: Department,
    actor: Actor,
    contact: DepartmentContact | None = None,
    user: User | None = None,
    name: str = "",
    phone: str = "",
    extension: str = "",
    email: str = "",
    role_note: str = "",
    sort_order: int = 0,
) -> DepartmentContact:
    """Name a department's community-policy contact, or change one (the coordinator, or the department)."""
    if not can_manage_department_contacts(actor, department) or (
        contact is not None and contact.department_id != department.pk
    ):
        raise PermissionDenied(_("You may not change this department's contacts."))
    name, email = name.strip(), normalise_email(email) if email.strip() else ""
    if user is None and not name:
        raise ValidationError({"name": _("Give a name, or choose the staff member.")})
    if user is not None and (not user.is_active or user.anonymised_at is not None):
        raise ValidationError({"user": _("This account is closed.")})
    duplicate = DepartmentContact.objects.filter(department=department, user=user)
    if contact is not None:
        duplicate = duplicate.exclude(pk=contact.pk)
    if user is not None and duplicate.exists():
        raise ValidationError({"user": _("This person is already a contact of the department.")})
    values = {
        "name": name,
        "phone": phone.strip(),
        "extension": extension.strip(),
        "email": email,
        "role_note": role_note.strip(),
        "sort_order": sort_order,
    }
    if contact is None:
        contact = DepartmentContact.objects.create(department=department, user=user, **values)
        action, changed = "accounts.department_contact.added", sorted(values)
    else:
        changed = [key for key, value in values.items() if getattr(contact, key) != value]
        if contact.user_id != (user.pk if user else None):
            changed.append("user")
        contact.user = user
        for key, value in values.items():
            setattr(contact, key, value)
        contact.save()
        action = "accounts.department_contact.changed"
    audit_log(
        action=action,
        actor=actor,
        target=contact,
        data={"department": department.pk, "user": user.pk if user else None, "fields": changed},
    )
    return contact


@transaction.atomic
def department_contact_remove(*, contact: DepartmentContact, actor: Actor) -> None:
    if not can_manage_department_contacts(actor, contact.department):
        raise PermissionDenied(_("You may not change this department's contacts."))
    audit_log(
        action="accounts.department_contact.removed",
        actor=actor,
        target=contact,
        data={"department": contact.department_id, "user": contact.user_id},
    )
    contact.delete()


def department_contacts_erase(*, user: User) -> int:
    """A deleted account is no longer anyone's contact (the department names someone else)."""
    removed, _by_model = DepartmentContact.objects.filter(user=user).delete()
    return removed


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# The lifetimes offered on My page; the API takes any number of days up to the longest.
TOKEN_LIFETIME_DAYS = (30, 90, 365)
TOKEN_MAX_LIFETIME_DAYS = 3650


@transaction.atomic
def api_token_create(*, user: User, name: str, expires_in_days: int | None = None) -> IssuedToken:
    """Issue a personal token, valid for ``expires_in_days`` days or until revoked (None).

    The secret is returned once and never stored.
    """
    if expires_in_days is not None and not 1 <= expires_in_days <= TOKEN_MAX_LIFETIME_DAYS:
        raise ValidationError(_("A token can last from 1 to %(days)s days.") % {"days": TOKEN_MAX_LIFETIME_DAYS})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days is not None else None
    token = ApiToken.objects.create(
        user=user,
        name=name.strip() or _("API token"),
        prefix=raw[:12],
        digest=_digest(raw),
        expires_at=expires_at,
    )
    audit_log(
        action="accounts.api_token.created",
        actor=user,
        target=token,
        data={"name": token.name, "expires_in_days": expires_in_days},
    )
    return IssuedToken(token=token, secret=raw)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> None:
    if token.user_id != actor.pk:
        raise PermissionDenied(_("You can revoke only your own tokens."))
    audit_log(action="accounts.api_token.revoked", actor=actor, target=token, data={"name": token.name})
    token.delete()


def _api_tokens_revoke_all(*, user: User, actor: Actor, reason: str) -> int:
    """Revoke every token of the person (inside the caller's transaction); how many there were."""
    revoked, _by_model = user.api_tokens.all().delete()
    if revoked:
        audit_log(
            action="accounts.api_tokens.revoked_all",
            actor=actor,
            target=user,
            data={"count": revoked, "reason": reason},
        )
    return revoked


class NewPasswordReason(StrEnum):
    """Why a password was set, as recorded in the audit log."""

    CHANGED = "password_changed"
    RESET = "password_reset"


@transaction.atomic
def user_password_set(*, user: User, password: str, reason: NewPasswordReason) -> User:
    """Set a new password (the person's own change, or a reset by mailed link) and revoke every
    API token: whoever knew the old password may have made one. Other sessions end with the old
    password hash; the caller keeps the current one if it should stay signed in."""
    user.set_password(password)
    user.save(update_fields=["password"])
    revoked = _api_tokens_revoke_all(user=user, actor=user, reason=reason)
    audit_log(action=f"accounts.{reason}", actor=user, target=user, data={"api_tokens_revoked": revoked})
    return user


@transaction.atomic
def user_sign_out_everywhere(*, user: User, actor: Actor) -> int:
    """End every session of the person and revoke their API tokens; how many tokens went.

    Sessions end because the generation is part of the hash each session is checked against,
    so this works whichever session store is in use.
    """
    _require(actor, "accounts.end_sessions")
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    revoked = _api_tokens_revoke_all(user=user, actor=actor, reason="signed_out_everywhere")
    audit_log(action="accounts.signed_out_everywhere", actor=actor, target=user, data={"api_tokens_revoked": revoked})
    return revoked


def api_token_authenticate(*, raw: str) -> User | None:
    """The active owner of a presented token that has not expired, or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    try:
        # ``get`` (the digest is unique) orders by nothing: this read comes with every API request.
        token = ApiToken.objects.select_related("user").get(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now), digest=_digest(raw)
        )
    except ApiToken.DoesNotExist:
        return None
    if not token.user.is_active:
        return None
    # Write at most once a minute, so that busy integrations do not turn every read into a write.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def totp_setup_secret() -> str:
    """A new secret for the person to add to their authenticator app; in force once confirmed."""
    return totp_new_secret()


@transaction.atomic
def totp_enable(*, user: User, secret: str, code: str) -> None:
    step = totp_matching_step(secret=secret, code=code)
    if step is None:
        raise ValidationError(_("That code is not right. Check the time on your phone and try the current code."))
    user.totp_secret = secret
    user.totp_confirmed_at = timezone.now()
    user.totp_last_step = step  # the code that turned it on cannot then be used to log in
    user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])
    audit_log(action="accounts.totp.enabled", actor=user, target=user)


def totp_login_check(*, user: User, code: str) -> bool:
    """Accept a login code once: the step is recorded with a conditional UPDATE, so the same
    code cannot be used twice, not even by two requests at the same moment."""
    step = totp_matching_step(secret=user.totp_secret, code=code)
    if step is None:
        return False
    accepted = (
        User.objects.filter(pk=user.pk)
        .filter(Q(totp_last_step__isnull=True) | Q(totp_last_step__lt=step))
        .update(totp_last_step=step)
    )
    return accepted == 1


@transaction.atomic
def totp_disable(*, user: User, code: str) -> None:
    if user.totp_required:
        raise ValidationError(_("Your role requires a second factor, so it cannot be turned off."))
    if not totp_code_is_valid(secret=user.totp_secret, code=code):
        raise ValidationError(_("That code is not right."))
    user.totp_secret = ""
    user.totp_confirmed_at = None
    user.save(update_fields=["totp_secret", "totp_confirmed_at"])
    audit_log(action="accounts.totp.disabled", actor=user, target=user)


def staff_digest_send(*, now: datetime | None = None) -> int:
    """Mail each member of staff who has not opted out the overdue cards of their workspace.

    Run daily by a timer (``manabiba send_staff_digest``). The cards are counted as the person
    would see them (their role and department) and written in their language; nobody with
    nothing overdue is mailed, nor anyone mailed already today. Returns how many mails were queued.
    """
    now = now or timezone.now()
    people = (
        User.objects.filter(
            is_active=True, anonymised_at=None, staff_digest=True, role_grants__role__in=list(STAFF_ROLES)
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    # At most one digest a day each, so a timer that runs twice mails nobody twice.
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    already = set(
        AuditEntry.objects.filter(
            action="accounts.staff_digest.sent", target_type=User._meta.label_lower, created_at__gte=midnight
        ).values_list("target_id", flat=True)
    )
    sent = 0
    for person in people:
        if str(person.pk) in already:
            continue
        with translation.override(person.language or settings.LANGUAGE_CODE):
            overdue = [
                found
                for found in workspace_cards(user=person, now=now)
                if found.severity == Severity.OVERDUE and found.count
            ]
        if not overdue:
            continue
        with transaction.atomic():
            mail_to_user(user=person, template="accounts/mail/staff_digest", context={"cards": overdue})
            audit_log(
                action="accounts.staff_digest.sent",
                actor=None,
                target=person,
                data={"cards": {found.key: found.count for found in overdue}},
            )
        sent += 1
    return sent
