"""The figures at /staff/reports/: a fiscal year's report, its CSV tables and its workbook."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from manabiba.accounts.decorators import permission_required
from manabiba.accounts.models import Department, User
from manabiba.core.figures import FiscalYear, fiscal_year_of
from manabiba.core.models import Area
from manabiba.core.spreadsheet import spreadsheet_response
from manabiba.programs.models import Organizer
from manabiba.reports.charts import bar_chart, charted, trend_summary
from manabiba.reports.exports import figure_csv, report_workbook
from manabiba.reports.selectors import Report, loop_report, report_for, report_years


def _year(request: HttpRequest, year: int | None) -> FiscalYear:
    years = report_years(timezone.localdate())
    if year is None:
        return years[0]
    if year not in {shown.year for shown in years}:
        raise Http404("fiscal year not offered")
    return FiscalYear(year)


def _report(request: HttpRequest, year: int | None) -> Report:
    assert isinstance(request.user, User)
    return report_for(request.user, _year(request, year), request.GET)


def _query(report: Report) -> str:
    """The filter as a query string, so the year links and exports keep the slice."""
    filters = report.filters
    pairs = {
        "department": "" if report.department_fixed or filters.department_id is None else filters.department_id,
        "area": filters.area_id or "",
        "organizer_kind": filters.organizer_kind,
    }
    kept = {key: value for key, value in pairs.items() if value}
    return f"?{urlencode(kept)}" if kept else ""


@permission_required("reports.view")
def report_page(request: HttpRequest, year: int | None = None) -> HttpResponse:
    report = _report(request, year)
    sections = [
        {
            "section": section,
            "figures": [
                {
                    "figure": found,
                    "chart": bar_chart(found, f"chart-{found.key.replace('.', '-')}") if charted(found) else "",
                    "summary": trend_summary(found, report.year),
                }
                for found in section.figures
            ],
        }
        for section in report.sections
    ]
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            "sections": sections,
            "years": report_years(timezone.localdate()),
            "query": _query(report),
            "departments": Department.objects.filter(is_active=True).order_by("name"),
            "areas": Area.objects.all(),
            "organizer_kinds": Organizer.Kind.choices,
            "today": timezone.localdate(),
            "current_year": fiscal_year_of(timezone.localdate()),
        },
    )


@permission_required("reports.view")
def report_csv(request: HttpRequest, year: int, key: str) -> HttpResponse:
    report = _report(request, year)
    for section in report.sections:
        for found in section.figures:
            if found.key == key:
                return figure_csv(report, found)
    raise Http404("no such figure")


@permission_required("reports.view")
def report_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    return report_workbook(_report(request, year))


@permission_required("reports.view_all")
def loop_page(request: HttpRequest, year: int | None = None) -> HttpResponse:
    """The loop, measured (知の循環): proposals, lectures held, participants, and learners who later teach."""
    assert isinstance(request.user, User)
    loop = loop_report(request.user, _year(request, year), timezone.localdate())
    figures = [
        {
            "figure": found,
            "chart": bar_chart(found, f"chart-{found.key.replace('.', '-')}") if charted(found) else "",
            "summary": trend_summary(found, loop.year),
        }
        for found in (loop.section.figures if loop.section is not None else ())
    ]
    return render(
        request,
        "reports/loop.html",
        {"loop": loop, "figures": figures, "years": report_years(timezone.localdate())},
    )


@permission_required("reports.view_all")
def loop_csv(request: HttpRequest) -> HttpResponse:
    """Every figure of the loop over the years offered, one row per item, through the site's CSV writer."""
    assert isinstance(request.user, User)
    loop = loop_report(request.user, _year(request, None), timezone.localdate())
    header = [_("Table"), _("Item"), *[shown.label for shown in loop.years]]
    rows = [[found.title, row.label, *row.values] for found in loop.over_years for row in found.rows]
    return spreadsheet_response("manabiba-loop.csv", header, rows)
