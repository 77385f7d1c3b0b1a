"""Factories for programme classifications: used by the tests and by the demo data."""

import factory

from manabiba.programs.models import Audience, Category


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
