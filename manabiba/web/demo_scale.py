"""Five fiscal years of a city's learning, in bulk, for benchmarks (``seed_demo --scale N``).

At ``--scale 200`` (200,000 residents, Nishitokyo's size) each fiscal year has the volumes issue
13 names: 3,000 programmes, 60,000 registrations and 5,000 consultations; a smaller scale has
the same shape in proportion. Rows are written with ``bulk_create`` (factories would take hours)
and are deterministic: a seeded random, and a fixed key per programme (source "scale"), so a
second run finds them and adds nothing. The two latest years keep their registrations; the
older ones are as the retention purge leaves them, anonymous ``ParticipationFigure`` rows.
Bulk writes send no signals, so the kept report sections are retired at the end in one go
(``figures_changed``), as a service writing in bulk must do.
"""

import random
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from django.db import models, transaction
from django.utils import timezone

from manabiba.accounts.models import Department, User
from manabiba.consultations.models import Channel, Consultation, ReplyChannel, Topic
from manabiba.core.figures import FiscalYear, figures_changed, fiscal_year_of
from manabiba.core.holidays import is_day_off
from manabiba.core.models import Area
from manabiba.programs.models import Category, Organizer, Program, ProgramSession
from manabiba.programs.services import organizer_get_or_create, time_band_of
from manabiba.registrations.models import Attendance, FiscalYearSalt, LotteryDraw, ParticipationFigure, Registration
from manabiba.registrations.people import new_salt, person_key, person_token

SCALE_SEED = 20260403
SCALE_SOURCE = "scale"
CITY_SCALE = 200  # thousand residents: the volumes below are the city's at this scale
PROGRAMMES_PER_YEAR = 3000
REGISTRATIONS_PER_YEAR = 60000
CONSULTATIONS_PER_YEAR = 5000
YEARS = 5
LIVE_YEARS = 2  # the latest years keep their registrations; older ones are purged to figures
# Lifelong learning is a habit: most registrations come from a minority of residents, who come
# back several times a year, so "different people" is well below "registrations".
LEARNER_SHARE = 0.15
BATCH = 2000


