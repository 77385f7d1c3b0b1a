"""Reads for registrations: a resident's own, a programme's registrants (for those allowed, logged),
public counts and the draw notice (never names), the lottery's verification, and what the services
read under the programme lock (seats taken and free, tiers, first-timers, duplicates, draws due)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.accounts.selectors import personal_rows
from manabiba.core.addresses import normalise_email
from manabiba.core.audit import audit_log
from manabiba.core.japanese import normalize
from manabiba.programs.models import Program, ProgramSession
from manabiba.programs.permissions import program_manager_q
from manabiba.programs.selectors import WindowState, program_application_window
from manabiba.registrations.lottery import Entry, allocate
from manabiba.registrations.models import (
    Attendance,
    LotteryDraw,
    PriorityRule,
    Registration,
    RegistrationQuestion,
    RegistrationSettings,
)
from manabiba.registrations.permissions import (
    can_view_registrants,
    register_on_behalf_q,
    registrants_viewer_q,
    registrations_manager_q,
)

Status = Registration.Status


def program_to_apply_for(program_id: int) -> Program | None:
    """The programme an application is for, with its organiser and its registration settings in
    one query (``registration_submit`` reads the settings before its lock); None if there is none."""
    try:
        # ``get`` orders by nothing: the programme's default ordering is only cost here.
        return Program.objects.select_related("organizer", "registration_settings").get(pk=program_id)
    except Program.DoesNotExist:
        return None


def registration_settings_for(program: Program) -> RegistrationSettings:
    """The programme's settings, or unsaved defaults when it has none."""
    found = RegistrationSettings.objects.filter(program=program).prefetch_related("priority_rules").first()
    return found if found is not None else RegistrationSettings(program=program)


# Apps above this one that may keep individuals out of a programme (a joint training session for
# members of registered groups only): each answers why, or None. Registered from ``AppConfig.ready()``.
ApplicationRefusal = Callable[[Program], str | None]
_refusals: list[ApplicationRefusal] = []


def application_refusal_register(provider: ApplicationRefusal) -> None:
    if provider not in _refusals:
        _refusals.append(provider)


def online_application_refusal(program: Program, *, now: datetime, for_group: bool = False) -> str | None:
    """Why a resident cannot apply for ``program`` on this site at ``now``, or None when they can.

    When applications open and close is the programmes app's one rule
    (``program_application_window``); this adds only that the programme takes them here, and what
    the registered providers say about individuals (not asked for a group's registration).
    """
    if not for_group:
        for provider in _refusals:
            reason = provider(program)
            if reason is not None:
                return reason
    window = program_application_window(program, now=now)
    if program.application != Program.Application.SITE or window.state == WindowState.NONE:
        return _("This programme does not take applications on this site.")
    if window.state == WindowState.NOT_YET:
        return _("Applications have not opened yet.")
    if not window.is_open:
        return _("Applications are closed.")
    return None


def draw_time(program: Program) -> datetime | None:
    """When a lottery programme's draw runs: its own time, else when applications close."""
    reg_settings = registration_settings_for(program)
    return reg_settings.draw_at or program.applications_close_at


def registration_questions(program: Program) -> list[RegistrationQuestion]:
    return list(RegistrationQuestion.objects.filter(program=program))


def registrations_of(user: User) -> QuerySet[Registration]:
    """A resident's own registrations, newest programme first, with the programme and its sessions."""
    return (
        Registration.objects.filter(user=user)
        .select_related("program", "program__organizer")
        .prefetch_related("program__sessions", "participants")
        .order_by("-program__first_starts_at", "-id")
    )


def registration_of(user: User, registration_id: int) -> Registration | None:
    return registrations_of(user).filter(pk=registration_id).first()


def active_registration(user: User, program: Program) -> Registration | None:
    """The person's one active registration for a programme, if any."""
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(program=program, user=user, status__in=Registration.ACTIVE).first()


