"""Reads for accounts."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Model, Prefetch, Q, QuerySet

from manabiba.accounts.models import ApiToken, Department, DepartmentContact, User
from manabiba.core.addresses import normalise_email
from manabiba.core.audit import AuditTarget, audit_action_text, audit_targets_describe
from manabiba.core.models import AuditEntry, OutboxMessage


def totp_is_required(user: User) -> bool:
    return user.totp_required or (user.is_city_staff and settings.STAFF_REQUIRE_TOTP)


def people_search(*, query: str = "") -> QuerySet[User]:
    people = User.objects.filter(anonymised_at__isnull=True).select_related("department", "area")
    people = people.prefetch_related("role_grants")
    query = query.strip()
    if query:
        people = people.filter(
            Q(email__icontains=query) | Q(full_name__icontains=query) | Q(full_name_kana__icontains=query)
        )
    return people.order_by("full_name_kana", "email")


def people_with_role(role: str) -> QuerySet[User]:
    """Active, reachable people holding ``role`` (the coordinators to tell of a submission, say)."""
    return (
        User.objects.filter(is_active=True, anonymised_at=None, role_grants__role=role)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def department_staff(department: Department) -> QuerySet[User]:
    """The department's staff who handle its work (the fallback when it has named no contacts)."""
    return people_with_role("department_staff").filter(department=department)


def department_contacts(department: Department) -> QuerySet[DepartmentContact]:
    """The community-policy contacts a department names, in its own order (the directory's rows)."""
    return DepartmentContact.objects.filter(department=department).select_related("user").order_by("sort_order", "pk")


def department_contacts_by_department(department_ids: Iterable[int | None]) -> dict[int, list[DepartmentContact]]:
    """The contacts of several departments at once, in one query (lists beside programmes, clashes)."""
    found: dict[int, list[DepartmentContact]] = {}
    ids = {pk for pk in department_ids if pk is not None}
    if not ids:
        return found
    for contact in (
        DepartmentContact.objects.filter(department_id__in=ids).select_related("user").order_by("sort_order", "pk")
    ):
        found.setdefault(contact.department_id, []).append(contact)
    return found


def department_directory() -> QuerySet[Department]:
    """Every active department with its contacts: the staff directory."""
    return department_list().prefetch_related(
        Prefetch("contacts", queryset=DepartmentContact.objects.select_related("user").order_by("sort_order", "pk"))
    )


@dataclass(frozen=True)
class ContactAddress:
    """One address to mail about a department's work, with the language to write in and whom to greet."""

    email: str
    language: str
    name: str
    user_id: int | None


def department_addresses(department: Department, *, exclude: User | None = None) -> list[ContactAddress]:
    """Whom to tell of work for a department with nobody named: its named contacts, else its staff.

    ``exclude`` is the person acting (they know already). Each address is given once.
    """
    addresses: list[ContactAddress] = []
    contacts = list(department_contacts(department))
    if contacts:
        for contact in contacts:
            if exclude is not None and contact.user_id == exclude.pk:
                continue
            if contact.mail_address:
                addresses.append(
                    ContactAddress(contact.mail_address, contact.mail_language, contact.display_name, contact.user_id)
                )
    else:
        staff = department_staff(department)
        if exclude is not None:
            staff = staff.exclude(pk=exclude.pk)
        addresses = [ContactAddress(u.email, u.language, u.full_name, u.pk) for u in staff]
    unique: dict[str, ContactAddress] = {}
    for address in addresses:
        unique.setdefault(normalise_email(address.email), address)
    return list(unique.values())


def department_list() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).order_by("division", "name")


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def outbox_failed() -> QuerySet[OutboxMessage]:
    """Mail that gave up after every retry, the most recent first: someone was not told."""
    return OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).order_by("-updated_at", "-pk")


def audit_recent(*, action_prefix: str = "", limit: int = 200) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.select_related("actor")
    if action_prefix:
        entries = entries.filter(action__startswith=action_prefix)
    return entries.order_by("-created_at", "-id")[:limit]


@dataclass(frozen=True)
class AuditRow:
    """One line of the audit log page: the entry, what its code means, and its object named and linked."""

    entry: AuditEntry
    description: str
    target: AuditTarget | None


def audit_rows(*, action_prefix: str = "", limit: int = 200) -> list[AuditRow]:
    """The latest entries, each with its description (the apps' registry) and its object by name."""
    entries = list(audit_recent(action_prefix=action_prefix, limit=limit))
    targets = audit_targets_describe(entries)
    return [
        AuditRow(
            entry=entry,
            description=audit_action_text(entry.action),
            target=targets.get((entry.target_type, entry.target_id)),
        )
        for entry in entries
    ]


PersonalDataExporter = Callable[[User], Any]
_exporters: dict[str, PersonalDataExporter] = {}


def personal_data_export_register(name: str, export: PersonalDataExporter) -> None:
    """Let an app add what it holds about a person to their download (My page → "Download my data").

    Apps call this from ``AppConfig.ready()`` with the name of their eraser
    (``services.account_erasure_register``): what deleting the account removes, the person can see
    first, and a test holds the two registries to the same names. ``export(user)`` returns data
    ready for JSON (``personal_rows`` makes rows of model objects so), put under ``name``.
    """
    _exporters[name] = export


def personal_data_exporters() -> dict[str, PersonalDataExporter]:
    return dict(_exporters)


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Model):
        return str(value)
    return value


def personal_rows(rows: Iterable[Model], fields: Sequence[str | tuple[str, str]]) -> list[dict[str, Any]]:
    """Rows as the person's download gives them: each field by its name, or ``(name, path)`` where
    ``path`` follows relations (``"department__name"``); a related object is written as its name,
    dates as ISO 8601."""
    written = []
    for row in rows:
        item: dict[str, Any] = {}
        for field in fields:
            name, path = (field, field) if isinstance(field, str) else field
            value: object = row
            for part in path.split("__"):
                value = getattr(value, part, None) if value is not None else None
            item[name] = _plain(value)
        written.append(item)
    return written


def department_contacts_export(user: User) -> list[dict[str, Any]]:
    """Where the person is named as a department's contact (the staff directory shows these)."""
    contacts = DepartmentContact.objects.filter(user=user).select_related("department").order_by("pk")
    fields = (("department", "department__name"), ("role", "role_note"), "phone", "extension", "email")
    return personal_rows(contacts, fields)


def user_export_data(user: User) -> dict[str, Any]:
    """Everything the portal holds about a person, in a form they can take away (JSON): the account
    here, then what each part of the portal holds (``personal_data_export_register``)."""
    data: dict[str, Any] = {
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "full_name_kana": user.full_name_kana,
            "phone": user.phone,
            "area": user.area.name if user.area else None,
            "age_band": user.age_band,
            "lives_in_city": user.lives_in_city,
            "works_in_city": user.works_in_city,
            "studies_in_city": user.studies_in_city,
            "language": user.language,
            "department": user.department.name if user.department else None,
            "date_joined": user.date_joined.isoformat(),
            "email_verified_at": user.email_verified_at.isoformat() if user.email_verified_at else None,
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "second_factor": user.has_totp,
        },
        "roles": sorted(user.role_set),
        "api_tokens": [
            {
                "name": token.name,
                "starts_with": token.prefix,
                "created_at": token.created_at.isoformat(),
                "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
            }
            for token in api_tokens_of(user)
        ],
        "activity": [
            {"when": entry.created_at.isoformat(), "action": entry.action}
            for entry in AuditEntry.objects.filter(actor=user).order_by("created_at")
        ],
    }
    for name, export in sorted(_exporters.items()):
        data[name] = export(user)
    return data
