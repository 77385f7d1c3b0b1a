"""Charts drawn on the server as SVG (no chart script), readable in greyscale print.

The year's bars are solid in the site's brand green; the previous year's are white with a dark
outline and diagonal hatching, so the two years differ by pattern as well as by colour. Every
chart has a title and a one-sentence summary; the data table beside it is the accessible
alternative (JIS X 8341-3), so the drawing itself is hidden from assistive technology.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from manabiba.core.figures import Figure, FiscalYear

BRAND = "#0b5d3b"  # --brand in web/static/web/site.css
INK = "#1a1a1a"  # --ink
LINE = "#767676"  # --line
BAR = 14
GAP = 6
LABEL_WIDTH = 190
PLOT_WIDTH = 360
VALUE_WIDTH = 60


def charted(found: Figure) -> bool:
    """Whether ``found`` is drawn: a count per row for this year and the one before, with rows to compare."""
    return found.chart and found.unit == "count" and len(found.columns) == 2 and len(found.rows) > 0


def _fit(label: str, room: float = LABEL_WIDTH - 14) -> str:
    """The label cut to the room beside the bars (a full-width character is about twice a Latin one);
    the table beside the chart has it whole."""
    width = 0.0
    for index, char in enumerate(label):
        width += 12 if ord(char) > 0x2E7F else 6.6
        if width > room:
            return label[: max(index - 1, 1)] + "…"
    return label


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def bar_chart(found: Figure, chart_id: str) -> SafeString:
    """Horizontal bars, two per row (this year, then the previous year)."""
    top = max((float(v or 0) for row in found.rows for v in row.values), default=0) or 1
    row_height = 2 * BAR + GAP * 2
    height = row_height * len(found.rows) + 34
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" aria-hidden="true" focusable="false">',
        f'<defs><pattern id="{escape(chart_id)}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{INK}" stroke-width="1.5"/></pattern></defs>',
    ]
    for index, row in enumerate(found.rows):
        y = index * row_height + GAP
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR + 4}" text-anchor="end" font-size="12" fill="{INK}">'
            f"{escape(_fit(row.label))}</text>"
        )
        for offset, (value, fill, stroke) in enumerate(
            [(row.values[0], BRAND, BRAND), (row.values[1], f"url(#{escape(chart_id)}-hatch)", INK)]
        ):
            length = max(float(value or 0) / top * PLOT_WIDTH, 0)
            bar_y = y + offset * BAR
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{bar_y}" width="{length:.1f}" height="{BAR - 2}" fill="{fill}" '
                f'stroke="{stroke}" stroke-width="1"/>'
            )
            parts.append(
                f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{bar_y + BAR - 4}" font-size="11" fill="{INK}">'
                f"{_number(float(value or 0))}</text>"
            )
    legend_y = len(found.rows) * row_height + 14
    parts.append(
        f'<rect x="{LABEL_WIDTH}" y="{legend_y}" width="14" height="12" fill="{BRAND}"/>'
        f'<text x="{LABEL_WIDTH + 20}" y="{legend_y + 11}" font-size="12" fill="{INK}">'
        f"{escape(found.columns[0])}</text>"
        f'<rect x="{LABEL_WIDTH + 150}" y="{legend_y}" width="14" height="12" fill="url(#{escape(chart_id)}-hatch)" '
        f'stroke="{INK}"/>'
        f'<text x="{LABEL_WIDTH + 170}" y="{legend_y + 11}" font-size="12" fill="{INK}">'
        f"{escape(found.columns[1])}</text>"
    )
    parts.append(f'<line x1="{LABEL_WIDTH}" y1="0" x2="{LABEL_WIDTH}" y2="{legend_y - 6}" stroke="{LINE}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text in it went through escape()


def trend_summary(found: Figure, year: FiscalYear) -> str:
    """One sentence a manager reads instead of the chart: the change from last year and what leads.

    Rows that add up (months, fields) are summed; rows that are each their own measure (applications,
    confirmed, attended) are described by the first, the headline one.
    """
    if not charted(found):
        return ""
    if found.additive:
        now, before = found.total(0), found.total(1)
        what = found.title
    else:
        now, before = float(found.rows[0].values[0] or 0), float(found.rows[0].values[1] or 0)
        what = found.rows[0].label
    largest = max(found.rows, key=lambda row: float(row.values[0] or 0))
    values = {
        "what": what,
        "year": year.label,
        "total": _number(now),
        "previous": year.previous().label,
        "before": _number(before),
        "largest": largest.label,
    }
    if not now and not before:
        return _("%(what)s: nothing was counted in %(year)s or %(previous)s.") % values
    if not now:
        return _("%(what)s: none in %(year)s, down from %(before)s in %(previous)s.") % values
    if not found.additive:
        if now > before:
            return _("%(what)s: %(total)s in %(year)s, up from %(before)s in %(previous)s.") % values
        if now < before:
            return _("%(what)s: %(total)s in %(year)s, down from %(before)s in %(previous)s.") % values
        return _("%(what)s: %(total)s in %(year)s, the same as in %(previous)s.") % values
    if now > before:
        return (
            _("%(what)s: %(total)s in %(year)s, up from %(before)s in %(previous)s; the most in %(largest)s.") % values
        )
    if now < before:
        return (
            _("%(what)s: %(total)s in %(year)s, down from %(before)s in %(previous)s; the most in %(largest)s.")
            % values
        )
    return _("%(what)s: %(total)s in %(year)s, the same as in %(previous)s; the most in %(largest)s.") % values
