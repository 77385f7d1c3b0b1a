"""The report as files: one figure as CSV (through the site's one CSV writer) and the whole report
as an Excel workbook, one sheet per section, each figure a titled table with number formats."""

import io
import re

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from manabiba.core.figures import Figure
from manabiba.core.spreadsheet import Cell, spreadsheet_response
from manabiba.reports.selectors import Report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"count": "#,##0", "percent": '0.0"%"', "hours": "#,##0.0", "ratio": "0.00"}
_SHEET_UNSAFE = re.compile(r"[\[\]\*\?/\\:]")


def figure_header(found: Figure) -> list[str]:
    return [_("Item"), *found.columns]


def figure_rows(found: Figure) -> list[list[Cell]]:
    return [[row.label, *row.values] for row in found.rows]


def figure_csv(report: Report, found: Figure) -> HttpResponse:
    filename = f"manabiba-report-{report.year.year}-{found.key.replace('.', '-')}.csv"
    return spreadsheet_response(filename, figure_header(found), figure_rows(found))


def _number_format(found: Figure, column: int, row_label: str) -> str:
    # A percentage row inside a table of counts (the share of sessions, the on-time share).
    if "%" in row_label or "%" in found.columns[column - 2]:
        return FORMATS["percent"]
    return FORMATS[found.unit]


def report_workbook(report: Report) -> HttpResponse:
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for section in report.sections:
        sheet = book.create_sheet(_SHEET_UNSAFE.sub(" ", section.title)[:31])
        sheet.append([f"{section.title} — {report.year.label}"])
        sheet["A1"].font = Font(bold=True, size=14)
        widest = 10
        for found in section.figures:
            sheet.append([])
            sheet.append([found.title])
            sheet.cell(row=sheet.max_row, column=1).font = bold
            sheet.append(figure_header(found))
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for row in figure_rows(found):
                sheet.append(row)
                label = str(row[0])
                widest = max(widest, len(label) * 2)
                for column in range(2, len(row) + 1):
                    sheet.cell(row=sheet.max_row, column=column).number_format = _number_format(found, column, label)
        sheet.column_dimensions["A"].width = min(widest, 60)
        for column in range(2, sheet.max_column + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 16
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="manabiba-report-{report.year.year}.xlsx"'
    return response
