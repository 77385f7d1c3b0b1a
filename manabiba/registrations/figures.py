"""Participants, for the reports: from live registrations and, once those are purged, from the
anonymous ``ParticipationFigure`` kept for each, so a past year's figures stay exact."""

from collections import Counter
from collections.abc import Iterable

from django.db import connection
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Sum
from django.db.models import Value as Constant
from django.db.models.functions import ExtractMonth
from django.utils.translation import gettext as _

from manabiba.core.figures import (
    MONTHS,
    FigureFilter,
    FigureSource,
    FiscalYear,
    Section,
    Value,
    figure,
    month_labels,
    per_month,
    share,
    years_of_days,
)
from manabiba.core.models import Area
from manabiba.programs.figures import program_held_days, programs_held
from manabiba.programs.models import Category, Organizer, Program
from manabiba.registrations.models import Attendance, LotteryDraw, ParticipationFigure, Registration

CONFIRMED = Registration.Status.CONFIRMED


def _grouped(
    dimension: str, year: FiscalYear, filters: FigureFilter, *, confirmed_only: bool = True
) -> Counter[object]:
    """Count per value of ``dimension`` over live registrations and purged figures: two aggregate queries."""
    held = programs_held(year, filters, "program__")
    status = Q(status=CONFIRMED) if confirmed_only else Q()
    final = Q(final_status=CONFIRMED) if confirmed_only else Q()
    counts: Counter[object] = Counter()
    for queryset in (
        Registration.objects.filter(held, status).values_list(dimension).annotate(n=Count("pk")),
        ParticipationFigure.objects.filter(held, final).values_list(dimension).annotate(n=Count("pk")),
    ):
        for value, n in queryset:
            counts[value] += n
    return counts


def _totals(year: FiscalYear, filters: FigureFilter) -> dict[str, int]:
    held = programs_held(year, filters, "program__")
    came = Exists(Attendance.objects.filter(registration=OuterRef("pk"), present=True))
    live = (
        Registration.objects.filter(held)
        .annotate(came=came)
        .aggregate(
            applications=Count("pk"),
            confirmed=Count("pk", filter=Q(status=CONFIRMED)),
            people=Sum("party_size", filter=Q(status=CONFIRMED)),
            attended=Count("pk", filter=Q(status=CONFIRMED, came=True)),
            residents=Count("pk", filter=Q(status=CONFIRMED, lives_in_city=True)),
            workers=Count("pk", filter=Q(status=CONFIRMED, works_in_city=True)),
            students=Count("pk", filter=Q(status=CONFIRMED, studies_in_city=True)),
            first_timers=Count("pk", filter=Q(status=CONFIRMED, first_timer=True)),
        )
    )
    kept = ParticipationFigure.objects.filter(held).aggregate(
        applications=Count("pk"),
        confirmed=Count("pk", filter=Q(final_status=CONFIRMED)),
        people=Sum("party_size", filter=Q(final_status=CONFIRMED)),
        attended=Count("pk", filter=Q(final_status=CONFIRMED, attended=True)),
        residents=Count("pk", filter=Q(final_status=CONFIRMED, lives_in_city=True)),
        workers=Count("pk", filter=Q(final_status=CONFIRMED, works_in_city=True)),
        students=Count("pk", filter=Q(final_status=CONFIRMED, studies_in_city=True)),
        first_timers=Count("pk", filter=Q(final_status=CONFIRMED, first_timer=True)),
    )
    return {key: (live[key] or 0) + (kept[key] or 0) for key in live}


def _people(year: FiscalYear, filters: FigureFilter, *, by_month: bool) -> dict[int, tuple[int | None, int | None]]:
    """Different people (実人数) among the confirmed registrations, and among those who attended:
    distinct person tokens over the live registrations and the kept figures together (a person
    whose earlier programme was purged and whose later one was not counts once), per calendar
    month of the programme (``by_month``) or for the whole year (key 0). One query.

    A value is ``None`` when a confirmed row has no token (a figure kept before tokens existed):
    how many different people that was cannot be known."""
    held = programs_held(year, filters, "program__")
    dimension = ExtractMonth("program__first_starts_at") if by_month else Constant(0, output_field=IntegerField())
    live = (
        Registration.objects.filter(held, status=CONFIRMED)
        .annotate(
            dimension=dimension,
            came=Exists(Attendance.objects.filter(registration=OuterRef("pk"), present=True)),
        )
        .values_list("dimension", "person_token", "came")
        .order_by()
    )
    kept = (
        ParticipationFigure.objects.filter(held, final_status=CONFIRMED)
        .annotate(dimension=dimension, came=F("attended"))
        .values_list("dimension", "person_token", "came")
        .order_by()
    )
    live_sql, live_params = live.query.sql_with_params()
    kept_sql, kept_params = kept.query.sql_with_params()
    # Distinct over both tables at once, which no ORM aggregate over one of them can say.
    # The parts come from the ORM's compiler, every value a parameter.
    sql = (
        "SELECT people.dimension, COUNT(DISTINCT people.person_token), "  # noqa: S608
        "COUNT(DISTINCT CASE WHEN people.came THEN people.person_token END), "
        "SUM(CASE WHEN people.person_token = '' THEN 1 ELSE 0 END) "
        f"FROM ({live_sql} UNION ALL {kept_sql}) people GROUP BY people.dimension"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*live_params, *kept_params))
        rows = cursor.fetchall()
    return {
        int(key): (None, None) if missing else (int(confirmed), int(came))
        for key, confirmed, came, missing in rows
        if key is not None
    }


