"""How a programme takes registrations: allocation, limits, priority rules and its own questions."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.core.audit import audit_log
from manabiba.programs.models import Program
from manabiba.registrations.models import PriorityRule, Registration, RegistrationQuestion, RegistrationSettings
from manabiba.registrations.permissions import can_manage_registrations
from manabiba.registrations.services._common import _lock_program, _settings_locked


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    label: str
    kind: str = RegistrationQuestion.Kind.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    help_text: str = ""
    min_value: int | None = None
    max_value: int | None = None


SETTINGS_FIELDS = frozenset(
    {
        "allocation",
        "not_drawn",
        "max_party_size",
        "asks_participant_age",
        "confirm_within_days",
        "offer_expiry_hours",
        "cancellation_cutoff_hours",
        "retention_months",
        "draw_at",
    }
)


@transaction.atomic
def registration_settings_update(
    *,
    program: Program,
    actor: User | None,
    priority_rules: Iterable[tuple[str, int]] | None = None,
    questions: Sequence[QuestionSpec] | None = None,
    **fields: Any,
) -> RegistrationSettings:
    """Change how a programme takes registrations. ``priority_rules`` are (criterion, tier) pairs and
    replace the old ones; ``questions`` replace the form's questions. Allocation cannot change once
    people have applied."""
    program = _lock_program(program.pk)
    if actor is not None and not can_manage_registrations(actor, program):
        raise PermissionDenied(_("You cannot change how this programme takes registrations."))
    unknown = set(fields) - SETTINGS_FIELDS
    if unknown:
        raise TypeError(f"unknown settings: {sorted(unknown)}")
    reg_settings = _settings_locked(program)
    changes_allocation = "allocation" in fields and fields["allocation"] != reg_settings.allocation
    if changes_allocation and Registration.objects.filter(program=program).exists():
        raise ValidationError({"allocation": [_("People have applied already; the allocation cannot change now.")]})
    draw_at = fields.get("draw_at")
    if draw_at is not None and program.applications_close_at is not None and draw_at < program.applications_close_at:
        # The draw cannot run while applications are open: it would be due and fail every time.
        raise ValidationError({"draw_at": [_("The draw cannot run before applications close.")]})
    for name, value in fields.items():
        setattr(reg_settings, name, value)
    reg_settings.full_clean(exclude=["program"])
    reg_settings.save()
    if priority_rules is not None:
        reg_settings.priority_rules.all().delete()
        for criterion, tier in priority_rules:
            PriorityRule.objects.create(settings=reg_settings, criterion=criterion, tier=tier)
    if questions is not None:
        RegistrationQuestion.objects.filter(program=program).delete()
        for order, spec in enumerate(questions):
            RegistrationQuestion.objects.create(
                program=program,
                key=spec.key,
                label=spec.label,
                kind=spec.kind,
                required=spec.required,
                choices=list(spec.choices),
                help_text=spec.help_text,
                min_value=spec.min_value,
                max_value=spec.max_value,
                sort_order=order,
            )
    audit_log(
        action="registrations.settings.changed",
        actor=actor,
        target=program,
        data={
            "fields": {k: str(v) for k, v in fields.items()},
            "priority_rules": [list(r) for r in priority_rules] if priority_rules is not None else None,
            "questions": [q.key for q in questions] if questions is not None else None,
        },
    )
    return reg_settings
