"""Saved searches and their weekly mail: the listing's own filters kept in normal form, only new matching
programmes mailed, once a week, nothing when nothing is new, one-click unsubscribe, erasure."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.accounts.services import user_delete
from manabiba.alerts import services
from manabiba.alerts.models import SavedSearch
from manabiba.core.models import Area, AuditEntry, OutboxMessage
from manabiba.programs.factories import ProgramFactory
from manabiba.programs.models import Category, Program

pytestmark = pytest.mark.django_db

Save = Callable[..., SavedSearch]
Publish = Callable[..., Program]


def alert_mails(user: User) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(to=user.email, list_unsubscribe__contains="/unsubscribe/alerts."))


def test_the_listing_query_is_kept_in_normal_form_and_named_by_its_filters(
    resident: User, yoga: Category, tanashi: Area
) -> None:
    query = f"weekday=6&area={tanashi.pk}&sort=new&page=3&category={yoga.pk}&weekday=5&category=nonsense&when=weekend"
    saved_search, created = services.saved_search_create(user=resident, query=query, language="ja")
    assert created
    # The order and the page are not conditions; values that do not parse are dropped, as the listing drops them.
    assert saved_search.query == f"category={yoga.pk}&area={tanashi.pk}&weekday=5&weekday=6&when=weekend"
    assert saved_search.name == "ヨガ・田無町・土曜日・日曜日・土日祝"
    assert saved_search.language == "ja"
    # The same conditions in another order are the same saved search.
    again, created = services.saved_search_create(
        user=resident, query=f"category={yoga.pk}&when=weekend&weekday=5&weekday=6&area={tanashi.pk}", language="en"
    )
    assert not created
    assert again == saved_search
    assert AuditEntry.objects.filter(action="alerts.saved_search.created").count() == 1


def test_names_in_english_and_without_filters(resident: User, yoga: Category) -> None:
    saved_search, _created = services.saved_search_create(
        user=resident, query=f"q=ヨガ&category={yoga.pk}&free=1&childcare=on", language="en"
    )
    assert saved_search.name == "ヨガ · Yoga · Free · Childcare available"
    everything, _created = services.saved_search_create(user=resident, query="", language="ja")
    assert everything.name == "すべての新着講座"


def test_a_resident_keeps_a_limited_number(resident: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "MAX_PER_PERSON", 2)
    services.saved_search_create(user=resident, query="free=1", language="ja")
    services.saved_search_create(user=resident, query="free=0", language="ja")
    with pytest.raises(ValidationError):
        services.saved_search_create(user=resident, query="childcare=on", language="ja")


def test_the_weekly_mail_lists_only_new_programmes_that_match(
    resident: User, yoga: Category, music: Category, tanashi: Area, save: Save, publish: Publish
) -> None:
    now = timezone.now()
    publish("前からあるヨガ教室", categories=[yoga], at=now - timedelta(days=3))  # published before saving
    saved_search = save(f"category={yoga.pk}", ago=timedelta(days=2))
    new = publish("朝のヨガ教室", categories=[yoga], area=tanashi)
    publish("合唱の会", categories=[music])  # does not match
    ProgramFactory(title="準備中のヨガ", categories=[yoga])  # a draft is never news

    assert services.alerts_send(now=now + timedelta(minutes=5)) == 1
    [mail] = alert_mails(resident)
    assert mail.subject == "新着講座のお知らせ：ヨガ"
    assert mail.language == "ja"
    assert mail.body.startswith(f"{resident.full_name} 様")
    assert "朝のヨガ教室" in mail.body
    assert f"/programs/{new.pk}/" in mail.body
    assert "前からあるヨガ教室" not in mail.body
    assert "合唱の会" not in mail.body
    assert "準備中のヨガ" not in mail.body
    # The day through the one date formatter: 2027年1月16日（土）.
    day = timezone.localtime(new.next_starts_at)
    assert f"{day.year}年{day.month}月{day.day}日（" in mail.body
    assert mail.list_unsubscribe in mail.body
    saved_search.refresh_from_db()
    assert saved_search.last_sent_at == now + timedelta(minutes=5)
    assert saved_search.mails_sent == 1


def test_a_second_run_in_the_same_week_sends_nothing_and_the_next_week_only_what_is_newer(
    resident: User, yoga: Category, save: Save, publish: Publish
) -> None:
    now = timezone.now()
    save(f"category={yoga.pk}", ago=timedelta(days=8))
    publish("第一週のヨガ", categories=[yoga], at=now - timedelta(days=1))
    assert services.alerts_send(now=now) == 1
    assert services.alerts_send(now=now) == 0
    publish("第二週のヨガ", categories=[yoga], at=now + timedelta(days=1))
    # Run again two days later: still the same week, nothing goes out.
    assert services.alerts_send(now=now + timedelta(days=2)) == 0
    call_command("alerts_send", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(alert_mails(resident)) == 1
    # A week later: only the programme published since the last mail.
    assert services.alerts_send(now=now + timedelta(days=7)) == 1
    _first, second = alert_mails(resident)
    assert "第二週のヨガ" in second.body
    assert "第一週のヨガ" not in second.body


def test_nothing_new_sends_nothing(resident: User, yoga: Category, save: Save, publish: Publish) -> None:
    saved_search = save(f"category={yoga.pk}", ago=timedelta(days=8))
    publish("他の講座")
    now = timezone.now() + timedelta(minutes=1)
    assert services.alerts_send(now=now) == 0
    assert alert_mails(resident) == []
    saved_search.refresh_from_db()
    assert saved_search.last_checked_at == now
    assert saved_search.last_sent_at is None


def test_a_long_list_is_cut_with_a_link_to_the_rest(
    resident: User, yoga: Category, save: Save, publish: Publish, monkeypatch: pytest.MonkeyPatch
) -> None:
    from manabiba.alerts import selectors

    monkeypatch.setattr(selectors, "MAIL_LIMIT", 2)
    save(f"category={yoga.pk}")
    for n in range(3):
        publish(f"ヨガ{n}", categories=[yoga])
    assert services.alerts_send(now=timezone.now() + timedelta(minutes=1)) == 1
    [mail] = alert_mails(resident)
    assert "新着講座が3件あります" in mail.body
    assert "ほか1件" in mail.body
    assert f"/programs/?category={yoga.pk}&sort=new" in mail.body


def test_mail_in_the_residents_language(
    make_persona: Callable[..., User], yoga: Category, save: Save, publish: Publish
) -> None:
    reader = make_persona(email="reader@example.jp", full_name="Alex Reader", language="en")
    save(f"category={yoga.pk}", user=reader, language="ja")
    publish("朝のヨガ教室", categories=[yoga])
    assert services.alerts_send(now=timezone.now() + timedelta(minutes=1)) == 1
    [mail] = alert_mails(reader)
    assert mail.language == "en"
    assert mail.subject == "New programmes: Yoga"
    assert mail.body.startswith("Dear Alex Reader,")


def test_no_mail_for_a_deactivated_account(resident: User, yoga: Category, save: Save, publish: Publish) -> None:
    save(f"category={yoga.pk}")
    publish("朝のヨガ教室", categories=[yoga])
    User.objects.filter(pk=resident.pk).update(is_active=False)
    assert services.alerts_send(now=timezone.now() + timedelta(minutes=1)) == 0


def test_the_one_click_link_stops_that_saved_search_only(
    resident: User, yoga: Category, music: Category, save: Save, client: Client
) -> None:
    stopped = save(f"category={yoga.pk}")
    kept = save(f"category={music.pk}")
    link = services.saved_search_unsubscribe_link(stopped)
    path = link[link.index("/unsubscribe/") :]
    page = client.get(path)
    assert page.status_code == 200
    assert "ヨガ" in page.content.decode()
    assert SavedSearch.objects.filter(pk=stopped.pk).exists()  # opening the link stops nothing
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not SavedSearch.objects.filter(pk=stopped.pk).exists()
    assert SavedSearch.objects.filter(pk=kept.pk).exists()
    assert client.post(path).status_code == 200  # twice is harmless
    assert AuditEntry.objects.filter(action="alerts.saved_search.unsubscribed").count() == 1
    # A link whose signature does not match is refused.
    forged = path.rstrip("/")[:-4] + "abcd/"
    assert client.post(forged).status_code == 400
    assert SavedSearch.objects.filter(pk=kept.pk).exists()


def test_deleting_the_account_deletes_its_saved_searches(
    resident: User, yoga: Category, save: Save, make_persona: Callable[..., User]
) -> None:
    other = make_persona(email="other@example.jp")
    save(f"category={yoga.pk}")
    save(f"category={yoga.pk}", user=other)
    user_delete(user=resident, actor=resident)
    assert not SavedSearch.objects.filter(user=resident).exists()
    assert SavedSearch.objects.filter(user=other).count() == 1


def test_only_the_owner_deletes(resident: User, save: Save, make_persona: Callable[..., User]) -> None:
    saved_search = save("free=1")
    with pytest.raises(PermissionDenied):
        services.saved_search_delete(saved_search=saved_search, actor=make_persona(email="other@example.jp"))
    services.saved_search_delete(saved_search=saved_search, actor=resident)
    assert not SavedSearch.objects.exists()
