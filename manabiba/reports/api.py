"""Reports API: ``GET /api/v1/staff/reports/{fiscal_year}`` answers the figures of the report page
as JSON, for a staff token, with the same slice the page shows the person (a department its own)."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from manabiba.accounts.authentication import token_auth
from manabiba.accounts.models import User
from manabiba.core.api_errors import ErrorOut
from manabiba.core.figures import FiscalYear
from manabiba.reports.selectors import report_for, report_years

router = Router(tags=["reports"])


class RowOut(Schema):
    label: str
    values: list[int | float | None]


class FigureOut(Schema):
    key: str
    title: str
    unit: str
    columns: list[str]
    rows: list[RowOut]


class SectionOut(Schema):
    key: str
    title: str
    figures: list[FigureOut]


class FiltersOut(Schema):
    department: int | None
    area: int | None
    organizer_kind: str


class ReportOut(Schema):
    fiscal_year: int
    starts_on: str
    ends_on: str
    filters: FiltersOut
    sections: list[SectionOut]


@router.get(
    "/staff/reports/{fiscal_year}",
    response={200: ReportOut, 403: ErrorOut, 404: ErrorOut},
    auth=token_auth,
    summary="A fiscal year's report figures",
    description=(
        "The figures of /staff/reports/ for the fiscal year that starts in April of `fiscal_year`, each "
        "figure's columns giving that year and the year before. Filter with `department`, `area` (ids) and "
        "`organizer_kind`; a department's staff always get their own department's figures. 403: the "
        "token's person may not see reports. 404: the year is not one the reports offer (this and the four before)."
    ),
)
def staff_report(
    request: HttpRequest, fiscal_year: int, department: str = "", area: str = "", organizer_kind: str = ""
) -> Status[Any]:
    user = request.user
    if fiscal_year not in {year.year for year in report_years(timezone.localdate())}:
        return Status(404, {"detail": _("There is no report for this fiscal year.")})
    if not isinstance(user, User):
        return Status(403, {"detail": _("Your account does not have permission for this.")})
    try:
        report = report_for(
            user, FiscalYear(fiscal_year), {"department": department, "area": area, "organizer_kind": organizer_kind}
        )
    except PermissionDenied:
        return Status(403, {"detail": _("Your account does not have permission for this.")})
    year = report.year
    return Status(
        200,
        {
            "fiscal_year": year.year,
            "starts_on": year.first_day.isoformat(),
            "ends_on": date.fromordinal(year.after_last_day.toordinal() - 1).isoformat(),
            "filters": {
                "department": report.filters.department_id,
                "area": report.filters.area_id,
                "organizer_kind": report.filters.organizer_kind,
            },
            "sections": [
                {
                    "key": section.key,
                    "title": section.title,
                    "figures": [
                        {
                            "key": found.key,
                            "title": found.title,
                            "unit": found.unit,
                            "columns": list(found.columns),
                            "rows": [{"label": row.label, "values": list(row.values)} for row in found.rows],
                        }
                        for found in section.figures
                    ],
                }
                for section in report.sections
            ],
        },
    )
