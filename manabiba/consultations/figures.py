"""Learning consultations, for the reports: received, routed, and how fast they were answered.

Only what the retention purge keeps is read (topic, channel, department, dates, status), so a
past year's figures are the same after consultations are anonymised."""

from statistics import median

from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth
from django.utils.translation import gettext as _

from manabiba.accounts.models import Department
from manabiba.consultations.models import Channel, Consultation, Topic
from manabiba.core.figures import FigureFilter, FigureSource, FiscalYear, Section, figure, per_month, share


def consultation_report_figures(year: FiscalYear, filters: FigureFilter) -> Section | None:
    if filters.area_id is not None or filters.organizer_kind:
        return None  # a consultation has no area or organiser: the slice does not apply
    received = Consultation.objects.filter(Q(confirmed_at__isnull=False) | Q(logged_by__isnull=False)).filter(
        created_at__gte=year.starts_at, created_at__lt=year.ends_at
    )
    if filters.department_id is not None:
        received = received.filter(department_id=filters.department_id)
    by_channel = dict(received.values_list("channel").annotate(n=Count("pk")).values_list("channel", "n"))
    by_topic = dict(received.values_list("topic").annotate(n=Count("pk")).values_list("topic", "n"))
    by_department = list(
        received.values_list("department__name")
        .annotate(n=Count("pk"))
        .order_by("department__name")
        .values_list("department__name", "n")
    )
    by_month = dict(
        received.annotate(month=ExtractMonth("created_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    times = list(
        received.values_list("confirmed_at", "created_at", "first_response_at", "first_response_on_time", "closed_at")
    )
    first_hours = [
        (first - (confirmed or created)).total_seconds() / 3600 for confirmed, created, first, _ok, _c in times if first
    ]
    closed_hours = [
        (closed - (confirmed or created)).total_seconds() / 3600
        for confirmed, created, _f, _ok, closed in times
        if closed
    ]
    on_time = sum(1 for *_rest, ok, _c in times if ok)
    return Section(
        key="consultations",
        title=_("Learning consultations"),
        figures=(
            figure(
                "consultations.by_month",
                _("Consultations received per month"),
                per_month(by_month),
            ),
            figure(
                "consultations.by_channel",
                _("Consultations received by channel"),
                [(str(label), [by_channel.get(value, 0)]) for value, label in Channel.choices],
            ),
            figure(
                "consultations.by_topic",
                _("Consultations received by topic"),
                [(str(label), [by_topic.get(value, 0)]) for value, label in Topic.choices],
            ),
            figure(
                "consultations.by_department",
                _("Consultations routed to departments"),
                [(name or _("Not routed to a department"), [n]) for name, n in by_department],
            ),
            figure(
                "consultations.response",
                _("Response times"),
                [
                    (_("Median hours to the first answer"), [round(median(first_hours), 1) if first_hours else None]),
                    (_("Median hours to closing"), [round(median(closed_hours), 1) if closed_hours else None]),
                    (_("First answers within the target (%)"), [share(on_time, len(first_hours))]),
                ],
                unit="hours",
                chart=False,
            ),
        ),
    )


def consultation_figure_sources() -> list[FigureSource]:
    """What ``consultation_report_figures`` reads: a consultation counts in the year it was received."""
    return [
        FigureSource(Consultation, key=lambda row: row.created_at),
        FigureSource(Department),  # a renamed department: every year
    ]