@contextmanager
def _timestamps_as_given(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let bulk rows keep the ``created_at``/``updated_at`` they are given (a year ago, not now)."""
    changed = []
    for model in model_classes:
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
                changed.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in changed:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _organizers(rng: random.Random) -> list[Organizer]:
    """Every department, Yumecolab, schools, groups and citizens, weighted as a city's catalogue is."""
    found = [
        organizer_get_or_create(kind=Organizer.Kind.DEPARTMENT, name=department.name, department=department)
        for department in Department.objects.order_by("name")
    ]
    found += [organizer_get_or_create(kind=Organizer.Kind.CENTER, name="西東京市市民協働推進センター ゆめこらぼ")]
    found += [organizer_get_or_create(kind=Organizer.Kind.GROUP, name=f"市民サークル{n:02d}") for n in range(40)]
    found += [organizer_get_or_create(kind=Organizer.Kind.SCHOOL, name=f"市立第{n}小学校") for n in range(1, 11)]
    found += [organizer_get_or_create(kind=Organizer.Kind.CITIZEN, name=f"市民講師{n:02d}") for n in range(20)]
    found += [organizer_get_or_create(kind=Organizer.Kind.OTHER, name=f"NPO法人 まなび{n}") for n in range(5)]
    return found


def _moment(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def demo_city_generate(*, scale: int, today: date | None = None) -> list[str]:
    """Five fiscal years (this one and the four before it) at ``scale`` thousand residents.

    Returns lines for seed_demo to print."""
    today = today or timezone.localdate()
    if Program.objects.filter(source=SCALE_SOURCE).exists():
        return ["city-scale years: already there"]
    share = scale / CITY_SCALE
    per_year = (
        max(1, round(PROGRAMMES_PER_YEAR * share)),
        max(1, round(REGISTRATIONS_PER_YEAR * share)),
        max(1, round(CONSULTATIONS_PER_YEAR * share)),
    )
    rng = random.Random(SCALE_SEED)  # noqa: S311 - demo data, not secrets: the same on every run
    current = fiscal_year_of(today)
    lines = []
    with transaction.atomic(), _timestamps_as_given(Consultation):
        organizers = _organizers(rng)
        categories = list(Category.objects.order_by("sort_order").values_list("pk", flat=True))
        areas = list(Area.objects.order_by("sort_order").values_list("pk", flat=True))
        departments = list(Department.objects.order_by("name").values_list("pk", flat=True))
        residents = list(User.objects.filter(email__endswith="@bench.demo.manabiba.jp").values_list("pk", flat=True))
        for back in range(YEARS - 1, -1, -1):
            year = FiscalYear(current.year - back)
            counts = _year_generate(
                rng,
                year,
                today=today,
                per_year=per_year,
                live=back < LIVE_YEARS,
                organizers=organizers,
                categories=categories,
                areas=areas,
                departments=departments,
                residents=residents,
            )
            lines.append(f"{year.year} fiscal year: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
        # Bulk rows send no signals: retire whatever was kept for these years, as services writing in bulk do.
        span = SimpleNamespace(
            first_starts_at=_moment(FiscalYear(current.year - YEARS + 1).first_day, 0),
            last_ends_at=_moment(current.after_last_day - timedelta(days=1), 0),
            created_at=None,
        )
        figures_changed(Program, [span])
        figures_changed(Department, [span])  # consultations: every year
    return lines


def _year_generate(
    rng: random.Random,
    year: FiscalYear,
    *,
    today: date,
    per_year: tuple[int, int, int],
    live: bool,
    organizers: list[Organizer],
    categories: list[int],
    areas: list[int],
    departments: list[int],
    residents: list[int],
) -> dict[str, int]:
    programmes_n, registrations_n, consultations_n = per_year
    now = timezone.now()
    days = (year.after_last_day - year.first_day).days
    day_off: dict[date, bool] = {}
    hours = [10, 10, 13, 14, 14, 18, 19, 19]
    programs: list[Program] = []
    plans: list[list[tuple[datetime, datetime]]] = []
    for index in range(programmes_n):
        day = year.first_day + timedelta(days=rng.randrange(days))
        starts = _moment(day, rng.choice(hours))
        count = rng.choice([1, 1, 1, 2, 4])
        times = [(starts + timedelta(weeks=k), starts + timedelta(weeks=k, hours=2)) for k in range(count)]
        plans.append(times)
        organizer = rng.choice(organizers)
        programs.append(
            Program(
                title=f"{year.year}年度 学びの講座 {index + 1}",
                summary="市民の学びの講座です。",
                kind=Program.Kind.COURSE if count > 1 else Program.Kind.EVENT,
                status=Program.Status.FINISHED if times[-1][1] < now else Program.Status.PUBLISHED,
                organizer=organizer,
                area_id=rng.choice(areas) if areas else None,
                capacity=rng.choice([20, 24, 30, 40]),
                application=Program.Application.SITE,
                applications_close_at=starts - timedelta(days=3),
                first_starts_at=times[0][0],
                last_ends_at=times[-1][1],
                next_starts_at=next((s for s, e in times if e >= now), times[-1][0]),
                published_at=starts - timedelta(days=30),
                contact_name=organizer.name,
                source=SCALE_SOURCE,
                source_key=f"{year.year}-{index:05d}",
            )
        )
    programs = Program.objects.bulk_create(programs, batch_size=BATCH)
    sessions: list[ProgramSession] = []
    links = []
    draws = []
    through = Program.categories.through
    for program, times in zip(programs, plans, strict=True):
        for starts_at, ends_at in times:
            local = timezone.localtime(starts_at).date()
            if local not in day_off:
                day_off[local] = is_day_off(local)
            sessions.append(
                ProgramSession(
                    program_id=program.pk,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    local_date=local,
                    weekday=local.weekday(),
                    time_band=time_band_of(starts_at),
                    is_day_off=day_off[local],
                )
            )
        if categories:
            links.append(through(program_id=program.pk, category_id=rng.choice(categories)))
        if rng.random() < 0.1 and program.first_starts_at is not None:
            drawn_at = program.first_starts_at - timedelta(days=3)
            if drawn_at < now:
                draws.append(
                    LotteryDraw(
                        program_id=program.pk, seed=secrets.token_hex(8), capacity=program.capacity, drawn_at=drawn_at
                    )
                )
    sessions = ProgramSession.objects.bulk_create(sessions, batch_size=BATCH)
    first_session: dict[int, ProgramSession] = {}
    for session in sessions:
        first_session.setdefault(session.program_id, session)
    through.objects.bulk_create(links, batch_size=BATCH)
    LotteryDraw.objects.bulk_create(draws, batch_size=BATCH)

    # Registrations: spread over the programmes, different people within one programme.
    per_program = [registrations_n // len(programs)] * len(programs)
    for extra in rng.sample(range(len(programs)), registrations_n % len(programs)):
        per_program[extra] += 1
    age_bands = list(User.AgeBand.values)
    channels = list(Registration.Channel.values)
    registrations: list[Registration] = []
    figures: list[ParticipationFigure] = []
    came: list[bool] = []
    # The year's person tokens: under its stored salt while it keeps registrations; a purged year's
    # salt is destroyed (the tokens are made under one that is then forgotten, as after the purge).
    if live:
        salt = FiscalYearSalt.objects.get_or_create(fiscal_year=year.year, defaults={"salt": new_salt()})[0].salt
    else:
        salt = new_salt()
        FiscalYearSalt.objects.get_or_create(fiscal_year=year.year, defaults={"salt": "", "destroyed_at": now})
    learners = residents[: max(1, round(len(residents) * LEARNER_SHARE))]
    for program, n in zip(programs, per_program, strict=True):
        held = program.first_starts_at is not None and program.first_starts_at < now
        pool = learners if n <= len(learners) else residents
        people: list[int | None] = [*rng.sample(pool, min(n, len(pool)))] if residents else [None] * n
        for person in people:
            token = person_token(salt, person_key(user_id=person, email="", phone="", registration_id=None))
            roll = rng.random()
            status = (
                Registration.Status.CONFIRMED
                if roll < 0.86
                else Registration.Status.CANCELLED
                if roll < 0.95
                else Registration.Status.NOT_DRAWN
            )
            attended = held and status == Registration.Status.CONFIRMED and rng.random() < 0.82
            fields = {
                "channel": rng.choice(channels),
                "party_size": rng.choice([1, 1, 1, 2]),
                "age_band": rng.choice(age_bands),
                "area_id": rng.choice(areas) if areas else None,
                "lives_in_city": rng.random() < 0.85,
                "works_in_city": rng.random() < 0.15,
                "studies_in_city": rng.random() < 0.05,
                "first_timer": rng.random() < 0.3,
            }
            if live:
                registrations.append(
                    Registration(
                        program_id=program.pk,
                        user_id=person,
                        status=status,
                        confirmed_at=(program.published_at if status == Registration.Status.CONFIRMED else None),
                        check_in_code=secrets.token_hex(4),
                        full_name="ベンチ 参加者",
                        person_token=token,
                        person_token_year=year.year,
                        **fields,
                    )
                )
                came.append(attended)
            else:
                assert program.published_at is not None
                figures.append(
                    ParticipationFigure(
                        program_id=program.pk,
                        final_status=status,
                        sessions_attended=1 if attended else 0,
                        attended=attended,
                        registered_month=program.published_at.date().replace(day=1),
                        person_token=token,
                        **fields,
                    )
                )
    registrations = Registration.objects.bulk_create(registrations, batch_size=BATCH)
    ParticipationFigure.objects.bulk_create(figures, batch_size=BATCH)
    attendances = [
        Attendance(
            registration_id=registration.pk,
            session_id=first_session[registration.program_id].pk,
            present=True,
            recorded_at=first_session[registration.program_id].starts_at,
        )
        for registration, attended in zip(registrations, came, strict=True)
        if attended
    ]
    Attendance.objects.bulk_create(attendances, batch_size=BATCH)

    # Consultations received through the year (up to today in this one), most answered and closed.
    until = min(year.after_last_day, today + timedelta(days=1))
    received_days = max(1, (until - year.first_day).days)
    consultations = []
    for index in range(consultations_n):
        received = _moment(
            year.first_day + timedelta(days=rng.randrange(received_days)), rng.choice([9, 11, 14, 16, 19])
        )
        received = min(received, now - timedelta(hours=1))
        answered = received + timedelta(hours=rng.choice([2, 5, 20, 30, 50, 80]))
        closed = answered + timedelta(days=rng.choice([1, 3, 7, 14]))
        done = closed < now
        consultations.append(
            Consultation(
                reference=f"S{year.year}-{index:05d}",
                topic=rng.choice(Topic.values),
                body="ベンチマーク用の相談です。",
                reply_channel=rng.choice(ReplyChannel.values),
                channel=rng.choice(Channel.values),
                name="",
                access_token=secrets.token_urlsafe(32),
                reply_token=secrets.token_hex(16),
                confirmed_at=received,
                status=Consultation.Status.CLOSED if done else Consultation.Status.IN_PROGRESS,
                department_id=rng.choice(departments) if departments and rng.random() < 0.6 else None,
                first_response_at=answered if answered < now else None,
                first_response_on_time=(answered - received <= timedelta(hours=48)) if answered < now else None,
                answered_at=answered if answered < now else None,
                closed_at=closed if done else None,
                last_activity_at=closed if done else received,
                created_at=received,
                updated_at=closed if done else received,
            )
        )
    Consultation.objects.bulk_create(consultations, batch_size=BATCH)
    return {
        "programmes": len(programs),
        "sessions": len(sessions),
        "registrations": len(registrations),
        "participation figures": len(figures),
        "attendances": len(attendances),
        "consultations": len(consultations),
    }
