"""Factories for core's reference models: used by the tests and by the demo data."""

import factory

from manabiba.core.models import Area


class AreaFactory(factory.django.DjangoModelFactory[Area]):
    class Meta:
        model = Area
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"テスト町{n}")
    kana = factory.Sequence(lambda n: f"てすとちょう{n}")
    former_city = "田無"
