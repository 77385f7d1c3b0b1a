"""Writes for programmes: create, edit, the status workflow, and keeping the search index in step."""

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.permissions import has_permission
from manabiba.accounts.roles import Role
from manabiba.accounts.selectors import people_with_role
from manabiba.accounts.services import mail_to_user
from manabiba.core.audit import audit_log
from manabiba.core.holidays import is_day_off
from manabiba.core.search import SearchDocument, search_index_move, search_index_remove, search_index_update
from manabiba.programs.models import (
    Audience,
    Category,
    ClashAcknowledgement,
    Organizer,
    Program,
    ProgramSession,
)
from manabiba.programs.models import SessionTimes as SessionTimes  # what the services take, as before
from manabiba.programs.permissions import can_edit_program, can_publish_program
from manabiba.programs.selectors import SEARCH_KIND, author_organizer, catalogue_changed

EVENING_FROM = time(17, 0)
AFTERNOON_FROM = time(12, 0)

# Fields a form or an import may set directly; relations and sessions go through arguments.
PROGRAM_FIELDS = frozenset(
    f.name
    for f in Program._meta.get_fields()
    if getattr(f, "concrete", False)
    and not f.many_to_many
    and f.name
    not in {
        "id",
        "status",
        "created_at",
        "updated_at",
        "first_starts_at",
        "last_ends_at",
        "next_starts_at",
        "published_at",
        "status_reason",
        "created_by",
    }
)


def time_band_of(starts_at: datetime) -> str:
    local = timezone.localtime(starts_at).time()
    if local >= EVENING_FROM:
        return ProgramSession.TimeBand.EVENING
    if local >= AFTERNOON_FROM:
        return ProgramSession.TimeBand.AFTERNOON
    return ProgramSession.TimeBand.MORNING


def _session_row(program: Program, times: SessionTimes) -> ProgramSession:
    if timezone.is_naive(times.starts_at) or (times.ends_at is not None and timezone.is_naive(times.ends_at)):
        raise ValueError("Session times must be aware datetimes.")
    if times.ends_at is not None and times.ends_at < times.starts_at:
        raise ValidationError(_("A session cannot end before it starts."), code="session_order")
    local_date = timezone.localtime(times.starts_at).date()
    return ProgramSession(
        program=program,
        starts_at=times.starts_at,
        ends_at=times.ends_at,
        note=times.note,
        local_date=local_date,
        weekday=local_date.weekday(),
        time_band=time_band_of(times.starts_at),
        is_day_off=is_day_off(local_date),
    )


def next_start_of(sessions: Sequence[ProgramSession], now: datetime) -> datetime | None:
    """The start of the first session (in start order) that has not ended by ``now``; once all
    have, the last one's start. None without sessions."""
    for session in sessions:
        if (session.ends_at or session.starts_at) >= now:
            return session.starts_at
    return sessions[-1].starts_at if sessions else None


def _replace_sessions(program: Program, sessions: Sequence[SessionTimes]) -> None:
    rows = [_session_row(program, times) for times in sorted(sessions, key=lambda s: s.starts_at)]
    program.sessions.all().delete()
    ProgramSession.objects.bulk_create(rows)
    program.first_starts_at = rows[0].starts_at if rows else None
    program.last_ends_at = max((row.ends_at or row.starts_at for row in rows), default=None)
    program.next_starts_at = next_start_of(rows, timezone.now())
    program.save(update_fields=["first_starts_at", "last_ends_at", "next_starts_at", "updated_at"])


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - PROGRAM_FIELDS
    if unknown:
        raise ValueError(f"Not programme fields: {sorted(unknown)}")


INDEXED_STATUSES = (Program.Status.PUBLISHED, Program.Status.FINISHED)


def program_search_document(program: Program) -> SearchDocument:
    """What the search index holds for a programme: title over description over venue."""
    return SearchDocument(
        object_id=program.pk,
        title=" ".join(filter(None, [program.title, program.title_kana, program.title_en])),
        body=" ".join(
            filter(
                None,
                [
                    program.summary,
                    program.description,
                    program.easy_summary,
                    program.organizer.name,
                    " ".join(c.minor or c.major for c in program.categories.all()),
                    " ".join(a.name for a in program.audiences.all()),
                ],
            )
        ),
        venue=" ".join(filter(None, [program.venue_label, program.venue_address, str(program.area or "")])),
        # Ranked as upcoming while a session is still to come, soonest next session first.
        starts_at=program.next_starts_at,
    )


def program_search_documents() -> Iterator[SearchDocument]:
    """Every programme the index should hold, for ``manabiba rebuild_search_index``."""
    programs = (
        Program.objects.filter(status__in=INDEXED_STATUSES)
        .select_related("organizer", "facility", "room", "area")
        .prefetch_related("categories", "audiences")
        .order_by("pk")
    )
    for program in programs.iterator(chunk_size=1000):
        yield program_search_document(program)


