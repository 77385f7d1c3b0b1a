"""Demo registrations: how some demo programmes take applications, and a few applications.

Called by ``seed_demo`` after the demo people and programmes exist. Idempotent: a programme that
already has registration settings is left as it is, and nobody applies twice.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.programs.models import Program
from manabiba.registrations.models import PriorityRule, Registration, RegistrationSettings
from manabiba.registrations.services import (
    ParticipantSpec,
    QuestionSpec,
    registration_settings_update,
    registration_submit,
)

# The demo people and programmes made by the web app's demo data (same values, not imported:
# web sits above this app).
DEMO_DOMAIN = "demo.manabiba.jp"
DEMO_SOURCE = "demo"
DEMO_APPLICANTS = 12


@dataclass(frozen=True)
class DemoPlan:
    description: str
    fields: dict[str, Any]
    rules: list[tuple[str, int]] | None = None
    questions: list[QuestionSpec] | None = None
    # The audience (by name) of the programme the plan suits, if one takes applications here.
    for_audience: str = ""


def _matched(programmes: list[Program], plans: list[DemoPlan]) -> list[tuple[Program, DemoPlan]]:
    """Each plan with a programme: one for its audience where there is one, else the next left."""
    left = list(programmes)
    matched = []
    for plan in sorted(plans, key=lambda plan: not plan.for_audience):  # the particular ones choose first
        suited = [
            program for program in left if plan.for_audience in {audience.name for audience in program.audiences.all()}
        ] or left
        if suited:
            matched.append((suited[0], plan))
            left.remove(suited[0])
    return sorted(matched, key=lambda pair: programmes.index(pair[0]))


def _demo_programmes() -> list[Program]:
    now = timezone.now()
    return list(
        Program.objects.filter(
            source=DEMO_SOURCE,
            status=Program.Status.PUBLISHED,
            application=Program.Application.SITE,
            applications_close_at__gt=now + timedelta(days=1),
        )
        .prefetch_related("audiences")
        .order_by("source_key")
    )


def _applicants() -> list[User]:
    """Made-up residents who only apply (they have no password), and the demo resident."""
    people = []
    for n in range(1, DEMO_APPLICANTS + 1):
        email = f"applicant{n:02d}@{DEMO_DOMAIN}"
        person = User.objects.filter(email=email).first() or User.objects.create_user(
            email,
            None,
            full_name=f"申込 {n:02d}",
            full_name_kana=f"もうしこみ {n:02d}",
            lives_in_city=n % 3 != 0,
            works_in_city=n % 3 == 0 and n % 2 == 0,
            email_verified_at=timezone.now(),
        )
        people.append(person)
    resident = User.objects.filter(email=f"resident@{DEMO_DOMAIN}").first()
    return ([resident] if resident is not None else []) + people


def _apply(program: Program, people: list[User], party_sizes: tuple[int, ...] = (1,)) -> int:
    applied = 0
    for index, person in enumerate(people):
        if Registration.objects.filter(program=program, user=person, status__in=Registration.ACTIVE).exists():
            continue
        party_size = party_sizes[index % len(party_sizes)]
        # Everyone the application covers is named: the applicant, then whoever comes along.
        companions = [ParticipantSpec(f"同伴 {index + 1:02d}-{n}") for n in range(1, party_size)]
        registration_submit(
            program=program,
            user=person,
            party_size=party_size,
            participants=[ParticipantSpec(person.full_name or person.email), *companions],
            answers={},
            consent=True,
            attends_every_session=index % 2 == 0,
        )
        applied += 1
    return applied


@transaction.atomic
def demo_registrations_seed() -> list[str]:
    """Lotteries with priority tiers, first-come programmes with a waiting list, a few applications.

    Returns the lines for ``seed_demo`` to print.
    """
    programmes = _demo_programmes()
    if not programmes:
        return ["demo registrations: no demo programmes taking applications on the site"]
    people = _applicants()
    lines = []
    resident_first = [
        (PriorityRule.Criterion.CITY_RESIDENT.value, 1),
        (PriorityRule.Criterion.CITY_WORKER.value, 1),
        (PriorityRule.Criterion.CITY_STUDENT.value, 1),
        (PriorityRule.Criterion.FIRST_TIMER.value, 2),
    ]
    # Each participant's age is asked already (asks_participant_age): the programme asks what else it needs.
    questions = [
        QuestionSpec(
            key="siblings",
            label="一緒に来るごきょうだいの人数（参加しない方）",
            kind="number",
            min_value=0,
            max_value=5,
        ),
        QuestionSpec(
            key="experience", label="この講座・イベントへの参加", kind="choice", choices=("初めて", "以前にも参加した")
        ),
        QuestionSpec(key="needs", label="配慮が必要なこと（アレルギー、車いすなど）", kind="text"),
    ]
    plans: list[DemoPlan] = [
        DemoPlan(
            "lottery, residents then first-timers first",
            {"allocation": RegistrationSettings.Allocation.LOTTERY, "max_party_size": 2},
            rules=resident_first,
        ),
        DemoPlan(
            "lottery, winners confirm within 3 days",
            {"allocation": RegistrationSettings.Allocation.LOTTERY, "confirm_within_days": 3},
            rules=[(PriorityRule.Criterion.EVERY_SESSION.value, 1)],
        ),
        DemoPlan(
            "first come, waiting list with 24-hour offers",
            {"allocation": RegistrationSettings.Allocation.FIRST_COME, "offer_expiry_hours": 24},
        ),
        DemoPlan(
            "first come, parent and child, each participant's age asked",
            {
                "allocation": RegistrationSettings.Allocation.FIRST_COME,
                "max_party_size": 2,
                "asks_participant_age": True,
            },
            questions=questions,
            for_audience="親子",
        ),
    ]
    for program, plan in _matched(programmes, plans):
        if RegistrationSettings.objects.filter(program=program).exists():
            continue
        registration_settings_update(
            program=program, actor=None, priority_rules=plan.rules, questions=plan.questions, **plan.fields
        )
        applied = 0
        if plan.questions is None:
            # A full lottery or waiting list shows best with more applicants than places.
            crowd = people[: min(len(people), (program.capacity or 10) + 3)]
            applied = _apply(program, crowd, (1, 1, 2) if plan.fields.get("max_party_size") == 2 else (1,))
        lines.append(f"demo registrations: {program.title}: {plan.description}, {applied} applications")
    return lines
