"""Factories for programmes, organisers and classifications: used by the tests and by the demo data."""

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any

import factory
from django.utils import timezone

from manabiba.accounts.factories import DepartmentFactory
from manabiba.core.holidays import is_day_off
from manabiba.programs.models import Audience, Category, Organizer, Program
from manabiba.programs.services import (
    SessionTimes,
    program_cancel,
    program_create,
    program_publish,
    program_reindex,
    program_submit,
)


class CategoryFactory(factory.django.DjangoModelFactory[Category]):
    class Meta:
        model = Category
        django_get_or_create = ("major", "minor")

    major = factory.Sequence(lambda n: f"テスト分野{n}")
    minor = ""
    sort_order = factory.Sequence(lambda n: n)


class AudienceFactory(factory.django.DjangoModelFactory[Audience]):
    class Meta:
        model = Audience
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"テスト対象{n}")
    sort_order = factory.Sequence(lambda n: n)


def _next_weekday_at(hour: int, minute: int = 0, *, weekday: int = 2, days_ahead: int = 7) -> datetime:
    """The first ``weekday`` (Monday 0) at least ``days_ahead`` days away that is a working day, in Tokyo."""
    day = timezone.localdate() + timedelta(days=days_ahead)
    while day.weekday() != weekday or is_day_off(day) != (weekday >= 5):
        day += timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def sessions_from(
    starts_at: datetime, *, count: int = 1, minutes: int = 120, every_days: int = 7
) -> list[SessionTimes]:
    return [
        SessionTimes(
            starts_at=starts_at + timedelta(days=every_days * n),
            ends_at=starts_at + timedelta(days=every_days * n, minutes=minutes),
        )
        for n in range(count)
    ]


class OrganizerFactory(factory.django.DjangoModelFactory[Organizer]):
    class Meta:
        model = Organizer
        django_get_or_create = ("kind", "name")

    class Params:
        citizen = factory.Trait(kind=Organizer.Kind.CITIZEN, department=None)
        group = factory.Trait(kind=Organizer.Kind.GROUP, department=None)
        center = factory.Trait(kind=Organizer.Kind.CENTER, department=None)

    name = factory.Sequence(lambda n: f"テスト主催者{n}")
    kind = Organizer.Kind.DEPARTMENT
    department = factory.Maybe(
        factory.LazyAttribute(lambda organizer: organizer.kind == Organizer.Kind.DEPARTMENT),
        yes_declaration=factory.SubFactory(DepartmentFactory),
        no_declaration=None,
    )


class ProgramFactory(factory.django.DjangoModelFactory[Program]):
    """A programme made through the services, so sessions, days and the search index are as in real use.

    ``status`` may be draft, submitted, published, cancelled or finished; the traits set it and
    the times: ``published``, ``course`` (four weekly sessions), ``weekend``, ``evening``, ``past``.
    """

    class Meta:
        model = Program

    class Params:
        # Plain flags rather than traits, so that they combine (a weekend evening in the past).
        weekend = False
        evening = False
        past = False
        starts_at = factory.LazyAttribute(
            lambda program: _next_weekday_at(
                19 if program.evening else 10,
                weekday=5 if program.weekend else 2,
                days_ahead=-40 if program.past else 7,
            )
        )
        session_count = 1
        session_minutes = 120
        every_days = 7
        published = factory.Trait(status=Program.Status.PUBLISHED)
        submitted = factory.Trait(status=Program.Status.SUBMITTED)
        course = factory.Trait(kind=Program.Kind.COURSE, session_count=4)

    title = factory.Sequence(lambda n: f"テスト講座{n}")
    summary = "市民のための学びの場です。"
    kind = Program.Kind.EVENT
    status = Program.Status.DRAFT
    organizer = factory.SubFactory(OrganizerFactory)
    venue_name = "テスト会場"
    contact_name = "社会教育課"
    sessions = factory.LazyAttribute(
        lambda program: sessions_from(
            program.starts_at,
            count=program.session_count,
            minutes=program.session_minutes,
            every_days=program.every_days,
        )
    )
    categories: Sequence[Category] = ()
    audiences: Sequence[Audience] = ()
    co_organizers: Sequence[Organizer] = ()
    created_by = None
    status_reason = "中止のお知らせ"

    @classmethod
    def _create(cls, model_class: type[Program], *args: Any, **kwargs: Any) -> Program:
        status = kwargs.pop("status")
        created_by = kwargs.pop("created_by")
        reason = kwargs.pop("status_reason")
        program = program_create(actor=None, **kwargs)
        if created_by is not None:
            Program.objects.filter(pk=program.pk).update(created_by=created_by)
            program.created_by = created_by
        if status == Program.Status.SUBMITTED:
            program = program_submit(program=program, actor=created_by) if created_by else _force(program, status)
        elif status in {Program.Status.PUBLISHED, Program.Status.CANCELLED, Program.Status.FINISHED}:
            program = program_publish(program=program, actor=None)
            if status == Program.Status.CANCELLED:
                program = program_cancel(program=program, actor=None, reason=reason)
            elif status == Program.Status.FINISHED:
                program = _force(program, status)
        return program

    @classmethod
    def _build(cls, model_class: type[Program], *args: Any, **kwargs: Any) -> Program:
        for name in ("sessions", "categories", "audiences", "co_organizers"):
            kwargs.pop(name)
        return model_class(**kwargs)


def _force(program: Program, status: str) -> Program:
    """A status no service reaches for a lone programme outside its usual time (finished before its end)."""
    Program.objects.filter(pk=program.pk).update(status=status)
    program.refresh_from_db()
    program_reindex(program)
    return program
