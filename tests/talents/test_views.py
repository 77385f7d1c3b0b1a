"""The talent bank's pages: the directory and its search, a talent's page, registration, My page,
introductions, the answer link, and the coordinator's pages; who sees a talent's contact details."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.core.models import AuditEntry
from manabiba.programs.models import Category
from manabiba.talents import services
from manabiba.talents.models import IntroductionRequest, TalentProfile
from tests.talents.conftest import request_fields

pytestmark = pytest.mark.django_db

PRIVATE_EMAIL = "sumiko-private@example.jp"


def accepted_introduction(talent: TalentProfile, requester: User, coordinator: User) -> IntroductionRequest:
    intro = services.introduction_request(talent=talent, actor=requester, **request_fields())
    intro = services.introduction_forward(request=intro, actor=coordinator)
    return services.introduction_answer(request=intro, accept=True, actor=talent.user)


def test_hiragana_reading_of_a_field_finds_the_talent(
    client: Client, make_talent: Callable[..., TalentProfile], categories: list[Category]
) -> None:
    calligrapher = make_talent(teaches="筆の持ち方から、楽しく字を書きます。", qualifications="", experience="")
    cook = make_talent(fields=[categories[2]], teaches="家庭でできる和食の基本。", qualifications="", experience="")
    response = client.get(reverse("talents:list"), {"q": "しょどう"})
    assert list(response.context["talents"]) == [calligrapher]
    response = client.get(reverse("talents:list"), {"q": "りょうり"})
    assert list(response.context["talents"]) == [cook]


def test_directory_facets_by_field_area_day_time_audience_and_fee(
    client: Client, make_talent: Callable[..., TalentProfile], categories: list[Category], rate: object
) -> None:
    free = make_talent(days="5", times="weekend")
    paid = make_talent(
        fields=[categories[2]],
        days="2",
        times="weekday_evening",
        free_of_charge=False,
        honorarium_rate=rate,
        honorarium_per_hour=2000,
    )
    url = reverse("talents:list")
    assert list(client.get(url, {"category": categories[2].pk}).context["talents"]) == [paid]
    assert list(client.get(url, {"day": "5"}).context["talents"]) == [free]
    assert list(client.get(url, {"when": "weekday_evening"}).context["talents"]) == [paid]
    assert list(client.get(url, {"free": "yes"}).context["talents"]) == [free]
    assert list(client.get(url, {"free": "no"}).context["talents"]) == [paid]
    facets = client.get(url).context["facets"]
    assert {f.value: f.count for f in facets["times"]} == {"weekday_evening": 1, "weekend": 1}
    assert {f.value: f.count for f in facets["fees"]} == {"yes": 1, "no": 1}


def test_hidden_availability_is_neither_shown_nor_filterable(
    client: Client, make_talent: Callable[..., TalentProfile]
) -> None:
    talent = make_talent(availability_public=False, days="5", availability_note="毎週土曜の午後")
    assert list(client.get(reverse("talents:list"), {"day": "5"}).context["talents"]) == []
    page = client.get(reverse("talents:detail", args=[talent.pk])).content.decode()
    assert "毎週土曜の午後" not in page


def test_a_talents_page_shows_only_public_fields_and_never_contact_details(
    client: Client, make_talent: Callable[..., TalentProfile]
) -> None:
    talent = make_talent(name_public=False, qualifications_public=False, experience_public=False)
    page = client.get(reverse("talents:detail", args=[talent.pk])).content.decode()
    assert "初心者向けの書道" in page
    for private in ("筆野 墨子", "書道師範", "公民館で10年", PRIVATE_EMAIL, "090-0000-0000"):
        assert private not in page
    assert f"T-{talent.pk:04d}" in page
    # Private words are not findable either.
    assert list(client.get(reverse("talents:list"), {"q": "師範"}).context["talents"]) == []


def test_pending_lapsed_and_removed_cards_are_not_public(
    client: Client, make_talent: Callable[..., TalentProfile], coordinator: User
) -> None:
    pending = make_talent(approved=False)
    assert client.get(reverse("talents:detail", args=[pending.pk])).status_code == 404
    client.force_login(pending.user)
    assert client.get(reverse("talents:detail", args=[pending.pk])).status_code == 200
    client.force_login(coordinator)
    page = client.get(reverse("talents:detail", args=[pending.pk])).content.decode()
    assert reverse("staff_talents:talent", args=[pending.pk]) in page


def test_registration_page_registers_a_pending_card(
    client: Client, registrant: User, categories: list[Category], rate: object
) -> None:
    client.force_login(registrant)
    url = reverse("talents:register")
    assert client.get(url).status_code == 200
    data = {
        "name": "筆野 墨子",
        "name_kana": "ふでの すみこ",
        "name_public": "on",
        "categories": [categories[0].pk],
        "teaches": "書道の基本",
        "honorarium_rate": rate.pk,  # type: ignore[attr-defined]
        "honorarium_per_hour": "9000",
        "contact_email": PRIVATE_EMAIL,
        "declared_adult": "on",
        "declared_no_misuse": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "3,000" in response.content.decode()
    assert not TalentProfile.objects.exists()
    response = client.post(url, {**data, "honorarium_per_hour": "2500"})
    assert response.status_code == 302
    talent = TalentProfile.objects.get()
    assert (talent.user, talent.status, talent.honorarium_per_hour) == (
        registrant,
        TalentProfile.Status.PENDING,
        2500,
    )
    response = client.post(url, {**data, "declared_adult": ""})
    assert "Talents must be 18 or over." in response.content.decode()


def test_contact_is_shown_only_to_the_accepted_requester_and_staff(
    client: Client,
    make_talent: Callable[..., TalentProfile],
    school: User,
    coordinator: User,
    personas: dict[Role, User],
) -> None:
    talent = make_talent()
    intro = services.introduction_request(talent=talent, actor=school, **request_fields())
    url = reverse("talents:introduction", args=[intro.pk])
    client.force_login(school)
    assert PRIVATE_EMAIL not in client.get(url).content.decode()
    intro = services.introduction_forward(request=intro, actor=coordinator)
    assert PRIVATE_EMAIL not in client.get(url).content.decode()
    services.introduction_answer(request=intro, accept=True, actor=talent.user)
    page = client.get(url).content.decode()
    assert PRIVATE_EMAIL in page
    assert "bears no responsibility" in page
    # Nobody else sees the request at all: not another resident, not a department, not the desk.
    for role in (Role.RESIDENT, Role.TALENT, Role.GROUP_ORGANISER, Role.DEPARTMENT_STAFF, Role.DESK_STAFF):
        client.force_login(personas[role])
        assert client.get(url).status_code == 404
        assert PRIVATE_EMAIL not in client.get(reverse("talents:detail", args=[talent.pk])).content.decode()
        assert client.get(reverse("staff_talents:talent", args=[talent.pk])).status_code == 403
    # The coordinator sees it on the screening page, and the look is logged.
    # (Read again: the personas fixture saved the same coordinator with a new password.)
    client.force_login(User.objects.get(pk=coordinator.pk))
    assert PRIVATE_EMAIL in client.get(reverse("staff_talents:talent", args=[talent.pk])).content.decode()
    assert AuditEntry.objects.filter(action="talents.personal_data.viewed", actor=coordinator).exists()


def test_another_requesters_accepted_request_does_not_release_the_contact(
    client: Client,
    make_talent: Callable[..., TalentProfile],
    school: User,
    coordinator: User,
    resident: User,
) -> None:
    talent = make_talent()
    accepted_introduction(talent, school, coordinator)
    other = services.introduction_request(talent=talent, actor=resident, **request_fields(contact_email="r@example.jp"))
    client.force_login(resident)
    assert PRIVATE_EMAIL not in client.get(reverse("talents:introduction", args=[other.pk])).content.decode()


def test_the_mailed_link_asks_then_answers_without_logging_in(
    client: Client, make_talent: Callable[..., TalentProfile], school: User, coordinator: User
) -> None:
    talent = make_talent()
    intro = services.introduction_request(talent=talent, actor=school, **request_fields())
    intro = services.introduction_forward(request=intro, actor=coordinator)
    url = reverse("talents:answer", args=[services.answer_token(intro)])
    # Following the link (as a mail scanner would) changes nothing.
    assert client.get(url).status_code == 200
    assert IntroductionRequest.objects.get(pk=intro.pk).status == IntroductionRequest.Status.FORWARDED
    response = client.post(url, {"answer": "accept"})
    assert response.status_code == 200
    assert IntroductionRequest.objects.get(pk=intro.pk).status == IntroductionRequest.Status.ACCEPTED
    bad = reverse("talents:answer", args=[services.answer_token(intro) + "x"])
    assert client.post(bad, {"answer": "decline"}).status_code == 400


def test_the_talent_answers_on_my_page_and_the_requester_records_the_outcome(
    client: Client, make_talent: Callable[..., TalentProfile], school: User, coordinator: User
) -> None:
    talent = make_talent()
    intro = services.introduction_request(talent=talent, actor=school, **request_fields())
    client.force_login(talent.user)
    # Still with the office: not on the talent's page.
    assert intro not in client.get(reverse("talents:mine")).context["incoming"]
    services.introduction_forward(request=intro, actor=coordinator)
    assert intro in client.get(reverse("talents:mine")).context["incoming"]
    client.post(reverse("talents:introduction_answer", args=[intro.pk]), {"answer": "accept"})
    assert IntroductionRequest.objects.get(pk=intro.pk).is_accepted
    client.force_login(school)
    url = reverse("talents:introduction", args=[intro.pk])
    response = client.post(url, {"held": "yes", "participants": "", "satisfaction": "5"})
    assert "Say how many took part." in response.content.decode()
    outcome = {"held": "yes", "participants": "25", "satisfaction": "4", "comment": "好評", "comment_public": "on"}
    client.post(url, outcome)
    intro.refresh_from_db()
    assert (intro.held, intro.participants, intro.satisfaction) == (True, 25, 4)
    page = client.get(reverse("talents:detail", args=[talent.pk])).content.decode()
    assert "好評" in page
    assert "25 participants" in page


def test_coordinator_screens_on_the_staff_page(
    client: Client, make_talent: Callable[..., TalentProfile], coordinator: User
) -> None:
    talent = make_talent(approved=False)
    client.force_login(coordinator)
    assert talent.name in client.get(reverse("staff_talents:queue")).content.decode()
    url = reverse("staff_talents:talent", args=[talent.pk])
    response = client.post(url, {"action": "request_changes", "reason": ""})
    assert TalentProfile.objects.get(pk=talent.pk).status == TalentProfile.Status.PENDING
    assert response.status_code == 200
    client.post(url, {"action": "request_changes", "reason": "写真の説明を"})
    assert TalentProfile.objects.get(pk=talent.pk).status == TalentProfile.Status.CHANGES_REQUESTED


def test_furigana_switch_adds_readings_on_the_directory(
    client: Client, make_talent: Callable[..., TalentProfile], settings: object
) -> None:
    make_talent()
    client.cookies["furigana"] = "on"
    client.cookies["django_language"] = "ja"
    page = client.get(reverse("talents:list")).content.decode()
    assert "<ruby>" in page
    assert "人材バンク" in page
