"""The talent bank through its services: registration, screening, validity, introductions, purge."""

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.core.models import AuditEntry, OutboxMessage
from manabiba.programs.models import Category
from manabiba.talents import selectors, services
from manabiba.talents.models import HonorariumRate, IntroductionRequest, TalentProfile
from tests.talents.conftest import request_fields, talent_fields

pytestmark = pytest.mark.django_db


def mails_to(address: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(to=address).order_by("pk"))


def audited(action: str) -> bool:
    return AuditEntry.objects.filter(action=action).exists()


def register(user: User, categories: list[Category], **overrides: object) -> TalentProfile:
    return services.talent_register(
        actor=user,
        declared_adult=True,
        declared_no_misuse=True,
        categories=categories[:1],
        **talent_fields(**overrides),
    )


# --- validity -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "until"),
    [
        (date(2026, 12, 2), date(2028, 3, 31)),
        (date(2027, 3, 31), date(2028, 3, 31)),
        (date(2027, 4, 1), date(2029, 3, 31)),
    ],
)
def test_a_card_is_valid_to_the_end_of_the_next_fiscal_year(today: date, until: date) -> None:
    assert services.valid_until_for(today) == until


@override_settings(TALENTS_FISCAL_YEAR_START_MONTH=1)
def test_the_fiscal_year_can_be_the_calendar_year() -> None:
    assert services.valid_until_for(date(2026, 12, 2)) == date(2027, 12, 31)


# --- registration and screening ----------------------------------------------------------------------


def test_register_makes_a_pending_card_mailed_to_the_registrant(registrant: User, categories: list[Category]) -> None:
    talent = register(registrant, categories)
    assert talent.status == TalentProfile.Status.PENDING
    assert talent.declared_at is not None
    assert audited("talents.talent.registered")
    assert mails_to("registrant@example.jp")[0].subject == "人材バンクへの登録申込みを受け付けました"
    assert mails_to("sumiko-private@example.jp")
    # Not screened yet, so not in the directory.
    assert selectors.talent_search(selectors.TalentFilters(q="書道")).count == 0


def test_register_mails_in_the_registrants_language(
    make_persona: Callable[..., User], categories: list[Category]
) -> None:
    user = make_persona(Role.RESIDENT, email="english@example.jp", language="en")
    register(user, categories, contact_email="english@example.jp")
    [mail] = mails_to("english@example.jp")
    assert mail.subject == "We have received your talent-bank registration"
    assert mail.language == "en"


def test_register_needs_both_declarations_and_one_to_three_fields(registrant: User, categories: list[Category]) -> None:
    with pytest.raises(ValidationError) as error:
        services.talent_register(
            actor=registrant,
            declared_adult=False,
            declared_no_misuse=True,
            categories=categories[:1],
            **talent_fields(),
        )
    assert "declared_adult" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.talent_register(
            actor=registrant,
            declared_adult=True,
            declared_no_misuse=False,
            categories=categories[:1],
            **talent_fields(),
        )
    assert "declared_no_misuse" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.talent_register(
            actor=registrant, declared_adult=True, declared_no_misuse=True, categories=categories[:4], **talent_fields()
        )
    with pytest.raises(ValidationError):
        services.talent_register(
            actor=registrant, declared_adult=True, declared_no_misuse=True, categories=[], **talent_fields()
        )
    assert not TalentProfile.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_the_honorarium_is_checked_against_the_citys_scale(
    registrant: User, categories: list[Category], rate: HonorariumRate
) -> None:
    with pytest.raises(ValidationError) as error:
        register(registrant, categories, free_of_charge=False, honorarium_rate=rate, honorarium_per_hour=3001)
    assert "honorarium_per_hour" in error.value.message_dict
    assert "3,000" in error.value.message_dict["honorarium_per_hour"][0]
    with pytest.raises(ValidationError) as error:
        register(registrant, categories, free_of_charge=False, honorarium_rate=None, honorarium_per_hour=1000)
    assert "honorarium_rate" in error.value.message_dict
    assert not TalentProfile.objects.exists()
    talent = register(registrant, categories, free_of_charge=False, honorarium_rate=rate, honorarium_per_hour=3000)
    assert talent.honorarium_per_hour == 3000
    # Free of charge needs no line of the scale, and keeps no amount.
    free = register(registrant, categories, free_of_charge=True, honorarium_rate=rate, honorarium_per_hour=2000)
    assert free.honorarium_rate is None
    assert free.honorarium_per_hour is None


