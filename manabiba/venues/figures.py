"""Room booking, for the reports: how much of the rooms' open frames were used (the city reviews rooms
used for less than 60% of them), per month, per frame and per room, from the bookings alone."""

from django.utils.translation import gettext as _

from manabiba.core.figures import MONTHS, FigureFilter, FiscalYear, Section, figure, month_labels
from manabiba.facilities.selectors import facilities_with_bookable_rooms
from manabiba.venues.utilisation import TARGET_PERCENT, utilisation_of_year


def venues_report_figures(year: FiscalYear, filters: FigureFilter) -> Section | None:
    if filters.department_id is not None or filters.organizer_kind:
        return None  # a room belongs to no department or organiser: the slice does not apply
    facilities = facilities_with_bookable_rooms()
    if filters.area_id is not None:
        facilities = [facility for facility in facilities if facility.area_id == filters.area_id]
    found = utilisation_of_year(facilities, year)
    return Section(
        key="venues",
        title=_("Room utilisation"),
        figures=(
            figure(
                "venues.utilisation_by_month",
                _("Share of open room frames booked, per month (%)"),
                [(label, [found.by_month[month].percent]) for label, month in zip(month_labels(), MONTHS, strict=True)],
                unit="percent",
                additive=False,
            ),
            figure(
                "venues.booked_by_month",
                _("Room frames booked, per month"),
                [(label, [found.by_month[month].used]) for label, month in zip(month_labels(), MONTHS, strict=True)],
            ),
            figure(
                "venues.utilisation_by_frame",
                _("Share of open room frames booked, per time frame (%)"),
                [(name, [use.percent]) for name, use in found.by_frame.items()],
                unit="percent",
                additive=False,
            ),
            figure(
                "venues.utilisation_by_room",
                _("Share of open frames booked, per room (%)"),
                [
                    (f"{row.room.facility.name} {row.room.name}" if row.room else "", [row.percent])
                    for row in found.rooms
                ],
                unit="percent",
                additive=False,
            ),
            figure(
                "venues.rooms_under_target",
                _("Rooms used for less than %(target)s%% of their open frames") % {"target": TARGET_PERCENT},
                [
                    (_("Rooms under the target"), [sum(1 for row in found.rooms if row.under_target)]),
                    (_("Rooms with open frames"), [sum(1 for row in found.rooms if row.open)]),
                ],
                chart=False,
                additive=False,
            ),
        ),
    )