def program_registrants(
    *, program: Program, viewer: User, view: str, statuses: frozenset[str] | None = None
) -> QuerySet[Registration]:
    """A programme's registrants with their personal data, for those allowed to see them.

    Raises ``PermissionDenied`` for anyone else, and writes ``registrations.personal_data.viewed``
    (who, which programme, ``view`` naming the page or export) for everyone who looks.
    """
    if not can_view_registrants(viewer, program):
        raise PermissionDenied(_("You cannot see this programme's registrants."))
    audit_log(action="registrations.personal_data.viewed", actor=viewer, target=program, data={"view": view})
    registrations = (
        Registration.objects.filter(program=program)
        .select_related("user", "registered_by")
        .prefetch_related("participants")
    )
    if statuses is not None:
        registrations = registrations.filter(status__in=statuses)
    return registrations.order_by("status", "waitlist_position", "id")


def waitlist(*, program: Program, viewer: User) -> QuerySet[Registration]:
    return program_registrants(program=program, viewer=viewer, view="waitlist", statuses=frozenset({Status.WAITLISTED}))


def roster(*, session: ProgramSession, viewer: User) -> list[tuple[Registration, Attendance | None]]:
    """Everyone with a confirmed place, in furigana order, with their attendance at ``session`` if recorded."""
    program = session.program
    registrations = program_registrants(
        program=program, viewer=viewer, view=f"roster:{session.pk}", statuses=frozenset({Status.CONFIRMED})
    ).prefetch_related(Prefetch("attendances", queryset=Attendance.objects.filter(session=session)))
    rows = []
    for registration in sorted(registrations, key=lambda r: (r.full_name_kana or r.full_name, r.pk)):
        attendances = list(registration.attendances.all())
        rows.append((registration, attendances[0] if attendances else None))
    return rows


@dataclass(frozen=True)
class SeatCounts:
    """What anyone may know about a programme's registrations: numbers only."""

    capacity: int | None
    seats_taken: int
    seats_free: int | None
    applied: int
    waitlisted: int


def seat_counts(program: Program) -> SeatCounts:
    rows = (
        Registration.objects.filter(program=program, status__in=Registration.ACTIVE)
        .values("status")
        .annotate(seats=Sum("party_size"))
    )
    by_status = {row["status"]: int(row["seats"] or 0) for row in rows}
    taken = by_status.get(Status.CONFIRMED, 0) + by_status.get(Status.OFFERED, 0)
    return SeatCounts(
        capacity=program.capacity,
        seats_taken=taken,
        seats_free=None if program.capacity is None else max(0, program.capacity - taken),
        applied=Registration.objects.filter(program=program, status=Status.APPLIED).count(),
        waitlisted=Registration.objects.filter(program=program, status=Status.WAITLISTED).count(),
    )


@dataclass(frozen=True)
class TierNotice:
    tier: int
    applicants: int
    seats: int
    won: int
    seats_won: int


@dataclass(frozen=True)
class DrawNotice:
    """The public draw notice: when, the seed, the seats and the counts per tier; never names."""

    draw_id: int
    program_id: int
    drawn_at: datetime
    seed: str
    algorithm: str
    capacity: int | None
    tiers: list[TierNotice]
    applicants: int
    winners: int


def draw_notice(program: Program) -> DrawNotice | None:
    draw = LotteryDraw.objects.filter(program=program).first()
    if draw is None:
        return None
    tiers = [
        TierNotice(
            tier=int(tier),
            applicants=counts["applicants"],
            seats=counts["seats"],
            won=counts["won"],
            seats_won=counts["seats_won"],
        )
        for tier, counts in sorted(draw.tier_counts.items(), key=lambda item: int(item[0]))
    ]
    return DrawNotice(
        draw_id=draw.pk,
        program_id=program.pk,
        drawn_at=draw.drawn_at,
        seed=draw.seed,
        algorithm=draw.algorithm,
        capacity=draw.capacity,
        tiers=tiers,
        applicants=len(draw.entries),
        winners=len(draw.winners),
    )


@dataclass(frozen=True)
class Verification:
    matches: bool
    problems: list[str]


