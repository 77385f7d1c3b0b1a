"""The one-stop desk's use by hour of the week, for the reports: how much the evening and
weekend opening is used (appointments kept after the resident's details are removed)."""

from django.db.models import Count
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils.translation import gettext as _

from manabiba.core.figures import FigureFilter, FiscalYear, Section, Value, figure, share
from manabiba.desk.models import Appointment

EVENING_FROM = 17


def desk_figures(year: FiscalYear, filters: FigureFilter) -> Section | None:
    if not filters.is_empty:
        return None  # the desk serves the whole city: no department, area or organiser slice
    booked = Appointment.objects.filter(
        status=Appointment.Status.BOOKED, starts_at__gte=year.starts_at, starts_at__lt=year.ends_at
    ).annotate(day=ExtractIsoWeekDay("starts_at"), hour=ExtractHour("starts_at"))
    cells = {
        (day, hour): n
        for day, hour, n in booked.values_list("day", "hour").annotate(n=Count("pk")).values_list("day", "hour", "n")
    }
    hours = list(range(9, 21))
    names = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]
    rows: list[tuple[str, list[Value]]] = [
        (names[day - 1], [cells.get((day, hour), 0) for hour in hours]) for day in range(1, 8)
    ]
    total = sum(cells.values())
    evening_or_weekend = sum(n for (day, hour), n in cells.items() if day >= 6 or hour >= EVENING_FROM)
    return Section(
        key="desk",
        title=_("Desk appointments"),
        figures=(
            figure(
                "desk.by_hour_of_week",
                _("Desk appointments by hour of the week"),
                rows,
                columns=[_("%(hour)s:00") % {"hour": hour} for hour in hours],
                chart=False,
            ),
            figure(
                "desk.evening_weekend",
                _("Desk appointments on weekday evenings and weekends"),
                [
                    (_("Appointments"), [evening_or_weekend]),
                    (_("Share of all appointments (%)"), [share(evening_or_weekend, total)]),
                ],
                chart=False,
            ),
        ),
    )
