"""Factories for facilities and rooms: used by the tests and by the demo data."""

from datetime import time

import factory

from manabiba.core.factories import AreaFactory
from manabiba.facilities.models import Facility, Room, TimeFrame


class FacilityFactory(factory.django.DjangoModelFactory[Facility]):
    class Meta:
        model = Facility
        django_get_or_create = ("name",)

    class Params:
        school = factory.Trait(kind=Facility.Kind.SCHOOL_ELEMENTARY)
        library = factory.Trait(kind=Facility.Kind.LIBRARY)

    name = factory.Sequence(lambda n: f"テスト公民館{n}")
    kind = Facility.Kind.KOMINKAN
    area = factory.SubFactory(AreaFactory)
    address = factory.LazyAttribute(lambda facility: f"{facility.area.name}一丁目1番1号" if facility.area else "")


class RoomFactory(factory.django.DjangoModelFactory[Room]):
    class Meta:
        model = Room
        django_get_or_create = ("facility", "name")

    facility = factory.SubFactory(FacilityFactory)
    name = factory.Sequence(lambda n: f"学習室{n}")
    capacity = 30


class TimeFrameFactory(factory.django.DjangoModelFactory[TimeFrame]):
    class Meta:
        model = TimeFrame
        django_get_or_create = ("facility", "starts_at")

    facility = factory.SubFactory(FacilityFactory)
    name = "夜間"
    starts_at = time(18)
    ends_at = time(21)
