"""People, their roles, the city's departments, and personal API tokens."""

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from manabiba.accounts.roles import STAFF_ROLES, Role
from manabiba.core.addresses import normalise_email
from manabiba.core.models import Area, TimeStampedModel, english_or


class Department(TimeStampedModel):
    """A city department (庁内各課) that runs programmes and answers consultations."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    division = models.CharField(_("division"), max_length=100, blank=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["division", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The department's name in the reader's language."""
        return english_or(self.name_en, self.name)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalise_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> "User":
        # Django's own login paths (the admin's, ModelBackend) find people by the same form of
        # the address as the site's login does.
        return self.get(email=normalise_email(username or ""))

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    class AgeBand(models.TextChoices):
        UNDER_20 = "under_20", _("under 20")
        TWENTIES = "20s", _("20s")
        THIRTIES = "30s", _("30s")
        FORTIES = "40s", _("40s")
        FIFTIES = "50s", _("50s")
        SIXTIES = "60s", _("60s")
        SEVENTIES = "70s", _("70s")
        EIGHTY_PLUS = "80_plus", _("80 or over")

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("name"), max_length=100, blank=True)
    full_name_kana = models.CharField(_("name in furigana"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    area = models.ForeignKey(Area, verbose_name=_("area you live in"), null=True, blank=True, on_delete=models.SET_NULL)
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, blank=True)
    lives_in_city = models.BooleanField(_("I live in the city"), default=False)
    works_in_city = models.BooleanField(_("I work in the city"), default=False)
    studies_in_city = models.BooleanField(_("I study in the city"), default=False)
    language = models.CharField(_("language for mail"), max_length=8, default="ja")
    # Staff only: the morning mail listing their overdue work (manabiba send_staff_digest).
    staff_digest = models.BooleanField(_("mail me a daily list of my overdue work"), default=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the Django admin"), default=False)
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    totp_secret = models.CharField(_("authenticator secret"), max_length=64, blank=True)
    totp_confirmed_at = models.DateTimeField(_("authenticator set up at"), null=True, blank=True)
    totp_required = models.BooleanField(_("second factor required"), default=False)
    # The last time step whose code let this person in: an older or equal one is a replay.
    totp_last_step = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    # Raised by "sign out everywhere": part of the session hash, so every existing session ends.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name or self.email

    @property
    def role_set(self) -> frozenset[str]:
        """The roles held, read once per request (every signed-in person is a resident too)."""
        cached: frozenset[str] | None = getattr(self, "_role_set_cache", None)
        if cached is None:
            cached = frozenset(self.role_grants.values_list("role", flat=True)) | {Role.RESIDENT.value}
            self._role_set_cache = cached
        return cached

    @property
    def is_city_staff(self) -> bool:
        return bool(self.role_set & STAFF_ROLES)

    @property
    def has_totp(self) -> bool:
        return self.totp_confirmed_at is not None

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django ties a session to the password hash (this overrides its method, which both
        # get_session_auth_hash and the SECRET_KEY_FALLBACKS check call); the generation ends
        # sessions without a new password. Generation 0 gives Django's own hash, so sessions from
        # before the field existed stay valid.
        if not self.session_generation:
            key_salt, value = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash", self.password
        else:
            key_salt, value = (
                "manabiba.accounts.User.get_session_auth_hash",
                f"{self.password}:{self.session_generation}",
            )
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()


class RoleGrant(TimeStampedModel):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("granted by")
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="accounts_rolegrant_unique")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()}"


class ApiToken(TimeStampedModel):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("starts with"), max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    # Chosen when the token is made; an expired token is refused like a revoked one.
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class DepartmentContact(TimeStampedModel):
    """A person a department names for community policy (地域施策の担当者): whom other departments call.

    Usually a staff account (then mail goes to the account's address, in its language), or a name
    with a shared office address when the post has no account of its own.
    """

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.CASCADE, related_name="contacts"
    )
    user = models.ForeignKey(
        User,
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="department_contacts",
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    extension = models.CharField(_("extension"), max_length=10, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    role_note = models.CharField(_("role"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("department contact")
        verbose_name_plural = _("department contacts")
        ordering = ["department", "sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(name=""),
                name="accounts_departmentcontact_user_or_name",
            ),
            models.UniqueConstraint(
                fields=["department", "user"],
                condition=models.Q(user__isnull=False),
                name="accounts_departmentcontact_user_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.display_name}"

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        return self.user.full_name or self.user.email if self.user is not None else ""

    @property
    def mail_address(self) -> str:
        """Where mail for this contact goes: the address given here, else the account's (if it is live)."""
        if self.email:
            return self.email
        if self.user is not None and self.user.is_active and self.user.anonymised_at is None:
            return self.user.email
        return ""

    @property
    def mail_language(self) -> str:
        """The account's language; a contact without an account gets the site's (empty)."""
        return self.user.language if self.user is not None else ""