def program_reindex(program: Program) -> None:
    """Put a published programme in the search index, or take any other out; same transaction.

    Cached listings are forgotten now and again once the transaction commits, so that no
    reader caches the old state under the new version in between.
    """
    catalogue_changed()
    transaction.on_commit(catalogue_changed)
    if program.status in INDEXED_STATUSES:
        document = program_search_document(program)
        search_index_update(
            kind=SEARCH_KIND,
            object_id=document.object_id,
            title=document.title,
            body=document.body,
            venue=document.venue,
            starts_at=document.starts_at,
        )
    else:
        search_index_remove(kind=SEARCH_KIND, object_id=program.pk)


def _set_relations(
    program: Program,
    categories: Iterable[Category] | None,
    audiences: Iterable[Audience] | None,
    co_organizers: Iterable[Organizer] | None,
) -> None:
    if categories is not None:
        program.categories.set(categories)
    if audiences is not None:
        program.audiences.set(audiences)
    if co_organizers is not None:
        program.co_organizers.set(co_organizers)


@transaction.atomic
def program_create(
    *,
    actor: Any,
    sessions: Sequence[SessionTimes] = (),
    categories: Iterable[Category] = (),
    audiences: Iterable[Audience] = (),
    co_organizers: Iterable[Organizer] = (),
    **fields: Any,
) -> Program:
    """Create a draft. ``actor`` None means the system (an import)."""
    if actor is not None and not has_permission(actor, "programs.create"):
        raise PermissionDenied(_("You cannot create programmes."))
    _check_fields(fields)
    program = Program(created_by=actor if actor is not None and actor.is_authenticated else None, **fields)
    program.full_clean(exclude=["image", "flyer"])
    program.save()
    _set_relations(program, categories, audiences, co_organizers)
    _replace_sessions(program, sessions)
    audit_log(action="programs.program.created", actor=actor, target=program, data={"title": program.title})
    return program


@transaction.atomic
def program_update(
    *,
    program: Program,
    actor: Any,
    sessions: Sequence[SessionTimes] | None = None,
    categories: Iterable[Category] | None = None,
    audiences: Iterable[Audience] | None = None,
    co_organizers: Iterable[Organizer] | None = None,
    **fields: Any,
) -> Program:
    if actor is not None and not can_edit_program(actor, program):
        raise PermissionDenied(_("You cannot change this programme."))
    _check_fields(fields)
    program = Program.objects.select_for_update(of=("self",)).get(pk=program.pk)
    changed = sorted(name for name, value in fields.items() if getattr(program, name) != value)
    for name in changed:
        setattr(program, name, fields[name])
    program.full_clean(exclude=["image", "flyer"])
    program.save()
    _set_relations(program, categories, audiences, co_organizers)
    if sessions is not None:
        _replace_sessions(program, sessions)
    program_reindex(program)
    audit_log(action="programs.program.updated", actor=actor, target=program, data={"fields": changed})
    return program


def _transition(
    program: Program, *, allowed_from: set[str], to: str, action: str, actor: Any, reason: str = ""
) -> Program:
    program = Program.objects.select_for_update(of=("self",)).get(pk=program.pk)
    if program.status not in allowed_from:
        raise ValidationError(
            _("This programme is %(status)s and cannot be changed that way.")
            % {"status": program.get_status_display()},
            code="status",
        )
    before = program.status
    program.status = to
    program.status_reason = reason
    if to == Program.Status.PUBLISHED and program.published_at is None:
        program.published_at = timezone.now()
    program.save(update_fields=["status", "status_reason", "published_at", "updated_at"])
    program_reindex(program)
    audit_log(action=action, actor=actor, target=program, data={"from": before, "to": to, "reason": reason})
    return program


def _mail_author(program: Program, template: str, actor: Any) -> None:
    """Tell whoever wrote the programme, unless they made the change themself."""
    author = program.created_by
    if author is None or not author.is_active or not author.email or author.anonymised_at is not None:
        return
    if actor is not None and author.pk == actor.pk:
        return
    mail_to_user(user=author, template=f"programs/mail/{template}", context={"program": program})


@transaction.atomic
def program_submit(*, program: Program, actor: Any) -> Program:
    """A group's or a citizen's draft goes to the coordinator for review; the coordinators are mailed."""
    if not can_edit_program(actor, program):
        raise PermissionDenied(_("You cannot change this programme."))
    program = _transition(
        program,
        allowed_from={Program.Status.DRAFT},
        to=Program.Status.SUBMITTED,
        action="programs.program.submitted",
        actor=actor,
    )
    for coordinator in people_with_role(Role.COORDINATOR):
        mail_to_user(user=coordinator, template="programs/mail/review_requested", context={"program": program})
    return program


@transaction.atomic
def program_publish(*, program: Program, actor: Any) -> Program:
    if actor is not None and not can_publish_program(actor, program):
        raise PermissionDenied(_("You cannot publish this programme."))
    if not program.sessions.exists():
        raise ValidationError(_("Add at least one date before publishing."), code="no_sessions")
    program = _transition(
        program,
        allowed_from={Program.Status.DRAFT, Program.Status.SUBMITTED},
        to=Program.Status.PUBLISHED,
        action="programs.program.published",
        actor=actor,
    )
    _mail_author(program, "published", actor)
    return program


