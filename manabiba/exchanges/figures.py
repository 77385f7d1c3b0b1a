"""Exchange meetings, for the reports: the generations involved, because "exchange between
generations" is a goal of the plan. Counted over the meetings that started in the fiscal year."""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from manabiba.core.figures import FigureFilter, FigureSource, FiscalYear, Section, figure, years_of_days
from manabiba.exchanges.models import FairTable, Generation, GroupAttendance, Presentation
from manabiba.programs.models import Program
from manabiba.registrations.models import Registration


def _program_filter(year: FiscalYear, filters: FigureFilter, prefix: str = "program__") -> Q:
    q = Q(
        **{
            f"{prefix}kind": Program.Kind.EXCHANGE,
            f"{prefix}first_starts_at__gte": year.starts_at,
            f"{prefix}first_starts_at__lt": year.ends_at,
        }
    )
    if filters.department_id is not None:
        q &= Q(**{f"{prefix}organizer__department_id": filters.department_id})
    if filters.area_id is not None:
        q &= Q(**{f"{prefix}area_id": filters.area_id})
    if filters.organizer_kind:
        q &= Q(**{f"{prefix}organizer__kind": filters.organizer_kind})
    return q


def exchange_figures(year: FiscalYear, filters: FigureFilter) -> Section | None:
    """Three aggregate queries whatever the number of meetings. Group attendance survives the
    retention purge (the registration link is cleared, the group and its numbers stay)."""
    where = _program_filter(year, filters)
    codes = Generation.values
    presented = Presentation.objects.filter(where, status=Presentation.Status.ACCEPTED).aggregate(
        **{code: Count("pk", filter=Q(generations__contains=code)) for code in codes}
    )
    tables = FairTable.objects.filter(where, status=FairTable.Status.ACCEPTED).aggregate(
        **{code: Count("pk", filter=Q(generations__contains=code)) for code in codes}
    )
    # Groups whose registration was cancelled or never got a seat did not come; a purged
    # registration (link cleared) was kept because it came.
    attending = GroupAttendance.objects.filter(where).filter(
        Q(registration__isnull=True) | Q(registration__status__in=Registration.SEATED)
    )
    groups = attending.aggregate(
        **{f"g_{code}": Count("pk", filter=Q(generations__contains=code)) for code in codes},
        **{f"m_{code}": Sum("members", filter=Q(generations__contains=code)) for code in codes},
    )
    rows = [
        (
            str(label),
            [
                int(presented[code]) + int(tables[code]),
                int(groups[f"g_{code}"] or 0),
                int(groups[f"m_{code}"] or 0),
            ],
        )
        for code, label in Generation.choices
    ]
    return Section(
        key="exchanges",
        title=_("Exchange meetings"),
        figures=(
            figure(
                "exchanges.generations",
                _("Generations at exchange meetings"),
                rows,
                columns=(_("Presentations and tables"), _("Attending groups"), _("Members of attending groups")),
                additive=False,
            ),
        ),
    )


def _years_of_meetings(program_ids: set[object]) -> set[int]:
    """The fiscal years of those programmes that are exchange meetings: a meeting counts in the
    year it starts, and a registration for any other programme is in no year of this section."""
    return years_of_days(
        Program.objects.filter(pk__in=[pk for pk in program_ids if pk is not None], kind=Program.Kind.EXCHANGE)
        .order_by()
        .values_list("first_starts_at", flat=True)
    )


def exchange_figure_sources() -> list[FigureSource]:
    """What ``exchange_figures`` reads, so that its sections are kept (``core.figures``); a change
    of a presentation, a table, a group's attendance or a programme retires every year of the
    section (meetings are few, reports read often). A registration is read only through a group's
    attendance, written after it: a new one alters nothing (a burst of applications for a course
    retires nothing here), a change of one alters its meeting's year."""
    return [
        *(FigureSource(model) for model in (Presentation, FairTable, GroupAttendance)),
        FigureSource(Registration, key=lambda row: row.program_id, years=_years_of_meetings, on_create=False),
        FigureSource(Program),
    ]
