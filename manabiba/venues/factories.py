"""Factories for user groups: used by the tests and by the demo data."""

import factory
from django.utils import timezone

from manabiba.accounts.factories import UserFactory
from manabiba.venues import selectors
from manabiba.venues.models import UserGroup


class UserGroupFactory(factory.django.DjangoModelFactory[UserGroup]):
    class Meta:
        model = UserGroup

    name = factory.Sequence(lambda n: f"学習サークル{n}")
    owner = factory.SubFactory(UserFactory)
    representative_name = factory.Sequence(lambda n: f"代表 太郎{n}")
    address = factory.Sequence(lambda n: f"南町五丁目{n}番1号")
    phone = factory.Sequence(lambda n: f"042-000-{n:04d}")
    email = factory.Sequence(lambda n: f"circle{n}@example.jp")
    members_count = 12
    members_in_city = 10
    purpose = "地域の歴史を学ぶ勉強会"
    declared_at = factory.LazyFunction(timezone.now)
    status = UserGroup.Status.APPROVED
    representative_key = factory.LazyAttribute(lambda group: selectors.name_key(group.representative_name))
    address_key = factory.LazyAttribute(lambda group: selectors.address_key(group.address))
    phone_key = factory.LazyAttribute(lambda group: selectors.phone_key(group.phone))
    email_key = factory.LazyAttribute(lambda group: selectors.email_key(group.email))
