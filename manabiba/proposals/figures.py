"""The loop, measured (知の循環): proposals received, adopted and held, their participants and survey,
and the learners who later teach: talents registered and proposals made by people who had taken part
in a programme, or in a citizen-proposal lecture, before.

Each count is one aggregate query, so the page costs the same whatever the data. Participants come from
live registrations and the anonymous figures kept once they are purged; "who later teaches" needs the
person, so it counts only what the registrations' retention still holds (see docs/proposals.md).
"""

from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.core.figures import FigureFilter, FigureSource, FiscalYear, Section, figure, fiscal_year_of
from manabiba.programs.models import Program
from manabiba.proposals.models import Proposal, SurveyAnswer
from manabiba.proposals.selectors import HELD_PROGRAM_STATUSES
from manabiba.registrations.models import Attendance, ParticipationFigure, Registration
from manabiba.talents.models import IntroductionRequest, TalentProfile

ADOPTED = (Proposal.Decision.ACCEPT, Proposal.Decision.ACCEPT_WITH_CONDITIONS)


def _held(year: FiscalYear, prefix: str = "") -> Q:
    """Citizen-proposal lectures whose last session ended in ``year`` (and so are over)."""
    return Q(
        **{
            f"{prefix}status": Proposal.Status.SCHEDULED,
            f"{prefix}program__status__in": HELD_PROGRAM_STATUSES,
            f"{prefix}program__last_ends_at__gte": year.starts_at,
            f"{prefix}program__last_ends_at__lt": year.ends_at,
        }
    )


def _took_part_before(when: str, *, citizen_lecture: bool) -> Exists:
    """The person (``user`` of the outer row) came to a programme that started before ``when``."""
    came = Registration.objects.filter(
        user=OuterRef("user"),
        status=Registration.Status.CONFIRMED,
        program__first_starts_at__lt=OuterRef(when),
    ).filter(Exists(Attendance.objects.filter(registration=OuterRef("pk"), present=True)))
    if citizen_lecture:
        came = came.filter(program__citizen_proposal=True)
    return Exists(came)