def test_screening_cycle_ask_for_changes_resubmit_approve(
    registrant: User, categories: list[Category], coordinator: User
) -> None:
    talent = register(registrant, categories)
    with pytest.raises(ValidationError):
        services.talent_request_changes(talent=talent, actor=coordinator, reason=" ")
    talent = services.talent_request_changes(talent=talent, actor=coordinator, reason="経歴をもう少し詳しく")
    assert talent.status == TalentProfile.Status.CHANGES_REQUESTED
    assert audited("talents.talent.changes_requested")
    assert "経歴をもう少し詳しく" in mails_to("registrant@example.jp")[-1].body
    # Approving needs the card back first.
    with pytest.raises(ValidationError):
        services.talent_approve(talent=talent, actor=coordinator)
    talent = services.talent_update(talent=talent, actor=registrant, experience="公民館で10年、小学校で3年。")
    talent = services.talent_resubmit(talent=talent, actor=registrant)
    assert talent.status == TalentProfile.Status.PENDING
    assert audited("talents.talent.resubmitted")
    talent = services.talent_approve(talent=talent, actor=coordinator)
    assert talent.status == TalentProfile.Status.APPROVED
    assert talent.valid_until == services.valid_until_for(timezone.localdate())
    assert audited("talents.talent.approved")
    assert Role.TALENT.value in User.objects.get(pk=registrant.pk).role_set
    assert "人材バンクに登録されました" in [m.subject for m in mails_to("registrant@example.jp")]
    assert selectors.talent_search(selectors.TalentFilters(q="書道")).talents == [talent]


def test_decline_with_a_reason(registrant: User, categories: list[Category], coordinator: User) -> None:
    talent = register(registrant, categories)
    talent = services.talent_decline(talent=talent, actor=coordinator, reason="営利目的のため")
    assert talent.status == TalentProfile.Status.DECLINED
    assert talent.closed_at is not None
    assert audited("talents.talent.declined")
    assert "営利目的のため" in mails_to("registrant@example.jp")[-1].body
    with pytest.raises(PermissionDenied):
        services.talent_update(talent=talent, actor=registrant, teaches="別の内容")


def test_only_the_coordinator_screens_and_only_the_registrant_edits(
    registrant: User, categories: list[Category], personas: dict[Role, User]
) -> None:
    talent = register(registrant, categories)
    for role in (Role.RESIDENT, Role.TALENT, Role.DEPARTMENT_STAFF, Role.DESK_STAFF, Role.FACILITY_STAFF):
        with pytest.raises(PermissionDenied):
            services.talent_approve(talent=talent, actor=personas[role])
        with pytest.raises(PermissionDenied):
            services.talent_update(talent=talent, actor=personas[role], teaches="乗っ取り")
    services.talent_approve(talent=talent, actor=personas[Role.ADMINISTRATOR])


def test_removal_by_staff_needs_a_reason_and_by_the_registrant_does_not(
    make_talent: Callable[..., TalentProfile], coordinator: User
) -> None:
    talent = make_talent()
    with pytest.raises(ValidationError):
        services.talent_remove(talent=talent, actor=coordinator, reason="")
    removed = services.talent_remove(talent=talent, actor=coordinator, reason="宗教の勧誘に使われたため")
    assert removed.status == TalentProfile.Status.REMOVED
    assert audited("talents.talent.removed")
    assert "宗教の勧誘に使われたため" in mails_to(talent.user.email)[-1].body
    assert selectors.talent_search(selectors.TalentFilters()).count == 0
    other = make_talent()
    services.talent_remove(talent=other, actor=other.user)
    assert audited("talents.talent.withdrawn")


# --- validity, reminders, lapse, renewal ---------------------------------------------------------------


def test_reminders_60_and_14_days_before_then_the_lapse_hides_the_card(
    make_talent: Callable[..., TalentProfile],
) -> None:
    talent = make_talent()
    assert talent.valid_until is not None
    end = talent.valid_until
    address = talent.user.email
    assert services.talents_remind(today=end - timedelta(days=61)) == {"reminded": 0, "lapsed": 0}
    assert services.talents_remind(today=end - timedelta(days=60)) == {"reminded": 1, "lapsed": 0}
    assert "60" in mails_to(address)[-1].subject
    # A second run the same or the next day sends nothing more.
    assert services.talents_remind(today=end - timedelta(days=59))["reminded"] == 0
    assert services.talents_remind(today=end - timedelta(days=14))["reminded"] == 1
    assert "14" in mails_to(address)[-1].subject
    assert services.talents_remind(today=end)["reminded"] == 0
    assert services.talents_remind(today=end + timedelta(days=1)) == {"reminded": 0, "lapsed": 1}
    assert services.talents_remind(today=end + timedelta(days=2)) == {"reminded": 0, "lapsed": 0}
    assert audited("talents.talent.reminded")
    assert audited("talents.talent.lapsed")


