"""Factories for people and departments: used by the tests and by the demo data."""

from typing import Any

import factory
from django.utils import timezone

from manabiba.accounts.models import Department, RoleGrant, User
from manabiba.accounts.roles import Role

DEFAULT_PASSWORD = "correct horse battery staple"  # noqa: S105 - demo and test personas only


class DepartmentFactory(factory.django.DjangoModelFactory[Department]):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"テスト課{n}")
    division = "教育部"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.jp")
    full_name = factory.Faker("name", locale="ja_JP")
    full_name_kana = factory.Faker("kana_name", locale="ja_JP")
    email_verified_at = factory.LazyFunction(timezone.now)
    lives_in_city = True

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: Any) -> None:  # noqa: N805
        obj.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def roles(obj: User, create: bool, extracted: list[Role] | None, **kwargs: Any) -> None:  # noqa: N805
        for role in extracted or []:
            if create:
                RoleGrant.objects.get_or_create(user=obj, role=role)
            if role == Role.ADMINISTRATOR:
                obj.is_staff = obj.is_superuser = True
                if create:
                    obj.save(update_fields=["is_staff", "is_superuser"])
