"""CSV that spreadsheets open safely: one writer for every export the site offers.

Excel reads UTF-8 as Shift_JIS unless the file starts with a byte-order mark, and it runs a cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return as a formula (CSV
injection). Every CSV the site writes goes through ``spreadsheet_csv``, so no export can forget
either; the importer reverses the escape with ``spreadsheet_unescape`` so a round trip keeps the
text as it was.
"""

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

BOM = "\ufeff"
FORMULA_STARTS = frozenset({"=", "+", "-", "@", "\t", "\r"})
ESCAPE = "'"

Cell = str | int | float | None


def spreadsheet_safe(value: Cell) -> str:
    """The cell as text a spreadsheet shows as written and never runs as a formula.

    Numbers stay numbers (a negative count is a number, not a formula); text that a spreadsheet
    would evaluate gets a leading apostrophe, which spreadsheets hide and treat as "this is text".
    """
    if value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    return ESCAPE + value if value[:1] in FORMULA_STARTS else value


def spreadsheet_unescape(value: str) -> str:
    """The text ``spreadsheet_safe`` was given, for a cell read back from a file we wrote."""
    if value[:1] == ESCAPE and value[1:2] in FORMULA_STARTS:
        return value[1:]
    return value


def spreadsheet_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]], *, bom: bool = True) -> str:
    """CSV text with CRLF lines (RFC 4180), every cell made safe, a BOM first unless told otherwise."""
    out = io.StringIO()
    if bom:
        out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(cell) for cell in header])
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()


def spreadsheet_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> HttpResponse:
    """A CSV download (UTF-8 with a BOM, so Excel opens it as Japanese)."""
    response = HttpResponse(spreadsheet_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
