"""The talent bank, for the reports: talents registered, introductions forwarded and held."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from manabiba.core.figures import FigureFilter, FiscalYear, Section, figure
from manabiba.talents.models import IntroductionRequest, TalentProfile


def talent_figures(year: FiscalYear, filters: FigureFilter) -> Section | None:
    if not filters.is_empty:
        return None  # the talent bank is the city's, not a department's or an area's
    start, end = year.starts_at, year.ends_at
    talents = TalentProfile.objects.aggregate(
        registered=Count("pk", filter=Q(approved_at__gte=start, approved_at__lt=end)),
    )
    introductions = IntroductionRequest.objects.aggregate(
        requested=Count("pk", filter=Q(created_at__gte=start, created_at__lt=end)),
        forwarded=Count("pk", filter=Q(forwarded_at__gte=start, forwarded_at__lt=end)),
        held=Count("pk", filter=Q(forwarded_at__gte=start, forwarded_at__lt=end, held=True)),
    )
    return Section(
        key="talents",
        title=_("Talent bank"),
        figures=(
            figure(
                "talents.totals",
                _("Talent bank"),
                [
                    (_("Talents registered (approved in the year)"), [talents["registered"]]),
                    (_("Introductions requested"), [introductions["requested"]]),
                    (_("Introductions forwarded to a talent"), [introductions["forwarded"]]),
                    (_("Introductions that were held"), [introductions["held"]]),
                ],
                additive=False,
            ),
        ),
    )
