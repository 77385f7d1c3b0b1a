"""Programmes held, for the reports: by field, organiser kind, time band and month (see core/figures.py)."""

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.utils.translation import gettext as _

from manabiba.core.figures import FigureFilter, FigureSource, FiscalYear, Section, figure, per_month, share
from manabiba.programs.models import Category, Organizer, Program, ProgramSession

HELD = (Program.Status.PUBLISHED, Program.Status.FINISHED)


def programs_held(year: FiscalYear, filters: FigureFilter, prefix: str = "") -> Q:
    """Programmes that started in ``year``, published or finished, within the filter (``prefix`` for joins)."""
    q = Q(
        **{
            f"{prefix}status__in": HELD,
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


def _sessions(year: FiscalYear, filters: FigureFilter) -> QuerySet[ProgramSession]:
    sessions = ProgramSession.objects.filter(local_date__gte=year.first_day, local_date__lt=year.after_last_day)
    sessions = sessions.filter(program__status__in=HELD)
    if filters.department_id is not None:
        sessions = sessions.filter(program__organizer__department_id=filters.department_id)
    if filters.area_id is not None:
        sessions = sessions.filter(program__area_id=filters.area_id)
    if filters.organizer_kind:
        sessions = sessions.filter(program__organizer__kind=filters.organizer_kind)
    return sessions


def program_figures(year: FiscalYear, filters: FigureFilter) -> Section:
    held = Program.objects.filter(programs_held(year, filters))
    by_field: dict[str | None, int] = dict(
        held.values_list("categories__major")
        .annotate(n=Count("pk", distinct=True))
        .values_list("categories__major", "n")
    )
    majors = list(dict.fromkeys(Category.objects.order_by("sort_order", "major").values_list("major", flat=True)))
    by_kind = dict(held.values_list("organizer__kind").annotate(n=Count("pk")).values_list("organizer__kind", "n"))
    by_month = dict(
        held.annotate(month=ExtractMonth("first_starts_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    bands = _sessions(year, filters).aggregate(
        weekday_day=Count("pk", filter=Q(is_day_off=False) & ~Q(time_band=ProgramSession.TimeBand.EVENING)),
        weekday_evening=Count("pk", filter=Q(is_day_off=False, time_band=ProgramSession.TimeBand.EVENING)),
        day_off=Count("pk", filter=Q(is_day_off=True)),
    )
    sessions = sum(bands.values())
    band_rows = [
        (_("Weekday daytime"), bands["weekday_day"]),
        (_("Weekday evening"), bands["weekday_evening"]),
        (_("Weekend or holiday"), bands["day_off"]),
    ]
    unfielded = by_field.get(None, 0)
    field_rows = [(major, [by_field.get(major, 0)]) for major in majors]
    if unfielded:
        field_rows.append((_("No field given"), [unfielded]))
    return Section(
        key="programs",
        title=_("Programmes held"),
        figures=(
            figure(
                "programs.by_month",
                _("Programmes held per month"),
                per_month(by_month),
            ),
            figure("programs.by_field", _("Programmes held by field"), field_rows),
            figure(
                "programs.by_organizer_kind",
                _("Programmes held by organiser kind"),
                [(str(label), [by_kind.get(value, 0)]) for value, label in Organizer.Kind.choices],
            ),
            figure(
                "programs.by_time_band",
                _("Sessions by time of the week"),
                [(label, [count, share(count, sessions)]) for label, count in band_rows],
                columns=(_("Sessions"), _("Share (%)")),
            ),
            figure(
                "programs.evening_weekend_share",
                _("Share of sessions on weekday evenings and weekends"),
                [(_("Weekday evenings and weekends"), [share(bands["weekday_evening"] + bands["day_off"], sessions)])],
                unit="percent",
                chart=False,
            ),
        ),
    )


def program_held_days(program: Program) -> tuple[object, object]:
    """The days that place a programme (and its sessions) in fiscal years: its first and last."""
    return (program.first_starts_at, program.last_ends_at)


def program_figure_sources() -> list[FigureSource]:
    """What ``program_figures`` reads. Sessions are not listed: the services replace them and then
    save the programme with its new first and last days, and the programme's change is noted with
    the days it was loaded with, so a programme moved to another year retires both years."""
    return [
        FigureSource(Program, key=program_held_days, track_loaded=True),
        FigureSource(Program.categories.through, key=program_held_days),
        FigureSource(Organizer),  # a changed kind or department: every year
        FigureSource(Category),  # a renamed field: every year
    ]
