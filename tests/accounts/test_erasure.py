"""Deleting an account removes the person's copies in other apps, not only the account itself."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from manabiba.accounts.factories import DEFAULT_PASSWORD, UserFactory
from manabiba.accounts.models import User
from manabiba.accounts.services import user_delete
from manabiba.communities.models import CommunityGroup, ContactMessage, Follow, Membership
from manabiba.consultations.models import Consultation
from manabiba.core.models import Area, AuditEntry, OutboxMessage
from manabiba.desk.models import Appointment
from manabiba.programs.factories import ProgramFactory
from manabiba.programs.models import Program
from manabiba.registrations.models import Registration, RegistrationParticipant, RegistrationSettings
from manabiba.registrations.services import registration_settings_update, registration_submit

pytestmark = pytest.mark.django_db

NAME, KANA, EMAIL, PHONE = "去る 花子", "さる はなこ", "leaving@example.jp", "090-1111-2222"


def _leaver() -> User:
    area = Area.objects.create(name="谷戸町")
    user: User = UserFactory(
        email=EMAIL, full_name=NAME, full_name_kana=KANA, phone=PHONE, area=area, age_band="60s", language="en"
    )
    return user


def _full_programme(capacity: int = 1) -> Program:
    now = timezone.now()
    program: Program = ProgramFactory(
        published=True,
        capacity=capacity,
        application=Program.Application.SITE,
        applications_open_at=now - timedelta(days=1),
        applications_close_at=now + timedelta(days=3),
    )
    registration_settings_update(
        program=program, actor=None, allocation=RegistrationSettings.Allocation.FIRST_COME, priority_rules=None
    )
    return program


def _group(name: str) -> CommunityGroup:
    group: CommunityGroup = CommunityGroup.objects.create(
        name=name,
        name_kana="ぐるーぷ",
        kind=CommunityGroup.Kind.SPORTS,
        purpose="健康づくり",
        activities="練習",
        representative_name="代表 一郎",
        contact_name="連絡 次郎",
        contact_email="group@example.jp",
    )
    return group


def _personal_rows(user_pk: int) -> list[str]:
    """Every place the leaver's name, e-mail or phone could still be found."""
    found: list[str] = []
    for text in (NAME, EMAIL, PHONE):
        if Registration.objects.filter(full_name=text).exists() or Registration.objects.filter(email=text).exists():
            found.append(f"registration {text}")
        if RegistrationParticipant.objects.filter(name=text).exists():
            found.append(f"participant {text}")
        if (
            Registration.objects.filter(phone=text).exists()
            or Registration.objects.filter(full_name_kana=KANA).exists()
        ):
            found.append(f"registration {text}")
        if Consultation.objects.filter(name=text).exists() or Consultation.objects.filter(email=text).exists():
            found.append(f"consultation {text}")
        if Consultation.objects.filter(phone=text).exists():
            found.append(f"consultation {text}")
        if Appointment.objects.filter(name=text).exists() or Appointment.objects.filter(email=text).exists():
            found.append(f"appointment {text}")
        if Appointment.objects.filter(phone=text).exists():
            found.append(f"appointment {text}")
        if ContactMessage.objects.filter(sender_name=text).exists():
            found.append(f"message {text}")
        if ContactMessage.objects.filter(sender_email=text).exists():
            found.append(f"message {text}")
    for model, field in (
        (Registration, "user"),
        (Consultation, "resident"),
        (Appointment, "resident"),
        (ContactMessage, "sender"),
        (Follow, "user"),
        (Membership, "user"),
    ):
        if model.objects.filter(**{field: user_pk}).exists():
            found.append(f"{model.__name__}.{field}")
    for entry in AuditEntry.objects.all():
        if any(text in str(entry.data) for text in (NAME, EMAIL, PHONE)):
            found.append(f"audit {entry.action}")
    return found


