"""Writing the audit log: every state change and every staff look at personal data."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models

from manabiba.core.models import AuditEntry
from manabiba.core.request_context import client_ip_var, request_id_var


def audit_log(
    *,
    action: str,
    actor: AbstractBaseUser | AnonymousUser | None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record ``action`` (namespaced, e.g. ``accounts.user.deleted``) done by ``actor``."""
    request_id = request_id_var.get()
    return AuditEntry.objects.create(
        action=action,
        actor_id=actor.pk if isinstance(actor, AbstractBaseUser) and actor.pk else None,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
        request_id="" if request_id == "-" else request_id,
        ip_address=client_ip_var.get(),
    )


def audit_entries_for(target: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
