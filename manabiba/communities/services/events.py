"""A group's events: programmes of the catalogue with the group as organiser."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.communities.models import CommunityGroup
from manabiba.communities.permissions import can_edit_group, can_moderate
from manabiba.communities.services._common import posts_need_moderation
from manabiba.core.audit import audit_log
from manabiba.programs import services as program_services
from manabiba.programs.models import Category, Program


@transaction.atomic
def group_event_create(
    *,
    group: CommunityGroup,
    actor: User,
    sessions: Sequence[program_services.SessionTimes],
    categories: Iterable[Category] | None = None,
    **fields: Any,
) -> Program:
    """A group's event is a programme of the catalogue with the group as organiser.

    It is published at once unless the city moderates every post; then it waits as a draft in
    the moderation queue. Applications use the registration machinery when ``application`` is
    "site".
    """
    if not can_edit_group(actor, group):
        raise PermissionDenied(_("You cannot add events for this group."))
    if group.status != CommunityGroup.Status.APPROVED or group.organizer is None:
        raise ValidationError(_("The group can post once the coordinator has approved it."), code="not_approved")
    if not sessions:
        raise ValidationError({"starts_at": _("Give the date and time of the event.")})
    if fields.get("fee") == Program.Fee.PAID and fields.get("fee_amount") is None:
        # A paid event says how much: residents decide on the amount, and the open data lists it.
        raise ValidationError({"fee_amount": _("Give the fee in yen.")})
    # The group's own check is done above; the catalogue records the change as the system's.
    program = program_services.program_create(
        actor=None,
        organizer=group.organizer,
        sessions=sessions,
        categories=list(categories) if categories is not None else list(group.categories.all()),
        **fields,
    )
    if not posts_need_moderation():
        program = program_services.program_publish(program=program, actor=None)
    audit_log(
        action="communities.event.created",
        actor=actor,
        target=group,
        data={"program": program.pk, "status": program.status},
    )
    return program


@transaction.atomic
def group_event_approve(*, program: Program, actor: User) -> Program:
    if not can_moderate(actor):
        raise PermissionDenied(_("Only the coordinator moderates posts."))
    program = program_services.program_publish(program=program, actor=actor)
    audit_log(action="communities.event.approved", actor=actor, target=program)
    return program


def event_session(starts_at: datetime, ends_at: datetime | None) -> program_services.SessionTimes:
    return program_services.SessionTimes(starts_at=starts_at, ends_at=ends_at)