def test_a_lapsed_card_is_hidden_until_renewed(make_talent: Callable[..., TalentProfile]) -> None:
    talent = make_talent()
    TalentProfile.objects.filter(pk=talent.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    assert selectors.talent_search(selectors.TalentFilters()).count == 0
    renewed = services.talent_renew(talent=talent, actor=talent.user)
    assert renewed.valid_until == services.valid_until_for(timezone.localdate())
    assert audited("talents.talent.renewed")
    assert selectors.talent_search(selectors.TalentFilters(q="書道")).talents == [renewed]


# --- introductions ---------------------------------------------------------------------------------------


def test_introduction_from_request_to_outcome(
    make_talent: Callable[..., TalentProfile], school: User, coordinator: User
) -> None:
    talent = make_talent()
    intro = services.introduction_request(talent=talent, actor=school, **request_fields())
    assert intro.status == IntroductionRequest.Status.SUBMITTED
    assert audited("talents.introduction.requested")
    assert mails_to("school@example.jp")
    # Nothing reaches the talent before the office forwards it.
    talent_mail = len(mails_to(talent.user.email))
    intro = services.introduction_forward(request=intro, actor=coordinator, note="よろしくお願いします")
    assert intro.status == IntroductionRequest.Status.FORWARDED
    forwarded = mails_to(talent.user.email)[talent_mail:]
    assert forwarded
    assert services.answer_url(intro).split("/answer/")[0] in forwarded[0].body
    # The talent's contact details have not been given to anyone yet.
    assert not any("sumiko-private@example.jp" in m.body for m in mails_to("school@example.jp"))
    intro = services.introduction_answer(request=intro, accept=True, token=services.answer_token(intro))
    assert intro.status == IntroductionRequest.Status.ACCEPTED
    assert audited("talents.introduction.accepted")
    accepted = mails_to("school@example.jp")[-1]
    assert "sumiko-private@example.jp" in accepted.body
    assert "090-0000-0000" in accepted.body
    assert "責任を負いません" in accepted.body
    to_talent = mails_to(talent.user.email)[-1]
    assert "school@example.jp" in to_talent.body
    assert "責任を負いません" in to_talent.body
    intro = services.introduction_record_outcome(
        request=intro,
        actor=school,
        held=True,
        participants=58,
        satisfaction=5,
        comment="楽しかった",
        comment_public=True,
    )
    assert audited("talents.introduction.outcome_recorded")
    history = selectors.talent_history(talent)
    assert (history.held, history.participants, history.satisfaction, history.comments) == (1, 58, 5.0, ["楽しかった"])


def test_the_talent_declines_and_the_requester_is_told(
    make_talent: Callable[..., TalentProfile], school: User, coordinator: User
) -> None:
    talent = make_talent()
    intro = services.introduction_request(talent=talent, actor=school, **request_fields())
    intro = services.introduction_forward(request=intro, actor=coordinator)
    intro = services.introduction_answer(request=intro, accept=False, actor=talent.user)
    assert intro.status == IntroductionRequest.Status.DECLINED
    assert audited("talents.introduction.declined")
    assert not any("sumiko-private@example.jp" in m.body for m in mails_to("school@example.jp"))
    with pytest.raises(ValidationError):
        services.introduction_answer(request=intro, accept=True, actor=talent.user)
    with pytest.raises(PermissionDenied):
        services.introduction_record_outcome(request=intro, actor=talent.user, held=False)


def test_the_office_may_refuse_to_forward_with_a_reason(
    make_talent: Callable[..., TalentProfile], school: User, coordinator: User
) -> None:
    intro = services.introduction_request(talent=make_talent(), actor=school, **request_fields())
    intro = services.introduction_refuse(request=intro, actor=coordinator, reason="営利目的の依頼のため")
    assert intro.status == IntroductionRequest.Status.REFUSED
    assert audited("talents.introduction.refused")
    assert "営利目的の依頼のため" in mails_to("school@example.jp")[-1].body


def test_only_the_talent_answers_and_a_bad_link_answers_nothing(
    make_talent: Callable[..., TalentProfile], school: User, coordinator: User, resident: User
) -> None:
    talent = make_talent()
    intro = services.introduction_request(talent=talent, actor=school, **request_fields())
    # Not yet forwarded: the talent cannot answer.
    with pytest.raises(ValidationError):
        services.introduction_answer(request=intro, accept=True, actor=talent.user)
    intro = services.introduction_forward(request=intro, actor=coordinator)
    for actor in (resident, school, coordinator):
        with pytest.raises(PermissionDenied):
            services.introduction_answer(request=intro, accept=True, actor=actor)
    with pytest.raises(ValidationError):
        services.introduction_answer(request=intro, accept=True, token=services.answer_token(intro) + "x")
    assert IntroductionRequest.objects.get(pk=intro.pk).status == IntroductionRequest.Status.FORWARDED


def test_requests_need_a_listed_talent_and_not_oneself(make_talent: Callable[..., TalentProfile], school: User) -> None:
    pending = make_talent(approved=False)
    with pytest.raises(ValidationError):
        services.introduction_request(talent=pending, actor=school, **request_fields())
    talent = make_talent()
    with pytest.raises(ValidationError):
        services.introduction_request(talent=talent, actor=talent.user, **request_fields())
    assert not IntroductionRequest.objects.exists()


def test_held_needs_the_number_of_participants(
    make_talent: Callable[..., TalentProfile], school: User, coordinator: User
) -> None:
    talent = make_talent()
    intro = services.introduction_request(talent=talent, actor=school, **request_fields())
    intro = services.introduction_forward(request=intro, actor=coordinator)
    intro = services.introduction_answer(request=intro, accept=True, actor=talent.user)
    with pytest.raises(ValidationError):
        services.introduction_record_outcome(request=intro, actor=school, held=True, participants=None)
    assert IntroductionRequest.objects.get(pk=intro.pk).outcome_recorded_at is None


# --- purge and erasure -----------------------------------------------------------------------------------


def test_purge_after_the_retention_period_keeps_the_figures(
    make_talent: Callable[..., TalentProfile],
    school: User,
    coordinator: User,
    registrant: User,
    categories: list[Category],
) -> None:
    talent = make_talent()
    intro = services.introduction_request(talent=talent, actor=school, **request_fields())
    intro = services.introduction_forward(request=intro, actor=coordinator)
    intro = services.introduction_answer(request=intro, accept=True, actor=talent.user)
    services.introduction_record_outcome(request=intro, actor=school, held=True, participants=30)
    declined = services.talent_decline(talent=register(registrant, categories), actor=coordinator, reason="理由")
    assert services.talents_purge() == {"cards": 0, "requests": 0}
    later = timezone.now() + services.retention() + timedelta(days=1)
    services.talent_remove(talent=talent, actor=coordinator, reason="本人の申出")
    TalentProfile.objects.filter(pk=talent.pk).update(closed_at=timezone.now())
    result = services.talents_purge(now=later)
    assert result == {"cards": 2, "requests": 1}
    assert not TalentProfile.objects.filter(pk__in=[talent.pk, declined.pk]).exists()
    kept = IntroductionRequest.objects.get(pk=intro.pk)
    assert (kept.contact_email, kept.contact_name, kept.requester_id, kept.talent_id) == ("", "", None, None)
    assert (kept.held, kept.participants) == (True, 30)
    assert audited("talents.personal_data.purged")


def test_account_deletion_erases_cards_and_requests(
    make_talent: Callable[..., TalentProfile], school: User, coordinator: User
) -> None:
    from manabiba.accounts.services import user_delete

    talent = make_talent()
    intro = services.introduction_request(talent=talent, actor=school, **request_fields())
    user_delete(user=talent.user, actor=talent.user)
    assert not TalentProfile.objects.filter(pk=talent.pk).exists()
    assert selectors.talent_search(selectors.TalentFilters(q="書道")).count == 0
    user_delete(user=school, actor=school)
    kept = IntroductionRequest.objects.get(pk=intro.pk)
    assert (kept.contact_email, kept.contact_phone, kept.organisation, kept.requester_id) == ("", "", "", None)
    assert audited("talents.personal_data.erased")