def lottery_verify(draw: LotteryDraw) -> Verification:
    """Run the draw again from its stored seed, entries and seats; compare with the stored result and
    with the registrations that still exist (tier and party size as drawn)."""
    entries = [Entry(id=int(e["id"]), tier=int(e["tier"]), seats=int(e["seats"])) for e in draw.entries]
    again = allocate(entries, seed=draw.seed, capacity=draw.capacity)
    problems = []
    if list(again.ranking) != list(draw.ranking):
        problems.append(_("the drawn order differs"))
    if list(again.winners) != list(draw.winners):
        problems.append(_("the winners differ"))
    existing = {
        r.pk: r for r in Registration.objects.filter(program_id=draw.program_id, pk__in=[e.id for e in entries])
    }
    for entry in entries:
        registration = existing.get(entry.id)
        if registration is not None and (registration.tier != entry.tier or registration.party_size != entry.seats):
            problems.append(_("registration %(id)s is not as it was drawn") % {"id": entry.id})
    return Verification(matches=not problems, problems=problems)


def below_minimum_filter(now: datetime | None = None) -> Q:
    """Programmes flagged below minimum enrolment that staff have not decided on yet."""
    return Q(
        registration_settings__below_minimum_at__isnull=False,
        registration_settings__minimum_decided_at__isnull=True,
        status=Program.Status.PUBLISHED,
        first_starts_at__gt=now or timezone.now(),
    )


def programs_below_minimum(*, manager: User | None = None) -> QuerySet[Program]:
    """Programmes below minimum enrolment not decided on yet (only those ``manager`` may decide on,
    when given)."""
    programs = Program.objects.filter(below_minimum_filter())
    if manager is not None:
        programs = programs.filter(registrations_manager_q(manager))
    return programs.order_by("first_starts_at")


# --- the staff lists: who may see which programme decided in the query, not per row ---------------


def _count_of(status: str) -> Subquery:
    return Subquery(
        Registration.objects.filter(program=OuterRef("pk"), status=status)
        .values("program")
        .annotate(n=Count("pk"))
        .values("n")
    )


def staff_programs_with_registrations(user: User) -> QuerySet[Program]:
    """Published programmes that take registrations (or have some) whose registrants ``user`` may
    see or register, soonest first, annotated with ``allocation``, ``seats_taken``, ``applied`` and
    ``waitlisted``: one query for any page of them."""
    seated = (
        Registration.objects.filter(program=OuterRef("pk"), status__in=Registration.SEATED)
        .values("program")
        .annotate(n=Sum("party_size"))
        .values("n")
    )
    return (
        Program.objects.filter(status=Program.Status.PUBLISHED)
        .filter(
            Q(application=Program.Application.SITE)
            | Q(registration_settings__isnull=False)
            | Exists(Registration.objects.filter(program=OuterRef("pk")))
        )
        .filter(registrants_viewer_q(user) | register_on_behalf_q(user))
        .annotate(
            allocation=F("registration_settings__allocation"),
            seats_taken=Coalesce(Subquery(seated), 0),
            applied=Coalesce(_count_of(Status.APPLIED), 0),
            waitlisted=Coalesce(_count_of(Status.WAITLISTED), 0),
        )
        .select_related("organizer")
        .order_by("first_starts_at", "pk")
    )


def programs_to_register_for(user: User, *, now: datetime) -> QuerySet[Program]:
    """Upcoming published programmes that ``user`` may register a caller or visitor for, soonest first."""
    return (
        Program.objects.filter(status=Program.Status.PUBLISHED, first_starts_at__gt=now)
        .filter(register_on_behalf_q(user))
        .select_related("organizer")
        .order_by("first_starts_at", "pk")
    )


def needs_printed_slip(registration: Registration) -> bool:
    """A registrant with no e-mail address gets a printed slip instead of mail."""
    if registration.user is not None and registration.user.anonymised_at is None and registration.user.email:
        return False
    return not registration.email