def _lottery(year: FiscalYear, filters: FigureFilter) -> list[tuple[str, list[Value]]]:
    """Applicants per seat, by field, over programmes whose places were drawn by lot."""
    drawn = Q(program__lottery_draw__isnull=False)
    applicants = Counter[object]()
    for queryset in (
        Registration.objects.filter(programs_held(year, filters, "program__"), drawn)
        .values_list("program__categories__major")
        .annotate(n=Count("pk")),
        ParticipationFigure.objects.filter(programs_held(year, filters, "program__"), drawn)
        .values_list("program__categories__major")
        .annotate(n=Count("pk")),
    ):
        for major, n in queryset:
            applicants[major] += n
    seats: dict[object, int | None] = dict(
        Program.objects.filter(programs_held(year, filters), lottery_draw__isnull=False)
        .values_list("categories__major")
        .annotate(n=Sum("capacity"))
        .values_list("categories__major", "n")
    )
    rows: list[tuple[str, list[Value]]] = []
    for major in sorted(set(applicants) | set(seats), key=lambda value: str(value or "")):
        seat_count = seats.get(major) or 0
        ratio = round(applicants[major] / seat_count, 2) if seat_count else None
        rows.append((str(major) if major else _("No field given"), [applicants[major], seat_count, ratio]))
    return rows


def _rows(counts: Counter[object], order: Iterable[tuple[object, str]]) -> list[tuple[str, list[Value]]]:
    return [(label, [counts.get(value, 0)]) for value, label in order]


def participation_figures(year: FiscalYear, filters: FigureFilter) -> Section:
    totals = _totals(year, filters)
    people, came = _people(year, filters, by_month=False).get(0, (0, 0))
    people_by_month = _people(year, filters, by_month=True)
    months = _grouped("program__first_starts_at__month", year, filters)
    ages = _grouped("age_band", year, filters)
    areas = _grouped("area__name", year, filters)
    age_order: list[tuple[object, str]] = [
        (band, str(band or _("Not given"))) for band in sorted(ages, key=lambda value: str(value or "~"))
    ]
    area_order: list[tuple[object, str]] = [
        (name, str(name) if name else _("Not given")) for name in sorted(areas, key=lambda value: str(value or "~"))
    ]
    return Section(
        key="participants",
        title=_("Participants"),
        figures=(
            figure(
                "participants.totals",
                _("Registrations and attendance"),
                [
                    (_("Applications"), [totals["applications"]]),
                    (_("Confirmed registrations"), [totals["confirmed"]]),
                    (_("Unique participants (different people confirmed)"), [people]),
                    (_("People confirmed (with their party)"), [totals["people"]]),
                    (_("Registrations that attended"), [totals["attended"]]),
                    (_("Unique participants who attended"), [came]),
                    (_("First-time participants"), [totals["first_timers"]]),
                ],
                additive=False,
            ),
            figure(
                "participants.by_month",
                _("Confirmed registrations per month of the programme"),
                per_month({int(month): n for month, n in months.items() if isinstance(month, int)}),
            ),
            figure(
                "participants.unique_by_month",
                _("Unique participants per month of the programme (each person once a month)"),
                [
                    (label, [people_by_month.get(month, (0, 0))[0]])
                    for label, month in zip(month_labels(), MONTHS, strict=True)
                ],
                additive=False,
                # The months do not add up to the year (one person may come in several), so the
                # chart's one-sentence summary, which sums or reads the first row, would mislead.
                chart=False,
            ),
            figure(
                "participants.attendance_rate",
                _("Attendance rate"),
                [(_("Confirmed registrations that attended (%)"), [share(totals["attended"], totals["confirmed"])])],
                unit="percent",
                chart=False,
            ),
            figure(
                "participants.by_tie",
                _("Confirmed registrations by tie to the city"),
                [
                    (_("Lives in the city"), [totals["residents"]]),
                    (_("Works in the city"), [totals["workers"]]),
                    (_("Studies in the city"), [totals["students"]]),
                ],
                additive=False,
            ),
            figure("participants.by_age_band", _("Confirmed registrations by age band"), _rows(ages, age_order)),
            figure("participants.by_area", _("Confirmed registrations by area"), _rows(areas, area_order)),
            figure(
                "participants.lottery",
                _("Lottery: applicants per seat by field"),
                _lottery(year, filters),
                columns=(_("Applicants"), _("Seats"), _("Applicants per seat")),
                chart=False,
            ),
        ),
    )


def _years_of_programs(program_ids: set[object]) -> set[int]:
    # Read after every registration's commit: unordered (the programme's default order is only cost).
    return years_of_days(
        Program.objects.filter(pk__in=[pk for pk in program_ids if pk is not None])
        .order_by()
        .values_list("first_starts_at", "last_ends_at")
    )


def _years_of_registrations(registration_ids: set[object]) -> set[int]:
    return years_of_days(
        Registration.objects.filter(pk__in=[pk for pk in registration_ids if pk is not None]).values_list(
            "program__first_starts_at", "program__last_ends_at"
        )
    )


def participation_figure_sources() -> list[FigureSource]:
    """What ``participation_figures`` reads; a registration counts in its programme's year."""
    return [
        FigureSource(Registration, key=lambda row: row.program_id, years=_years_of_programs),
        FigureSource(ParticipationFigure, key=lambda row: row.program_id, years=_years_of_programs),
        FigureSource(Attendance, key=lambda row: row.registration_id, years=_years_of_registrations),
        FigureSource(LotteryDraw, key=lambda row: row.program_id, years=_years_of_programs),
        FigureSource(Program, key=program_held_days, track_loaded=True),
        FigureSource(Program.categories.through, key=program_held_days),
        FigureSource(Organizer),
        FigureSource(Category),
        FigureSource(Area),
    ]
