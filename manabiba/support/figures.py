"""Support requests, for the reports: what groups ask help with, which departments help, how long it takes.

Two queries whatever the data. A department's slice counts the requests it holds a part of."""

from statistics import median

from django.db.models import Count
from django.utils.translation import gettext as _

from manabiba.core.figures import FigureFilter, FiscalYear, Section, figure
from manabiba.support.models import Kind, SupportRequest, SupportTask


def support_report_figures(year: FiscalYear, filters: FigureFilter) -> Section | None:
    if filters.area_id is not None or filters.organizer_kind:
        return None  # a request has no area or organiser kind: the slice does not apply
    received = SupportRequest.objects.filter(created_at__gte=year.starts_at, created_at__lt=year.ends_at)
    tasks = SupportTask.objects.filter(request__created_at__gte=year.starts_at, request__created_at__lt=year.ends_at)
    if filters.department_id is not None:
        received = received.filter(tasks__department_id=filters.department_id).distinct()
        tasks = tasks.filter(department_id=filters.department_id)
    rows = list(received.values_list("kinds", "created_at", "closed_at"))
    per_kind = dict.fromkeys(Kind.values, 0)
    for kinds, _created, _closed in rows:
        for code in kinds or ():
            if code in per_kind:
                per_kind[code] += 1
    by_department = list(
        tasks.values_list("department__name")
        .annotate(n=Count("pk"))
        .order_by("department__name")
        .values_list("department__name", "n")
    )
    days = [(closed - created).total_seconds() / 86400 for _k, created, closed in rows if closed]
    return Section(
        key="support",
        title=_("Support requests"),
        figures=(
            figure(
                "support.by_kind",
                _("Support requests by kind of help asked"),
                [(str(label), [per_kind[value]]) for value, label in Kind.choices],
                additive=False,  # a request may ask for several kinds of help
            ),
            figure(
                "support.by_department",
                _("Support tasks per department"),
                [(name, [n]) for name, n in by_department],
            ),
            figure(
                "support.days_to_close",
                _("Days to close a support request"),
                [
                    (_("Requests closed"), [len(days)]),
                    (_("Median days to close"), [round(median(days), 1) if days else None]),
                    (_("Longest (days)"), [round(max(days), 1) if days else None]),
                ],
                unit="ratio",
                chart=False,
                additive=False,
            ),
        ),
    )