def loop_figures(year: FiscalYear, filters: FigureFilter) -> Section | None:
    if not filters.is_empty:
        return None  # the calls are the city's, not a department's or an area's
    start, end = year.starts_at, year.ends_at
    proposals = Proposal.objects.aggregate(
        received=Count("pk", filter=Q(submitted_at__gte=start, submitted_at__lt=end)),
        adopted=Count("pk", filter=Q(decided_at__gte=start, decided_at__lt=end, decision__in=ADOPTED)),
        held=Count("pk", filter=_held(year)),
        talents_held=Count("lecturer_talent", filter=_held(year), distinct=True),
    )
    held_programs = Q(program__citizen_proposal_of__in=Proposal.objects.filter(_held(year)))
    came = Exists(Attendance.objects.filter(registration=OuterRef("pk"), present=True))
    live = Registration.objects.filter(held_programs, status=Registration.Status.CONFIRMED).filter(came).count()
    kept = ParticipationFigure.objects.filter(
        held_programs, final_status=Registration.Status.CONFIRMED, attended=True
    ).count()
    survey = SurveyAnswer.objects.filter(
        answered_on__gte=year.first_day, answered_on__lt=year.after_last_day
    ).aggregate(
        answers=Count("pk"),
        satisfaction=Avg("satisfaction"),
        teach=Count("pk", filter=Q(would_teach=SurveyAnswer.Choice.YES)),
    )
    talents = (
        TalentProfile.objects.filter(approved_at__gte=start, approved_at__lt=end)
        .annotate(
            learner=_took_part_before("approved_at", citizen_lecture=False),
            citizen_learner=_took_part_before("approved_at", citizen_lecture=True),
        )
        .aggregate(
            registered=Count("pk"),
            learners=Count("pk", filter=Q(learner=True)),
            citizen_learners=Count("pk", filter=Q(citizen_learner=True)),
        )
    )
    learners_proposing = (
        Proposal.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
        .filter(
            Exists(
                Registration.objects.filter(
                    user=OuterRef("proposer"),
                    status=Registration.Status.CONFIRMED,
                    program__citizen_proposal=True,
                    program__first_starts_at__lt=OuterRef("submitted_at"),
                ).filter(Exists(Attendance.objects.filter(registration=OuterRef("pk"), present=True)))
            )
        )
        .values("proposer")
        .distinct()
        .count()
    )
    # Talents used through the bank's introductions: the activity held, its outcome recorded in the year.
    introduced = IntroductionRequest.objects.filter(
        held=True, outcome_recorded_at__gte=start, outcome_recorded_at__lt=end
    ).aggregate(talents=Count("talent", distinct=True))
    return Section(
        key="loop",
        title=_("Circulation of knowledge"),
        figures=(
            figure(
                "loop.proposals",
                _("Citizen-proposal lectures"),
                [
                    (_("Proposals received"), [proposals["received"]]),
                    (_("Proposals adopted"), [proposals["adopted"]]),
                    (_("Citizen-proposal lectures held"), [proposals["held"]]),
                    (_("Participants who came to the lectures held"), [live + kept]),
                    (_("Talents from the bank whose lecture was held"), [proposals["talents_held"]]),
                    (_("Talents introduced by the bank whose activity was held"), [introduced["talents"]]),
                    (_("Participant survey answers"), [survey["answers"]]),
                ],
                additive=False,
            ),
            figure(
                "loop.learners_teach",
                _("Learners who later teach"),
                [
                    (_("Talents registered (approved in the year)"), [talents["registered"]]),
                    (_("… who had earlier come to a programme"), [talents["learners"]]),
                    (_("… who had earlier come to a citizen-proposal lecture"), [talents["citizen_learners"]]),
                    (_("Proposers who had earlier come to a citizen-proposal lecture"), [learners_proposing]),
                    (_("Survey answers saying “I would like to teach”"), [survey["teach"]]),
                ],
                additive=False,
            ),
            figure(
                "loop.satisfaction",
                _("Participant survey: satisfaction"),
                [
                    (
                        _("Average satisfaction (out of 5)"),
                        [round(survey["satisfaction"], 2) if survey["satisfaction"] is not None else None],
                    ),
                ],
                unit="ratio",
                chart=False,
                additive=False,
            ),
        ),
    )


def _years_from_programmes(program_ids: set[object]) -> set[int]:
    """Every fiscal year from a programme's first to its last day, and on to the current one: a
    registration counts in the year its lecture is held (those who came) and in each later year in
    which its learner teaches or proposes (``_took_part_before``), never in a year before the
    programme starts."""
    current = fiscal_year_of(timezone.localdate()).year
    years: set[int] = set()
    programmes = Program.objects.filter(pk__in=[pk for pk in program_ids if pk is not None]).order_by()
    for first, last in programmes.values_list("first_starts_at", "last_ends_at"):
        days = [timezone.localtime(day).date() for day in (first, last) if day is not None]
        if days:
            years.update(range(fiscal_year_of(min(days)).year, max(fiscal_year_of(max(days)).year, current) + 1))
    return years


def loop_figure_sources() -> list[FigureSource]:
    """What ``loop_figures`` reads, so that its sections are kept (``core.figures``). A change of
    most of these rows retires every year of the section: the loop spans years (a learner of one
    year teaches in another), and its rows change far less often than the reports are read.
    Registrations are the exception, being many: one is read only through its attendance, written
    after it, so a new one alters nothing (a burst of applications retires nothing here), and a
    change of one alters the years from its programme's on (``_years_from_programmes``)."""
    return [
        *(FigureSource(model) for model in (Proposal, SurveyAnswer)),
        FigureSource(Registration, key=lambda row: row.program_id, years=_years_from_programmes, on_create=False),
        *(FigureSource(model) for model in (Attendance, ParticipationFigure, TalentProfile, Program)),
    ]