def test_deleting_an_account_promotes_the_waiting_list_and_leaves_no_trace(client: Client) -> None:
    leaver = _leaver()
    program = _full_programme()
    leaver_registration = registration_submit(
        program=program, user=leaver, consent=True, answers={}, attends_every_session=True
    )
    waiting_user: User = UserFactory(email="waiting@example.jp", full_name="待つ 太郎", language="en")
    waiting = registration_submit(program=program, user=waiting_user, consent=True)
    assert (leaver_registration.status, waiting.status) == (
        Registration.Status.CONFIRMED,
        Registration.Status.WAITLISTED,
    )
    # A programme that already took place keeps its (anonymised) row for the figures.
    past = _full_programme(capacity=10)
    earlier = Registration.objects.create(
        program=past,
        user=leaver,
        status=Registration.Status.CONFIRMED,
        full_name=NAME,
        full_name_kana=KANA,
        phone=PHONE,
        email=EMAIL,
        answers={"why": "趣味"},
        age_band="60s",
        area=leaver.area,
        check_in_code="ABC234",
    )
    Program.objects.filter(pk=past.pk).update(first_starts_at=timezone.now() - timedelta(days=7))

    now = timezone.now()
    consultation = Consultation.objects.create(
        reference="2026-0001",
        topic="learn",
        body="パソコンを学びたい",
        reply_channel="email",
        resident=leaver,
        name=NAME,
        email=EMAIL,
        phone=PHONE,
        access_token="a" * 40,
        reply_token="r" * 20,
        confirmed_at=now,
    )
    coming = Appointment.objects.create(
        starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=2, minutes=30),
        resident=leaver,
        name=NAME,
        phone=PHONE,
        email=EMAIL,
        topic=Appointment.Topic.LEARNING,
        note="車椅子です",
    )
    held = Appointment.objects.create(
        starts_at=now - timedelta(days=2),
        ends_at=now - timedelta(days=2) + timedelta(minutes=30),
        resident=leaver,
        name=NAME,
        phone=PHONE,
        email=EMAIL,
        topic=Appointment.Topic.GROUP,
    )
    group = _group("谷戸の会")
    Membership.objects.create(group=group, user=UserFactory(), role=Membership.Role.OWNER)
    Membership.objects.create(group=group, user=leaver, role=Membership.Role.EDITOR)
    Follow.objects.create(group=group, user=leaver)
    message = ContactMessage.objects.create(
        group=group, sender=leaver, sender_name=NAME, sender_email=EMAIL, subject="見学", body="見学できますか"
    )
    OutboxMessage.objects.all().delete()

    client.force_login(leaver)
    with translation.override("en"):
        response = client.post(reverse("accounts:profile_delete"), {"password": DEFAULT_PASSWORD, "confirm": "on"})
    assert response.status_code == 200

    # The first on the waiting list got the seat and was told; the leaver was sent nothing.
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert OutboxMessage.objects.filter(to="waiting@example.jp").count() == 1
    assert not OutboxMessage.objects.filter(to=EMAIL).exists()
    leaver_registration.refresh_from_db()
    assert leaver_registration.status == Registration.Status.CANCELLED
    assert leaver_registration.user_id is None
    assert leaver_registration.answers == {}
    # The figures keep what is anonymous.
    earlier.refresh_from_db()
    assert earlier.status == Registration.Status.CONFIRMED
    assert (earlier.age_band, earlier.area_id, earlier.full_name, earlier.answers) == ("60s", leaver.area_id, "", {})
    consultation.refresh_from_db()
    assert (consultation.topic, consultation.body, consultation.anonymised_at is not None) == ("learn", "", True)
    coming.refresh_from_db()
    held.refresh_from_db()
    assert (coming.status, coming.note) == (Appointment.Status.CANCELLED, "")
    assert held.status == Appointment.Status.BOOKED
    assert held.topic == Appointment.Topic.GROUP
    message.refresh_from_db()
    assert (message.body, message.sender_name, message.sender_email) == ("見学できますか", "", "")
    # Nothing left anywhere that says who it was.
    assert _personal_rows(leaver.pk) == []


def test_the_delete_page_tells_a_group_owner_to_hand_the_group_over(client: Client) -> None:
    leaver = _leaver()
    group = _group("谷戸の会")
    Membership.objects.create(group=group, user=leaver, role=Membership.Role.OWNER)
    client.force_login(leaver)

    response = client.post(
        reverse("accounts:profile_delete"),
        {"password": DEFAULT_PASSWORD, "confirm": "on"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "hand the group over" in response.content.decode()
    leaver.refresh_from_db()
    assert leaver.is_active


def test_a_group_owner_must_hand_the_group_over_before_deleting() -> None:
    leaver = _leaver()
    group = _group("谷戸の会")
    Membership.objects.create(group=group, user=leaver, role=Membership.Role.OWNER)
    Membership.objects.create(group=group, user=UserFactory(), role=Membership.Role.EDITOR)
    program = _full_programme(capacity=5)
    registration = registration_submit(program=program, user=leaver, consent=True)

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        user_delete(user=leaver, actor=leaver)

    assert "谷戸の会" in refused.value.messages[0]
    assert "hand the group over" in refused.value.messages[0]
    # Nothing happened: the account, the group's owner and the registration are as they were.
    leaver.refresh_from_db()
    registration.refresh_from_db()
    assert (leaver.is_active, leaver.email) == (True, EMAIL)
    assert Membership.objects.get(group=group, role=Membership.Role.OWNER).user_id == leaver.pk
    assert (registration.status, registration.full_name) == (Registration.Status.CONFIRMED, NAME)