def lottery_due_filter(now: datetime) -> Q:
    """A lottery whose draw should run now, as a filter on programmes (``lotteries_due`` reads it)."""
    draw_time_passed = Q(registration_settings__draw_at__lte=now) | Q(
        registration_settings__draw_at__isnull=True, applications_close_at__lte=now
    )
    return (
        Q(
            registration_settings__allocation=RegistrationSettings.Allocation.LOTTERY,
            status=Program.Status.PUBLISHED,
            lottery_draw__isnull=True,
        )
        & draw_time_passed
    )


OFFER_WARNING = timedelta(hours=24)


def offers_expiring_filter(now: datetime) -> Q:
    """Places offered to the waiting list whose answer is due within a day."""
    return Q(status=Registration.Status.OFFERED, offer_expires_at__lte=now + OFFER_WARNING)


def offers_expiring(*, user: Any, now: datetime) -> QuerySet[Registration]:
    """The offers expiring soon on the programmes ``user`` runs, the soonest first."""
    return (
        Registration.objects.filter(offers_expiring_filter(now), program_manager_q(user, "program__"))
        .select_related("program")
        .order_by("offer_expires_at", "pk")
    )


# --- seats, tiers and the people behind a registration (read under the programme lock by the services) --


def seats_taken(program: Program) -> int:
    total = Registration.objects.filter(program=program, status__in=Registration.SEATED).aggregate(n=Sum("party_size"))[
        "n"
    ]
    return int(total or 0)


def seats_free(program: Program) -> int | None:
    """Seats left, or None when the programme has no capacity limit."""
    if program.capacity is None:
        return None
    return max(0, program.capacity - seats_taken(program))


@dataclass(frozen=True)
class SeatState:
    """What placing a new registration needs to know of a programme, read in one query under its lock."""

    taken: int  # seats held (confirmed and offered)
    waiting: int  # registrations on the waiting list
    last_position: int  # the waiting list's last place (0 when empty)
    code_taken: bool  # the check-in code asked about is already some registration's
    mine: int | None  # the id of the person's own active registration, if any

    def free(self, program: Program) -> int | None:
        """Seats left, or None when the programme has no capacity limit (as ``seats_free``)."""
        return None if program.capacity is None else max(0, program.capacity - self.taken)


def seat_state(program: Program, *, user: User | None = None, check_in_code: str = "") -> SeatState:
    """Seats taken, the waiting list's length and end, whether ``check_in_code`` is taken and the
    person's own active registration: the reads of ``seats_free``, the waiting list's end, the
    duplicate check and the code check as one query, so the programme lock is held for one round
    trip instead of four. The query is grouped by status (a row for each, a handful) rather than
    filtered aggregate by aggregate: the same answer for half the work of building it."""
    aggregates: dict[str, Any] = {"seats": Sum("party_size"), "count": Count("pk"), "last": Max("waitlist_position")}
    if check_in_code:
        aggregates["code_taken"] = Count("pk", filter=Q(check_in_code=check_in_code))
    if user is not None:
        aggregates["mine"] = Max("pk", filter=Q(user=user))
    rows = Registration.objects.filter(program=program).order_by().values("status").annotate(**aggregates)
    by_status = {row["status"]: row for row in rows}
    waitlisted = by_status.get(Status.WAITLISTED, {})
    mine = [row["mine"] for status, row in by_status.items() if status in Registration.ACTIVE and row.get("mine")]
    return SeatState(
        taken=sum(int(row["seats"] or 0) for status, row in by_status.items() if status in Registration.SEATED),
        waiting=int(waitlisted.get("count") or 0),
        last_position=int(waitlisted.get("last") or 0),
        code_taken=any(row.get("code_taken") for row in by_status.values()),
        mine=max(mine) if mine else None,
    )


def lottery_drawn(program: Program) -> bool:
    return LotteryDraw.objects.filter(program=program).exists()


def lotteries_due(*, now: datetime | None = None) -> list[int]:
    """Programmes whose draw should run now: a lottery, published, deadline (or draw time) passed, not drawn."""
    return list(Program.objects.filter(lottery_due_filter(now or timezone.now())).values_list("pk", flat=True))


