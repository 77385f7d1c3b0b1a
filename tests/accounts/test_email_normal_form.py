"""Addresses are stored in one normal form, and the migration brings older ones to it."""

import importlib

import pytest
from django.apps import apps

from manabiba.accounts.models import User
from manabiba.core.addresses import normalise_email

pytestmark = pytest.mark.django_db

migration = importlib.import_module("manabiba.accounts.migrations.0004_normalise_user_emails")


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("Hanako@Example.JP", "hanako@example.jp"),
        (" hanako@example.jp\n", "hanako@example.jp"),
        ("ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ", "hanako@example.jp"),
        ("hanako\u0131@example.jp", "hanakoi@example.jp"),
        ("\u017fato@example.jp", "sato@example.jp"),
        ("\u212aato@example.jp", "kato@example.jp"),  # the Kelvin sign
        ("はなこ@例え.jp", "はなこ@例え.jp"),
    ],
)
def test_an_address_has_one_normal_form(typed: str, normal: str) -> None:
    assert normalise_email(typed) == normal
    assert normalise_email(normal) == normal


def test_accounts_are_created_with_the_normal_form() -> None:
    user = User.objects.create_user("ＨＡＮＡＫＯ@Example.jp", "a long passphrase")
    assert user.email == "hanako@example.jp"
    assert User.objects.get_by_natural_key("hanako@EXAMPLE.jp") == user


def test_the_migration_normalises_stored_addresses_but_never_merges_two_accounts() -> None:
    plain = User.objects.create_user("taken@example.jp", "x")
    older = User.objects.create_user("old@example.jp", "x")
    clash = User.objects.create_user("clash@example.jp", "x")
    User.objects.filter(pk=older.pk).update(email="ＯＬＤ@Example.jp")
    User.objects.filter(pk=clash.pk).update(email="ｔａｋｅｎ@example.jp")

    migration.normalise(apps, None)

    emails = dict(User.objects.values_list("pk", "email"))
    assert emails == {plain.pk: "taken@example.jp", older.pk: "old@example.jp", clash.pk: "ｔａｋｅｎ@example.jp"}
