"""The utilisation chart, drawn on the server as SVG (no chart script), like the reports' charts.

One bar per room, solid when the room reaches the city's target and hatched when it is under it, so
the two differ by pattern as well as colour; a dashed line marks the target. The table beside it is the
accessible alternative, so the drawing is hidden from assistive technology.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

BRAND = "#0b5d3b"  # --brand in web/static/web/site.css
INK = "#1a1a1a"  # --ink
LINE = "#767676"  # --line
BAR = 16
GAP = 6
LABEL_WIDTH = 230
PLOT_WIDTH = 360
VALUE_WIDTH = 60


def _fit(label: str, room: float = LABEL_WIDTH - 14) -> str:
    width = 0.0
    for index, char in enumerate(label):
        width += 12 if ord(char) > 0x2E7F else 6.6
        if width > room:
            return label[: max(index - 1, 1)] + "…"
    return label


def percent_bar_chart(rows: list[tuple[str, float | None]], *, target: int, chart_id: str, title: str) -> SafeString:
    """Horizontal bars from 0 to 100% for ``rows`` of (label, percent or None for no open frames)."""
    row_height = BAR + GAP
    legend_y = len(rows) * row_height + 16
    height = legend_y + 20
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    cid = escape(chart_id)
    parts = [
        f'<svg class="chart" id="{cid}" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" aria-hidden="true" focusable="false"><title>{escape(title)}</title>',
        f'<defs><pattern id="{cid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{INK}" stroke-width="1.5"/></pattern></defs>',
    ]
    for index, (label, value) in enumerate(rows):
        y = index * row_height + GAP
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR - 4}" text-anchor="end" font-size="12" fill="{INK}">'
            f"{escape(_fit(label))}</text>"
        )
        length = (value or 0) / 100 * PLOT_WIDTH
        under = value is not None and value < target
        fill, stroke = (f"url(#{cid}-hatch)", INK) if under else (BRAND, BRAND)
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR - 2}" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="1"/>'
        )
        shown = "—" if value is None else f"{value:.1f}%"
        parts.append(
            f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + BAR - 4}" font-size="11" fill="{INK}">{shown}</text>'
        )
    target_x = LABEL_WIDTH + target / 100 * PLOT_WIDTH
    parts.append(
        f'<line x1="{target_x:.1f}" y1="0" x2="{target_x:.1f}" y2="{legend_y - 6}" stroke="{INK}" '
        f'stroke-dasharray="4 3"/>'
    )
    parts.append(f'<line x1="{LABEL_WIDTH}" y1="0" x2="{LABEL_WIDTH}" y2="{legend_y - 6}" stroke="{LINE}"/>')
    at_least = escape(_("%(target)s%% or more") % {"target": target})
    below = escape(_("under %(target)s%%") % {"target": target})
    parts.append(
        f'<rect x="{LABEL_WIDTH}" y="{legend_y}" width="14" height="12" fill="{BRAND}"/>'
        f'<text x="{LABEL_WIDTH + 20}" y="{legend_y + 11}" font-size="12" fill="{INK}">'
        f"{at_least}</text>"
        f'<rect x="{LABEL_WIDTH + 150}" y="{legend_y}" width="14" height="12" fill="url(#{cid}-hatch)" stroke="{INK}"/>'
        f'<text x="{LABEL_WIDTH + 170}" y="{legend_y + 11}" font-size="12" fill="{INK}">'
        f"{below}</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text in it went through escape()