def _meets(registration: Registration, criterion: str) -> bool:
    flags = {
        PriorityRule.Criterion.CITY_RESIDENT.value: registration.lives_in_city,
        PriorityRule.Criterion.CITY_WORKER.value: registration.works_in_city,
        PriorityRule.Criterion.CITY_STUDENT.value: registration.studies_in_city,
        PriorityRule.Criterion.FIRST_TIMER.value: registration.first_timer,
        PriorityRule.Criterion.EVERY_SESSION.value: registration.attends_every_session,
    }
    return flags.get(criterion, False)


def tier_of(registration: Registration, rules: Sequence[PriorityRule]) -> int:
    """The lowest tier among the rules met; after every tier when none is met (1 without rules)."""
    met = [rule.tier for rule in rules if _meets(registration, rule.criterion)]
    if met:
        return min(met)
    return max((rule.tier for rule in rules), default=0) + 1


def _digits(phone: str) -> str:
    return "".join(ch for ch in normalize(phone) if ch.isdigit())


def _name_key(name: str) -> str:
    return normalize(name).replace(" ", "")


def is_first_timer(*, program: Program, user: User | None, full_name: str, phone: str) -> bool:
    """Nobody with this account (or this name and phone) had a place at this organiser's programmes before."""
    earlier = Registration.objects.filter(program__organizer_id=program.organizer_id, status=Status.CONFIRMED).exclude(
        program=program
    )
    if user is not None:
        return not earlier.filter(user=user).exists()
    if not phone:
        return True
    name, digits = _name_key(full_name), _digits(phone)
    return not any(
        _name_key(r.full_name) == name and _digits(r.phone) == digits for r in earlier.only("full_name", "phone")
    )


def duplicate_registration(program: Program, full_name: str, phone: str, email: str) -> Registration | None:
    """An active registration with the same name and the same phone number or e-mail address."""
    name, digits, address = _name_key(full_name), _digits(phone), normalise_email(email)
    for registration in Registration.objects.filter(program=program, status__in=Registration.ACTIVE):
        if _name_key(registration.full_name) != name:
            continue
        if digits and _digits(registration.phone) == digits:
            return registration
        if address and normalise_email(registration.email) == address:
            return registration
    return None


# What the person gave or was told, in their download; the person token, who registered them at the
# desk and the like are the city's, not theirs.
_EXPORTED_REGISTRATION_FIELDS = (
    ("programme", "program__title"),
    "status",
    "channel",
    "party_size",
    "full_name",
    "full_name_kana",
    "phone",
    "email",
    "language",
    "lives_in_city",
    "works_in_city",
    "studies_in_city",
    "first_timer",
    "attends_every_session",
    "age_band",
    ("area", "area__name"),
    "waitlist_position",
    "offer_expires_at",
    "check_in_code",
    "consent_at",
    "created_at",
    "confirmed_at",
    "cancelled_at",
    "cancel_reason",
)


def _answers_as_asked(registration: Registration) -> list[dict[str, Any]]:
    # Keys are the API's names; the person answered the question's label, in the form's order.
    questions = list(registration.program.registration_questions.all())
    labels = {q.key: q.label for q in questions}
    order = {q.key: n for n, q in enumerate(questions)}
    keys = sorted(registration.answers, key=lambda key: (order.get(key, len(order)), key))
    return [{"question": labels.get(key, key), "answer": registration.answers[key]} for key in keys]


def registrations_export(user: User) -> list[dict[str, Any]]:
    """The person's registrations with their participants and answers, for their download."""
    registrations = list(
        Registration.objects.filter(user=user)
        .select_related("program", "area")
        .prefetch_related("participants", "program__registration_questions")
        .order_by("created_at", "pk")
    )
    rows = personal_rows(registrations, _EXPORTED_REGISTRATION_FIELDS)
    for registration, row in zip(registrations, rows, strict=True):
        row["participants"] = personal_rows(registration.participants.all(), ("position", "name", "age"))
        row["answers"] = _answers_as_asked(registration)
    return rows
