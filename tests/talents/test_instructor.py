"""A group registers its instructor: nothing is screened until the instructor consents and declares."""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.core.models import AuditEntry, OutboxMessage
from manabiba.programs.models import Category
from manabiba.talents import selectors, services
from manabiba.talents.models import TalentProfile
from tests.talents.conftest import talent_fields

pytestmark = pytest.mark.django_db

INSTRUCTOR_EMAIL = "instructor@example.jp"


@pytest.fixture
def organiser(make_persona: Callable[..., User]) -> User:
    return make_persona(Role.GROUP_ORGANISER, email="organiser@example.jp", full_name="団体 代表")


@pytest.fixture
def instructor(make_persona: Callable[..., User]) -> User:
    return make_persona(Role.RESIDENT, email=INSTRUCTOR_EMAIL, full_name="講師 先生")


def register_for(organiser: User, categories: list[Category]) -> TalentProfile:
    return services.talent_register_for_instructor(
        actor=organiser,
        group_name="けやき書道会",
        categories=categories[:1],
        **talent_fields(contact_email=INSTRUCTOR_EMAIL),
    )


def consent_link(address: str) -> str:
    body = OutboxMessage.objects.filter(to=address).latest("pk").body
    match = re.search(r"/talents/consent/([^/\s]+)/", body)
    assert match is not None
    return match.group(1)


def test_the_card_waits_for_the_instructors_consent_then_for_screening(
    organiser: User, instructor: User, categories: list[Category], coordinator: User
) -> None:
    talent = register_for(organiser, categories)
    assert talent.status == TalentProfile.Status.AWAITING_CONSENT
    assert talent.user is None
    assert talent not in selectors.talents_for_screening()
    token = consent_link(INSTRUCTOR_EMAIL)
    with pytest.raises(ValidationError):
        services.talent_consent(token=token, actor=instructor, accept=True, declared_adult=False)
    talent = services.talent_consent(
        token=token, actor=instructor, accept=True, declared_adult=True, declared_no_misuse=True
    )
    assert (talent.status, talent.user, talent.registered_by) == (TalentProfile.Status.PENDING, instructor, organiser)
    assert talent.consented_at is not None
    assert talent in selectors.talents_for_screening()
    assert AuditEntry.objects.filter(action="talents.talent.consented").exists()
    assert OutboxMessage.objects.filter(to="organiser@example.jp").exists()
    # The link is used up.
    with pytest.raises(ValidationError):
        services.talent_consent(
            token=token, actor=instructor, accept=True, declared_adult=True, declared_no_misuse=True
        )
    services.talent_approve(talent=talent, actor=coordinator)
    assert Role.TALENT.value in User.objects.get(pk=instructor.pk).role_set


def test_refusing_deletes_the_card_and_tells_the_group(
    organiser: User, instructor: User, categories: list[Category]
) -> None:
    talent = register_for(organiser, categories)
    services.talent_consent(token=consent_link(INSTRUCTOR_EMAIL), actor=instructor, accept=False)
    assert not TalentProfile.objects.filter(pk=talent.pk).exists()
    told = OutboxMessage.objects.filter(to="organiser@example.jp").latest("pk")
    assert told.subject == "講師が人材バンクへの登録に同意しませんでした"


def test_an_unanswered_card_is_purged_when_its_link_expires(organiser: User, categories: list[Category]) -> None:
    talent = register_for(organiser, categories)
    assert services.talents_purge()["cards"] == 0
    later = timezone.now() + timedelta(days=31)
    assert services.talents_purge(now=later)["cards"] == 1
    assert not TalentProfile.objects.filter(pk=talent.pk).exists()


def test_consent_page_needs_login_and_makes_the_card_the_instructors(
    client: Client, organiser: User, instructor: User, categories: list[Category]
) -> None:
    talent = register_for(organiser, categories)
    url = reverse("talents:consent", args=[consent_link(INSTRUCTOR_EMAIL)])
    assert client.get(url).status_code == 302
    client.force_login(instructor)
    assert "けやき書道会" in client.get(url).content.decode()
    response = client.post(url, {"answer": "accept", "declared_adult": "on"})
    assert response.status_code == 400
    assert TalentProfile.objects.get(pk=talent.pk).status == TalentProfile.Status.AWAITING_CONSENT
    client.post(url, {"answer": "accept", "declared_adult": "on", "declared_no_misuse": "on"})
    assert TalentProfile.objects.get(pk=talent.pk).user == instructor


def test_group_registration_page(client: Client, organiser: User, categories: list[Category]) -> None:
    client.force_login(organiser)
    url = reverse("talents:register_group")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "group_name": "けやき書道会",
            "name": "講師 先生",
            "name_kana": "こうし せんせい",
            "categories": [categories[0].pk],
            "teaches": "書道",
            "free_of_charge": "on",
            "contact_email": INSTRUCTOR_EMAIL,
        },
    )
    assert response.status_code == 302
    talent = TalentProfile.objects.get()
    assert (talent.registered_by, talent.group_name, talent.user) == (organiser, "けやき書道会", None)
    assert OutboxMessage.objects.filter(to=INSTRUCTOR_EMAIL).exists()
