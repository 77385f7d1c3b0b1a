"""Reads for exchange meetings: the timetable, the floor list, the generations' mix, the materials
shown after the day, what a group sees and can do, the staff's queues and the survey's results."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.accounts.selectors import personal_rows
from manabiba.communities.models import CommunityGroup
from manabiba.communities.selectors import groups_of
from manabiba.exchanges.models import (
    ExchangeMeeting,
    FairTable,
    Generation,
    GroupAttendance,
    IntroductionRequest,
    Material,
    Presentation,
    SurveyResponse,
    TimetableSlot,
    generations_label,
)
from manabiba.programs.models import Program
from manabiba.programs.permissions import program_manager_q
from manabiba.registrations.models import Registration

AnyUser = AbstractBaseUser | AnonymousUser


def meeting_for(program: Program) -> ExchangeMeeting | None:
    if program.kind != Program.Kind.EXCHANGE:
        return None
    return ExchangeMeeting.objects.filter(program=program).first()


def exchange_program(program_id: int) -> Program | None:
    return (
        Program.objects.filter(pk=program_id, kind=Program.Kind.EXCHANGE)
        .select_related("organizer", "exchange_meeting")
        .first()
    )


def is_public(program: Program) -> bool:
    return program.status in {Program.Status.PUBLISHED, Program.Status.FINISHED}


def is_over(program: Program, *, now: datetime | None = None) -> bool:
    """The day is over: the last session has ended (or the programme is marked finished)."""
    now = now or timezone.now()
    if program.status == Program.Status.FINISHED:
        return True
    return program.last_ends_at is not None and program.last_ends_at <= now


def exchange_programs_for(user: AnyUser) -> QuerySet[Program]:
    """The exchange programmes a member of staff runs, newest first, with their queues counted."""
    return (
        Program.objects.filter(program_manager_q(user), kind=Program.Kind.EXCHANGE)
        .select_related("exchange_meeting")
        .annotate(
            to_decide=Count("presentations", filter=Q(presentations__status=Presentation.Status.APPLIED), distinct=True)
        )
        .order_by("-first_starts_at", "-pk")
    )


@dataclass
class Stage:
    name: str
    slots: list[TimetableSlot] = field(default_factory=list)


def timetable(program: Program) -> list[Stage]:
    """The timetable by stage (stages in the meeting's order, then any other), slots by time. One query."""
    slots = list(
        TimetableSlot.objects.filter(program=program).select_related("presentation__group").order_by("starts_at", "id")
    )
    meeting = getattr(program, "exchange_meeting", None)
    names = list(meeting.stage_list) if isinstance(meeting, ExchangeMeeting) else []
    for slot in slots:
        if slot.stage not in names:
            names.append(slot.stage)
    stages = {name: Stage(name) for name in names}
    for slot in slots:
        stages[slot.stage].slots.append(slot)
    return [stage for stage in stages.values() if stage.slots]


def floor_list(program: Program) -> list[FairTable]:
    """Who is at which table (accepted tables, by table)."""
    return list(
        FairTable.objects.filter(program=program, status=FairTable.Status.ACCEPTED)
        .select_related("group")
        .order_by("table_label", "group__name_kana")
    )


@dataclass(frozen=True)
class GenerationCount:
    code: str
    label: str
    presentations: int
    groups: int
    members: int


def _generation_counts(
    rows: QuerySet[Presentation] | QuerySet[GroupAttendance] | QuerySet[FairTable],
) -> dict[str, int]:
    return rows.aggregate(**{code: Count("pk", filter=Q(generations__contains=code)) for code in Generation.values})


def generation_mix(program: Program) -> list[GenerationCount]:
    """Per generation: accepted presentations and tables involving it, attending groups that bring it
    and their members. Three aggregate queries whatever the meeting's size."""
    presentations = _generation_counts(
        Presentation.objects.filter(program=program, status=Presentation.Status.ACCEPTED)
    )
    tables = _generation_counts(FairTable.objects.filter(program=program, status=FairTable.Status.ACCEPTED))
    attending = GroupAttendance.objects.filter(program=program, registration__status__in=Registration.SEATED).aggregate(
        **{f"g_{code}": Count("pk", filter=Q(generations__contains=code)) for code in Generation.values},
        **{f"m_{code}": Sum("members", filter=Q(generations__contains=code)) for code in Generation.values},
    )
    return [
        GenerationCount(
            code=code,
            label=str(label),
            presentations=int(presentations[code]) + int(tables[code]),
            groups=int(attending[f"g_{code}"] or 0),
            members=int(attending[f"m_{code}"] or 0),
        )
        for code, label in Generation.choices
    ]


def public_materials(program: Program, *, now: datetime | None = None) -> list[Material]:
    """The materials shown on the meeting's page: only once the day is over, only accepted
    presentations', only where the presenter agreed."""
    if not is_over(program, now=now):
        return []
    return list(
        Material.objects.filter(
            presentation__program=program,
            presentation__status=Presentation.Status.ACCEPTED,
            presentation__materials_public=True,
        )
        .select_related("presentation__group")
        .order_by("presentation__slot__starts_at", "presentation_id", "created_at")
    )


def presentations_of(program: Program) -> QuerySet[Presentation]:
    return (
        Presentation.objects.filter(program=program)
        .select_related("group", "slot")
        .annotate(material_count=Count("materials"))
        .order_by("created_at", "pk")
    )


def tables_of(program: Program) -> QuerySet[FairTable]:
    return FairTable.objects.filter(program=program).select_related("group").order_by("table_label", "created_at")


def attendances_of(program: Program) -> QuerySet[GroupAttendance]:
    return (
        GroupAttendance.objects.filter(program=program)
        .select_related("group", "registration")
        .order_by("group__name_kana", "pk")
    )


def my_groups(user: AnyUser) -> list[CommunityGroup]:
    """The listed groups someone runs (owner or editor): the ones they may act for."""
    return [group for group in groups_of(user) if group.is_listed]


def group_part(program: Program, groups: list[CommunityGroup]) -> dict[str, list[object]]:
    """What the signed-in person's groups have at this meeting: presentations (with materials), tables, attendance."""
    ids = [group.pk for group in groups]
    return {
        "presentations": list(
            Presentation.objects.filter(program=program, group_id__in=ids)
            .select_related("group", "slot")
            .prefetch_related("materials")
        ),
        "tables": list(FairTable.objects.filter(program=program, group_id__in=ids).select_related("group")),
        "attendances": list(
            GroupAttendance.objects.filter(program=program, group_id__in=ids).select_related("group", "registration")
        ),
    }


def groups_at(program: Program) -> list[CommunityGroup]:
    """Every listed group that took part: presenters, tables and attending groups."""
    ids = (
        set(
            Presentation.objects.filter(program=program, status=Presentation.Status.ACCEPTED).values_list(
                "group_id", flat=True
            )
        )
        | set(
            FairTable.objects.filter(program=program, status=FairTable.Status.ACCEPTED).values_list(
                "group_id", flat=True
            )
        )
        | set(GroupAttendance.objects.filter(program=program).values_list("group_id", flat=True))
    )
    return [group for group in CommunityGroup.objects.filter(pk__in=ids).order_by("name_kana") if group.is_listed]


def presentations_to_decide(user: AnyUser) -> QuerySet[Presentation]:
    """Applications waiting for a decision, in the meetings ``user`` runs (the workspace card and its list)."""
    return (
        Presentation.objects.filter(program_manager_q(user, prefix="program__"), status=Presentation.Status.APPLIED)
        .select_related("program", "group")
        .order_by("program__first_starts_at", "created_at", "pk")
    )


def materials_missing_for(user: AnyUser, *, now: datetime | None = None) -> QuerySet[Presentation]:
    """Accepted presentations of coming meetings (run by ``user``) without any material yet."""
    now = now or timezone.now()
    return (
        Presentation.objects.filter(
            program_manager_q(user, prefix="program__"),
            status=Presentation.Status.ACCEPTED,
            program__last_ends_at__gt=now,
            materials__isnull=True,
        )
        .select_related("program", "group")
        .order_by("program__first_starts_at", "created_at", "pk")
    )


def group_training_history(group: CommunityGroup) -> list[GroupAttendance]:
    """The joint training sessions a group registered for, newest first, with members present."""
    return list(
        GroupAttendance.objects.filter(group=group, program__exchange_meeting__format=ExchangeMeeting.Format.TRAINING)
        .select_related("program", "registration")
        .order_by("-program__first_starts_at", "-pk")
    )


@dataclass(frozen=True)
class SurveyResults:
    responses: int
    satisfaction_average: float | None
    satisfaction_counts: list[tuple[int, int]]
    met_other_generations: int
    new_contacts: int
    comments: list[str]


def survey_results(program: Program) -> SurveyResults:
    responses = SurveyResponse.objects.filter(program=program)
    totals = responses.aggregate(
        n=Count("pk"),
        average=Avg("satisfaction"),
        generations=Count("pk", filter=Q(met_other_generations=True)),
        contacts=Count("pk", filter=Q(new_contacts=True)),
        **{f"s{score}": Count("pk", filter=Q(satisfaction=score)) for score in range(1, 6)},
    )
    average = totals["average"]
    return SurveyResults(
        responses=int(totals["n"]),
        satisfaction_average=round(float(average), 1) if average is not None else None,
        satisfaction_counts=[(score, int(totals[f"s{score}"])) for score in range(5, 0, -1)],
        met_other_generations=int(totals["generations"]),
        new_contacts=int(totals["contacts"]),
        comments=list(responses.exclude(comment="").values_list("comment", flat=True)),
    )


def survey_recipients(program: Program) -> QuerySet[Registration]:
    """Who is asked for the survey: registrations that held seats and have an address (groups included,
    through their contact address)."""
    return Registration.objects.filter(program=program, status__in=Registration.SEATED).exclude(email="")


_MEETING_AND_GROUP = (("meeting", "program__title"), ("group", "group__name"))


def _rows_with_generations(
    rows: Sequence[Presentation | FairTable | GroupAttendance], fields: Sequence[str | tuple[str, str]]
) -> list[dict[str, Any]]:
    # Stored as one letter each; the person chose them by name.
    written = personal_rows(rows, fields)
    for row, item in zip(rows, written, strict=True):
        item["generations"] = generations_label(row.generations)
    return written


def exchanges_export(user: User) -> dict[str, list[dict[str, Any]]]:
    """What the person did for their groups at exchange meetings, and decided there as staff, for their download."""
    presentations = list(
        Presentation.objects.filter(applied_by=user).select_related("program", "group").order_by("created_at", "id")
    )
    tables = list(
        FairTable.objects.filter(applied_by=user).select_related("program", "group").order_by("created_at", "id")
    )
    attendances = list(
        GroupAttendance.objects.filter(registered_by=user)
        .select_related("program", "group")
        .order_by("created_at", "id")
    )
    decided = (
        Presentation.objects.filter(decided_by=user).select_related("program", "group").order_by("decided_at", "id")
    )
    materials = (
        Material.objects.filter(uploaded_by=user).select_related("presentation__program").order_by("created_at", "id")
    )
    introductions = (
        IntroductionRequest.objects.filter(requested_by=user)
        .select_related("program", "from_group", "to_group")
        .order_by("created_at", "id")
    )
    return {
        "presentations": _rows_with_generations(
            presentations,
            (
                *_MEETING_AND_GROUP,
                "title",
                "summary",
                "minutes_needed",
                "equipment",
                "materials_public",
                "status",
                "decision_note",
                "created_at",
                "decided_at",
            ),
        ),
        "fair_tables": _rows_with_generations(
            tables, (*_MEETING_AND_GROUP, "shows", "status", ("table", "table_label"), "created_at")
        ),
        "group_attendance": _rows_with_generations(
            attendances, (*_MEETING_AND_GROUP, "members", "members_present", "created_at")
        ),
        "materials": personal_rows(
            materials,
            (
                ("meeting", "presentation__program__title"),
                ("presentation", "presentation__title"),
                "title",
                "kind",
                ("file", "file__name"),
                "created_at",
            ),
        ),
        "introduction_requests": personal_rows(
            introductions,
            (
                ("meeting", "program__title"),
                ("from_group", "from_group__name"),
                ("to_group", "to_group__name"),
                "message",
                "created_at",
            ),
        ),
        "presentations_decided": personal_rows(
            decided, (*_MEETING_AND_GROUP, "title", "status", "decision_note", "decided_at")
        ),
    }
