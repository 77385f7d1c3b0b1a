"""Writing the audit log: every state change and every staff look at personal data."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import pgettext

from manabiba.core.models import AuditEntry
from manabiba.core.request_context import client_ip_var, request_id_var

StrOrPromise = str | Promise


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


# --- What the codes mean: the registry the audit log page reads ----------------------------------
#
# Each app registers, from its AppConfig.ready(), a description of every action it writes
# (``<app>/audit_actions.py``) and, for the models its entries name, how to name one and link to its
# staff page. tests/core/test_audit_registry.py fails on an action written anywhere without one.


@dataclass(frozen=True)
class AuditTargetKind:
    """How the log names an object of one model and where its staff page is."""

    url: Callable[[Any], str] | None = None
    name: Callable[[Any], str] = str
    related: tuple[str, ...] = ()


@dataclass(frozen=True)
class AuditTarget:
    """An entry's object as the log page shows it: a name, and a link when it has a staff page."""

    text: str
    url: str = ""


_ACTIONS: dict[str, StrOrPromise] = {}
_TARGETS: dict[str, AuditTargetKind] = {}


def audit_actions_register(actions: Mapping[str, StrOrPromise]) -> None:
    """Describe action codes (``{"programs.program.published": pgettext_lazy("audit action", "…")}``)."""
    _ACTIONS.update(actions)


def audit_actions() -> dict[str, StrOrPromise]:
    return dict(_ACTIONS)


def audit_action_text(action: str) -> str:
    """The description of an action in the reader's language, or "" for a code nobody described."""
    described = _ACTIONS.get(action)
    return str(described) if described is not None else ""


def audit_targets_register(
    label: str,
    *,
    url: Callable[[Any], str] | None = None,
    name: Callable[[Any], str] = str,
    related: Sequence[str] = (),
) -> None:
    """Say how to name an object of the model ``label`` (``app.model``) and link to its staff page."""
    _TARGETS[label] = AuditTargetKind(url=url, name=name, related=tuple(related))


def audit_targets_describe(entries: Iterable[AuditEntry]) -> dict[tuple[str, str], AuditTarget]:
    """Each entry's object by (type, id): one query per model, whatever the number of entries.

    A model nobody registered is named by its verbose name and number; an object since deleted,
    likewise, without a link.
    """
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.target_type and entry.target_id:
            wanted[entry.target_type].add(entry.target_id)
    described: dict[tuple[str, str], AuditTarget] = {}
    for label, ids in wanted.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            model = None
        noun = str(model._meta.verbose_name) if model is not None else label
        found: dict[Any, Any] = {}
        kind = _TARGETS.get(label)
        if model is not None and kind is not None:
            keys = [int(pk) for pk in ids if pk.isdigit()]
            found = model._default_manager.select_related(*kind.related).in_bulk(keys)
        for pk in ids:
            obj = found.get(int(pk)) if pk.isdigit() else None
            if obj is None or kind is None:
                described[label, pk] = AuditTarget(
                    text=pgettext("audit log: an object by its number", "%(kind)s #%(id)s") % {"kind": noun, "id": pk}
                )
                continue
            text = pgettext("audit log: the kind of object and its name", "%(kind)s: %(name)s") % {
                "kind": noun,
                "name": kind.name(obj),
            }
            described[label, pk] = AuditTarget(text=text, url=kind.url(obj) if kind.url is not None else "")
    return described
