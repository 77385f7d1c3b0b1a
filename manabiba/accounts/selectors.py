"""Reads for accounts."""

from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from manabiba.accounts.models import ApiToken, Department, User
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


def department_contacts(department: Department) -> QuerySet[User]:
    """Who hears of work routed to a department with nobody named: its staff who handle such work."""
    return people_with_role("department_staff").filter(department=department)


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


def user_export_data(user: User) -> dict[str, Any]:
    """Everything the portal holds about a person, in a form they can take away (JSON)."""
    return {
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