@transaction.atomic
def program_return(*, program: Program, actor: Any, reason: str) -> Program:
    """The coordinator sends a submission back to its author with what to change."""
    if not has_permission(actor, "programs.review"):
        raise PermissionDenied(_("Only the coordinator reviews submissions."))
    if not reason.strip():
        raise ValidationError(_("Say what needs to change."), code="reason")
    program = _transition(
        program,
        allowed_from={Program.Status.SUBMITTED},
        to=Program.Status.DRAFT,
        action="programs.program.returned",
        actor=actor,
        reason=reason.strip(),
    )
    _mail_author(program, "returned", actor)
    return program


@transaction.atomic
def program_cancel(*, program: Program, actor: Any, reason: str) -> Program:
    if actor is not None and not can_publish_program(actor, program):
        raise PermissionDenied(_("You cannot cancel this programme."))
    if not reason.strip():
        raise ValidationError(_("Say why the programme is cancelled; residents will see it."), code="reason")
    return _transition(
        program,
        allowed_from={Program.Status.PUBLISHED, Program.Status.DRAFT, Program.Status.SUBMITTED},
        to=Program.Status.CANCELLED,
        action="programs.program.cancelled",
        actor=actor,
        reason=reason.strip(),
    )


def programs_finish_past(*, now: datetime | None = None) -> int:
    """Mark published programmes whose last session has ended as finished (run daily by a timer)."""
    now = now or timezone.now()
    finished = 0
    for program_id in Program.objects.filter(status=Program.Status.PUBLISHED, last_ends_at__lt=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            program = Program.objects.get(pk=program_id)
            _transition(
                program,
                allowed_from={Program.Status.PUBLISHED},
                to=Program.Status.FINISHED,
                action="programs.program.finished",
                actor=None,
            )
            finished += 1
    return finished


@transaction.atomic
def programs_refresh_next_starts(*, now: datetime | None = None) -> int:
    """Move ``next_starts_at`` on for programmes whose next session has ended (run daily).

    Derived data, like the search index: no audit entry. The index's start moves with it, so
    that a running course keeps ranking as upcoming. Returns how many programmes changed.
    """
    now = now or timezone.now()
    sessions = ProgramSession.objects.filter(program=OuterRef("pk"))
    coming = sessions.filter(Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now))
    fresh = Coalesce(
        Subquery(coming.order_by("starts_at").values("starts_at")[:1]),
        Subquery(sessions.order_by("-starts_at").values("starts_at")[:1]),
    )
    changed = list(
        Program.objects.filter(next_starts_at__lt=now)
        .annotate(fresh=fresh)
        .exclude(fresh=F("next_starts_at"))
        .values_list("pk", "fresh", "status")
    )
    if not changed:
        return 0
    Program.objects.bulk_update(
        [Program(pk=pk, next_starts_at=starts) for pk, starts, _status in changed], ["next_starts_at"], batch_size=500
    )
    search_index_move(
        kind=SEARCH_KIND, starts={pk: starts for pk, starts, status in changed if status in INDEXED_STATUSES}
    )
    catalogue_changed()
    transaction.on_commit(catalogue_changed)
    return len(changed)


@transaction.atomic
def organizer_get_or_create(*, kind: str, name: str, outside_city: bool = False, **fields: Any) -> Organizer:
    """The organiser of that kind and name, made if new.

    ``outside_city`` says only another municipality's open data names it; once this city's own
    data names it too, it is this city's (and stays so).
    """
    organizer, created = Organizer.objects.get_or_create(
        kind=kind, name=name.strip(), defaults={**fields, "outside_city": outside_city}
    )
    if created:
        audit_log(action="programs.organizer.created", actor=None, target=organizer, data={"name": organizer.name})
    elif organizer.outside_city and not outside_city:
        organizer.outside_city = False
        organizer.save(update_fields=["outside_city", "updated_at"])
    return organizer


@transaction.atomic
def program_clash_acknowledge(
    *, program: Program, actor: Any, others: Sequence[Program], note: str
) -> ClashAcknowledgement:
    """The editor saw the programmes this one clashes with and keeps it as planned, saying why."""
    if not can_edit_program(actor, program):
        raise PermissionDenied(_("You may not edit this programme."))
    note = note.strip()
    if not note:
        raise ValidationError({"clash_note": _("Say why the programme can go ahead as planned.")})
    acknowledgement = ClashAcknowledgement.objects.create(program=program, note=note, acknowledged_by=actor)
    acknowledgement.others.set(others)
    audit_log(
        action="programs.clash.acknowledged",
        actor=actor,
        target=program,
        data={"others": sorted(o.pk for o in others), "note": note},
    )
    return acknowledgement


def organizer_for_author(*, user: Any) -> Organizer:
    """The organiser a programme written by ``user`` goes out under (see ``selectors.author_organizer``)."""
    spec = author_organizer(user)
    return organizer_get_or_create(
        kind=spec.kind, name=spec.name, department=spec.department, facility=spec.facility, user=spec.user
    )
